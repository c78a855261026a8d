"""``ideas_seed_sensor``: registers seeds found in the seeds directory as ``seeds`` partitions
and requests an ``ideas_job`` run for each new or changed seed.

Its cursor maps seed id -> hash of the seed file's spec, so a seed runs once when it appears
and again only when its spec changes. Invalid seed files are logged (one line each) and
skipped. It is STOPPED by default: enable it in the UI (Automation -> ideas_seed_sensor) or
with ``dagster sensor start ideas_seed_sensor -m samplegen_dagster``.
"""


import hashlib
import json

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from samplegen_dagster.defs.ideas.jobs import ideas_job
from samplegen_dagster.defs.ideas.partitions import (
    SEEDS_PARTITIONS_NAME,
    seeds_partitions,
)
from samplegen_dagster.defs.ideas.resources import IdeasSettingsResource
from samplegen_dagster.ideas.seeds import scan_seeds


@sensor(job=ideas_job, default_status=DefaultSensorStatus.STOPPED, minimum_interval_seconds=60, description=__doc__)
def ideas_seed_sensor(context: SensorEvaluationContext, ideas_settings: IdeasSettingsResource) -> SensorResult | SkipReason:
    seeds_dir = ideas_settings.settings().seeds_dir
    scan = scan_seeds(seeds_dir)
    for error in scan.errors:
        context.log.warning(error)
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    hashes = {sid: hashlib.sha256(seed.model_dump_json().encode()).hexdigest()[:16] for sid, (seed, _) in scan.seeds.items()}
    changed = sorted(sid for sid, h in hashes.items() if seen.get(sid) != h)
    known = set(context.instance.get_dynamic_partitions(SEEDS_PARTITIONS_NAME))
    new_partitions = sorted(sid for sid in hashes if sid not in known)
    if not changed and not new_partitions:
        return SkipReason(f"no new or changed seeds in {seeds_dir} ({len(hashes)} known)")
    return SensorResult(
        run_requests=[RunRequest(partition_key=sid, run_key=f"{sid}:{hashes[sid]}") for sid in changed],
        dynamic_partitions_requests=[seeds_partitions.build_add_request(new_partitions)] if new_partitions else [],
        cursor=json.dumps({**seen, **hashes}, sort_keys=True),
    )
