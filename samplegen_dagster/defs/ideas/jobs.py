"""``ideas_job``: the whole ``ideas`` group for one seed partition (partitioning comes from the assets)."""

from dagster import AssetSelection, define_asset_job

ideas_job = define_asset_job(
    "ideas_job",
    selection=AssetSelection.groups("ideas"),
    description="Seed -> brainstormed ideas -> refined ideas -> draft_spec.md files, for one seed partition.",
)
