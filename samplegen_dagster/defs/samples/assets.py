"""The sample chain, one asset per phase, partitioned by PR (``owner__name-N``).

pr_analysis -> pr_patches -> pr_environment -> pr_validation -> pr_trajectories -> pr_enrichment -> pr_sample

(``pr_trajectories`` and ``pr_enrichment`` live in ``enrichment_assets``.)

Each asset calls one phase function and turns its result into UI metadata. A phase that
rejects the PR raises ``Rejected``; ``_phase`` records it under ``samples/_rejected/`` and
fails the run with the reason in one line, so downstream phases do not run and no sample
directory is written.
"""


from contextlib import contextmanager
from datetime import datetime, timezone

from dagster import (
    AssetExecutionContext,
    Failure,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
)

from samplegen_dagster.analysis.analyze import Analysis, analyze
from samplegen_dagster.assembly.assemble import assemble
from samplegen_dagster.assembly.metadata import RejectionRecord
from samplegen_dagster.assembly.write import write_rejection, write_sample
from samplegen_dagster.defs.metadata import table as _table
from samplegen_dagster.defs.samples.partitions import pull_requests
from samplegen_dagster.defs.samples.resources import SamplegenSettings
from samplegen_dagster.enrichment.models import Enrichment
from samplegen_dagster.environment.build import Environment, build_environment
from samplegen_dagster.patches.extract import extract
from samplegen_dagster.patches.split import SplitPatches
from samplegen_dagster.rejections import Rejected
from samplegen_dagster.sandbox.base import SandboxError
from samplegen_dagster.sources.mirror import GitError
from samplegen_dagster.trajectories.models import TrajectoryResult
from samplegen_dagster.validation.run import Validation, validate

GROUP = "samples"
SANDBOX_POOL = "samplegen_sandbox"


@contextmanager
def _phase(context: AssetExecutionContext, config: SamplegenSettings, phase: str):
    key = context.partition_key
    try:
        yield
    except Rejected as e:
        settings = config.settings()
        path = write_rejection(
            settings.samples_dir,
            RejectionRecord(
                instance_id=key,
                phase=e.phase or phase,
                code=e.rejection.code,
                message=e.rejection.message,
                rejected_at=datetime.now(timezone.utc),
                details=e.details,
            ),
        )
        context.log.info(f"rejection recorded at {path}")
        raise Failure(
            description=f"{key} rejected at {e.phase or phase}: {e.rejection.code}: {e.rejection.message}",
            metadata={"reason": e.rejection.code, "message": e.rejection.message, "record": MetadataValue.path(str(path))},
            allow_retries=False,
        ) from None
    except (GitError, SandboxError) as e:
        raise Failure(description=f"{key}: {phase} failed: {e}", allow_retries=True) from None




def _ids_md(title: str, ids: list[str]) -> str:
    if not ids:
        return f"**{title}**: none\n"
    return f"**{title}** ({len(ids)}):\n" + "".join(f"- `{i}`\n" for i in ids)


@asset(group_name=GROUP, partitions_def=pull_requests, description="Phase 1: the PR and its repository at the base commit.")
def pr_analysis(context: AssetExecutionContext, samplegen: SamplegenSettings) -> Output[Analysis]:
    with _phase(context, samplegen, "analysis"):
        a = analyze(samplegen.settings(), context.partition_key)
    pr = a.pr
    statement = pr.problem_statement if len(pr.problem_statement) < 1500 else pr.problem_statement[:1500] + " …"
    md = (
        f"### {pr.repo} #{pr.number}: {pr.title}\n\n"
        f"| | |\n|---|---|\n| base | `{pr.base_commit}` |\n| merge | `{pr.merge_commit}` |\n"
        f"| created | {pr.created_at} |\n| merged | {pr.merged_at} |\n| language | {a.language} |\n"
        f"| test framework | {a.test_framework} |\n| install method | {a.install_method} |\n| source | {pr.source} |\n\n"
        f"**Problem statement** ({pr.problem_statement_source}):\n\n> " + statement.replace("\n", "\n> ")
    )
    return Output(
        a,
        metadata={
            "summary": MetadataValue.md(md),
            "base_commit": pr.base_commit,
            "merge_commit": pr.merge_commit,
            "language": a.language,
            "test_framework": a.test_framework,
            "install_method": a.install_method,
            "changed_files": _table(
                [("path", "string"), ("status", "string"), ("additions", "int"), ("deletions", "int")],
                [f.model_dump() for f in pr.changed_files],
            ),
            "mirror": MetadataValue.path(a.mirror),
        },
    )


@asset(group_name=GROUP, partitions_def=pull_requests, description="Phase 2: the PR diff split into tests.patch and fix.patch.")
def pr_patches(context: AssetExecutionContext, samplegen: SamplegenSettings, pr_analysis: Analysis) -> Output[SplitPatches]:
    with _phase(context, samplegen, "patches"):
        split = extract(samplegen.settings(), pr_analysis)
    return Output(
        split,
        metadata={
            "summary": MetadataValue.md(
                f"{len(split.fix_files)} source file(s) in **fix.patch**, {len(split.test_files)} test file(s) in "
                "**tests.patch**; both apply on the base commit in that order."
            ),
            "files": _table(
                [("path", "string"), ("kind", "string"), ("patch", "string"), ("binary", "bool"), ("added", "int"), ("removed", "int")],
                [
                    {"path": f.path if not f.old_path else f"{f.old_path} → {f.path}", "kind": f.kind,
                     "patch": "tests.patch" if f.is_test else "fix.patch", "binary": f.binary, "added": f.added, "removed": f.removed}
                    for f in split.files
                ],
            ),
            "fix_patch_bytes": len(split.fix_patch),
            "tests_patch_bytes": len(split.tests_patch),
        },
    )


@asset(
    group_name=GROUP,
    partitions_def=pull_requests,
    pool=SANDBOX_POOL,
    description="Phase 3: test environment built or reused per dependency fingerprint; Dockerfile and run.sh.",
)
def pr_environment(
    context: AssetExecutionContext, samplegen: SamplegenSettings, pr_analysis: Analysis, pr_patches: SplitPatches
) -> Output[Environment]:
    settings = samplegen.settings()
    with _phase(context, samplegen, "environment"):
        env = build_environment(settings, samplegen.sandbox_impl(), pr_analysis, pr_patches)
    spec, prep = env.spec, env.prepared
    context.log.info(
        f"environment {spec.fingerprint}: " + ("reused" if prep.reused else f"built in {prep.build_seconds}s") + f" ({prep.sandbox})"
    )
    return Output(
        env,
        metadata={
            "fingerprint": spec.fingerprint,
            "reused": prep.reused,
            "build_seconds": prep.build_seconds,
            "sandbox": prep.sandbox,
            "install_method": spec.install_method,
            "extras": ", ".join(spec.extras) or "-",
            "dependency_files": ", ".join(spec.dependency_files) or "-",
            "environment": MetadataValue.path(prep.location),
            "test_targets": _table(
                [("state", "string"), ("targets", "string"), ("coverage", "bool")],
                [{"state": s.name, "targets": " ".join(s.targets) or "(none)", "coverage": s.coverage} for s in env.plan.states],
            ),
            "Dockerfile": MetadataValue.md(f"```dockerfile\n{env.dockerfile}```"),
        },
    )


@asset(
    group_name=GROUP,
    partitions_def=pull_requests,
    pool=SANDBOX_POOL,
    description="Phase 4: base, base+tests.patch, base+tests.patch+fix.patch; FAIL_TO_PASS and PASS_TO_PASS from JUnit XML.",
)
def pr_validation(
    context: AssetExecutionContext, samplegen: SamplegenSettings, pr_analysis: Analysis, pr_environment: Environment
) -> Output[Validation]:
    settings = samplegen.settings()
    with _phase(context, samplegen, "validation"):
        v = validate(settings, samplegen.sandbox_impl(pr_environment.prepared.sandbox), pr_analysis, pr_environment)
        if v.verdict.rejection:
            # The record keeps what a reviewer needs to judge the rejection without rerunning it.
            details = {
                "FAIL_TO_PASS": v.verdict.fail_to_pass,
                "PASS_TO_PASS": v.verdict.pass_to_pass,
                "regressions": v.verdict.regressions,
                "failing_at_base": v.verdict.failing_at_base,
                "counts": {s.name: s.counts for s in v.states},
            }
            raise Rejected(v.verdict.rejection.code, v.verdict.rejection.message, "validation", details)
    md = _ids_md("FAIL_TO_PASS", v.verdict.fail_to_pass) + "\n" + _ids_md("PASS_TO_PASS", v.verdict.pass_to_pass)
    return Output(
        v,
        metadata={
            "summary": MetadataValue.md(md),
            "fail_to_pass": len(v.verdict.fail_to_pass),
            "pass_to_pass": len(v.verdict.pass_to_pass),
            "sandbox": v.sandbox,
            "duration_s": v.duration_s,
            "states": _table(
                [("state", "string"), ("passed", "int"), ("failed", "int"), ("error", "int"), ("skipped", "int"),
                 ("seconds", "float"), ("coverage of changed files", "string")],
                [
                    {"state": s.name, **{k: s.counts.get(k, 0) for k in ("passed", "failed", "error", "skipped")},
                     "seconds": s.duration_s,
                     "coverage of changed files": (f"{s.coverage.percent_changed_files:.1f}%" if s.coverage and s.coverage.percent_changed_files is not None else "n/a")}
                    for s in v.states
                ],
            ),
        },
    )


@asset(
    group_name=GROUP,
    partitions_def=pull_requests,
    description="Phase 5: samples/<instance_id>/ with the enriched metadata.json and both trajectories, written atomically.",
)
def pr_sample(
    context: AssetExecutionContext,
    samplegen: SamplegenSettings,
    pr_analysis: Analysis,
    pr_patches: SplitPatches,
    pr_environment: Environment,
    pr_validation: Validation,
    pr_trajectories: TrajectoryResult,
    pr_enrichment: Enrichment,
) -> MaterializeResult:
    settings = samplegen.settings()
    meta, files = assemble(settings, pr_analysis, pr_patches, pr_environment, pr_validation, pr_trajectories, pr_enrichment)
    path = write_sample(settings.samples_dir, meta, files)
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "instance_id": meta.instance_id,
            "fail_to_pass": len(meta.FAIL_TO_PASS),
            "pass_to_pass": len(meta.PASS_TO_PASS),
            "files": _table(
                [("file", "string"), ("bytes", "int")],
                [{"file": f, "bytes": (path / f).stat().st_size} for f in meta.files],
            ),
            "summary": MetadataValue.md(
                f"Sample **{meta.instance_id}** written to `{path}`: {len(meta.FAIL_TO_PASS)} FAIL_TO_PASS, "
                f"{len(meta.PASS_TO_PASS)} PASS_TO_PASS, validated in the {meta.validation.sandbox} sandbox; "
                f"trajectories executed in the {pr_trajectories.executed_in} sandbox (failure mode "
                f"`{pr_trajectories.failure.mode}`)."
            ),
        }
    )
