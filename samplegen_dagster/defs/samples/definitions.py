"""PR sample pipeline definitions (group ``samples``)."""

from dagster import Definitions

from samplegen_dagster.defs.samples.assets import (
    pr_analysis,
    pr_environment,
    pr_patches,
    pr_sample,
    pr_validation,
)
from samplegen_dagster.defs.samples.checks import validation_cycle
from samplegen_dagster.defs.samples.enrichment_assets import (
    pr_enrichment,
    pr_trajectories,
    sample_validates,
)
from samplegen_dagster.defs.samples.jobs import samples_job
from samplegen_dagster.defs.samples.resources import SamplegenSettings
from samplegen_dagster.defs.samples.sensors import pull_request_sensor

defs = Definitions(
    assets=[pr_analysis, pr_patches, pr_environment, pr_validation, pr_trajectories, pr_enrichment, pr_sample],
    asset_checks=[validation_cycle, sample_validates],
    jobs=[samples_job],
    sensors=[pull_request_sensor],
    resources={"samplegen": SamplegenSettings()},
)
