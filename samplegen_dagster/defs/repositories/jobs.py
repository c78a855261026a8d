from dagster import define_asset_job

#: Candidate selection for one repository (partition ``owner__name``).
candidates_job = define_asset_job(
    "candidates_job",
    selection=["pr_candidates"],
    description="List, score and filter one repository's merged PRs; register accepted ones as pull_requests.",
)
