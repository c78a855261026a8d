from dagster import DynamicPartitionsDefinition

#: One partition per PR; the key is the instance id ``owner__name-N``.
pull_requests = DynamicPartitionsDefinition(name="pull_requests")
