from dagster import DynamicPartitionsDefinition

#: One partition per repository of the repos file; the key is ``owner__name`` (``ids.repo_key``).
repositories = DynamicPartitionsDefinition(name="repositories")

#: Name of the PR partitions (defined by the samples pipeline) that accepted candidates join.
PULL_REQUESTS = "pull_requests"
