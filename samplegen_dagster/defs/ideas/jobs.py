"""``ideas_job``: the whole ``ideas`` group for one seed partition."""

from dagster import AssetSelection, define_asset_job

from samplegen_dagster.defs.ideas.partitions import seeds_partitions

ideas_job = define_asset_job(
    "ideas_job",
    selection=AssetSelection.groups("ideas"),
    partitions_def=seeds_partitions,
    description="Seed -> brainstormed ideas -> refined ideas -> draft_spec.md files, for one seed partition.",
)
