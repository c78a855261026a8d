"""Discovery on a cadence: register new PRs of the repos file as partitions and request their runs."""


from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from samplegen_dagster.defs.samples.jobs import samples_job
from samplegen_dagster.defs.samples.partitions import pull_requests
from samplegen_dagster.runner import unregistered
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.discovery import discover
from samplegen_dagster.sources.repos_file import ReposFileError


@sensor(
    job=samples_job,
    minimum_interval_seconds=15 * 60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Finds merged PRs of every repository in the repos file; new ones become pull_requests partitions and runs.",
)
def pull_request_sensor(context: SensorEvaluationContext):
    try:
        found = discover(Settings.from_env())
    except ReposFileError as e:
        return SkipReason(str(e))
    for repo, err in found.errors.items():
        context.log.warning(f"{repo}: {err}")
    new = unregistered(context.instance, found.keys)
    if not new:
        return SkipReason(f"no new PRs ({len(found.keys)} known, {len(found.errors)} repositories failed)")
    return SensorResult(
        run_requests=[RunRequest(partition_key=k, run_key=k) for k in new],
        dynamic_partitions_requests=[pull_requests.build_add_request(new)],
    )
