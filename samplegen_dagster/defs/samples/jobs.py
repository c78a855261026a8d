from dagster import AssetSelection, define_asset_job

from samplegen_dagster.defs.samples.partitions import pull_requests

#: The main job: every phase of one PR sample.
samples_job = define_asset_job(
    "samples_job",
    selection=AssetSelection.groups("samples"),
    partitions_def=pull_requests,
    description="Build the sample of one PR: analysis -> patches -> environment -> validation -> sample.",
)
