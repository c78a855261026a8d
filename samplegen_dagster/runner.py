"""Run the sample chain for partitions in-process against a Dagster instance.

Used by ``samplegen run`` / ``samplegen demo`` and the benchmark; the UI, schedules and
``dagster asset materialize`` reach the same assets through the code location.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterInstance, materialize

from samplegen_dagster.assembly.write import read_rejection
from samplegen_dagster.defs.samples.assets import pr_analysis, pr_environment, pr_patches, pr_sample, pr_validation
from samplegen_dagster.defs.samples.checks import validation_cycle
from samplegen_dagster.defs.samples.enrichment_assets import pr_enrichment, pr_trajectories, sample_validates
from samplegen_dagster.defs.samples.partitions import pull_requests
from samplegen_dagster.defs.samples.resources import SamplegenSettings
from samplegen_dagster.settings import Settings

SAMPLE_ASSETS = [
    pr_analysis,
    pr_patches,
    pr_environment,
    pr_validation,
    pr_trajectories,
    pr_enrichment,
    pr_sample,
    validation_cycle,
    sample_validates,
]


@dataclass
class RunOutcome:
    key: str
    success: bool
    sample_dir: Path | None = None
    rejection: dict | None = None
    error: str | None = None


def instance_for_cli(default_home: Path) -> DagsterInstance:
    """The instance at ``DAGSTER_HOME``; when unset, a persistent one at ``default_home``."""
    if not os.environ.get("DAGSTER_HOME"):
        default_home.mkdir(parents=True, exist_ok=True)
        config = default_home / "dagster.yaml"
        if not config.exists():
            # Sandbox work (env builds, test runs) shares one pool; two at a time suits a small machine.
            config.write_text("concurrency:\n  pools:\n    default_limit: 2\n", encoding="utf-8")
        os.environ["DAGSTER_HOME"] = str(default_home.resolve())
    return DagsterInstance.get()


def unregistered(instance: DagsterInstance, keys: list[str]) -> list[str]:
    """``keys`` (deduplicated, in order) that are not yet ``pull_requests`` partitions."""
    known = set(instance.get_dynamic_partitions(pull_requests.name))
    return [k for k in dict.fromkeys(keys) if k not in known]


def register(instance: DagsterInstance, keys: list[str]) -> list[str]:
    """Add the new ones of ``keys`` as partitions; return them."""
    new = unregistered(instance, keys)
    if new:
        instance.add_dynamic_partitions(pull_requests.name, new)
    return new


def run_partition(instance: DagsterInstance, key: str, settings: Settings, log_level: str = "CRITICAL") -> RunOutcome:
    resource = SamplegenSettings(
        repos_file=str(settings.repos_file),
        cache_dir=str(settings.cache_dir),
        samples_dir=str(settings.samples_dir),
        sandbox=settings.sandbox,
        base_image=settings.base_image,
        ca_bundle=str(settings.ca_bundle or ""),
        test_timeout_s=settings.test_timeout_s,
    )
    result = materialize(
        SAMPLE_ASSETS,
        partition_key=key,
        instance=instance,
        resources={"samplegen": resource},
        raise_on_error=False,
        # The outcome is printed by the caller; the full event log stays in the instance.
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    )
    sample = settings.samples_dir / key
    if result.success and (sample / "metadata.json").is_file():
        return RunOutcome(key=key, success=True, sample_dir=sample)
    rejection = read_rejection(settings.samples_dir, key)
    error = None
    if rejection is None:
        failures = [e for e in result.all_events if e.is_step_failure]
        error = failures[0].step_failure_data.error.message.strip() if failures and failures[0].step_failure_data.error else "run failed"
    return RunOutcome(key=key, success=False, rejection=rejection, error=error)
