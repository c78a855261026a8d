"""Keep ``repositories`` partitions in step with the repos file and run selection for each.

Every evaluation adds partitions for repositories new in the repos file and requests one
``candidates_job`` run per repository per day (the run key carries the date, so a
repository is re-examined daily and never twice the same day). Accepted PRs then appear
as ``pull_requests`` partitions, which the sample pipeline's own sensor picks up.
"""

from __future__ import annotations

from datetime import datetime, timezone

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from samplegen_dagster.defs.repositories.jobs import candidates_job
from samplegen_dagster.defs.repositories.partitions import repositories
from samplegen_dagster.ids import repo_key
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.repos_file import ReposFileError, load_repos_file


def plan(repo_keys: list[str], known: set[str], day: str) -> tuple[list[str], list[RunRequest]]:
    """(partitions to add, run requests) for the repos file's keys; pure, for tests."""
    new = [k for k in dict.fromkeys(repo_keys) if k not in known]
    runs = [RunRequest(partition_key=k, run_key=f"{k}@{day}") for k in dict.fromkeys(repo_keys)]
    return new, runs


@sensor(
    job=candidates_job,
    minimum_interval_seconds=60 * 60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Adds a repositories partition per repos-file entry and runs candidate selection for each, daily.",
)
def repositories_sensor(context: SensorEvaluationContext):
    try:
        entries = load_repos_file(Settings.from_env().repos_file).repositories
    except ReposFileError as e:
        return SkipReason(str(e))
    if not entries:
        return SkipReason("the repos file lists no repositories")
    known = set(context.instance.get_dynamic_partitions(repositories.name))
    new, runs = plan([repo_key(e.repo) for e in entries], known, datetime.now(timezone.utc).strftime("%Y-%m-%d"))
    return SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=[repositories.build_add_request(new)] if new else [],
    )
