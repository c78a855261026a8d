from dagster import AssetSelection, define_asset_job

#: The main job: every phase of one PR sample.
samples_job = define_asset_job(
    "samples_job",
    selection=AssetSelection.groups("samples"),
    description="Build the sample of one PR: analysis -> patches -> environment -> validation -> trajectories -> enrichment -> sample.",
)
