"""Trajectories and enrichment in the sample chain (group ``samples``, partitioned by PR).

pr_validation -> pr_trajectories -> pr_enrichment -> pr_sample

``pr_trajectories`` runs the ideal and the failed trajectory step by step in a sandbox
session; ``pr_enrichment`` computes metadata.json's seven sections. The work is in the
``trajectories`` and ``enrichment`` packages; these assets only call them and describe the
result for the UI. ``sample_validates`` checks the written sample against the models.
"""


from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    Failure,
    MetadataValue,
    Output,
    asset,
    asset_check,
)

from samplegen_dagster.analysis.analyze import Analysis
from samplegen_dagster.defs.samples.assets import (
    GROUP,
    SANDBOX_POOL,
    _phase,
    _table,
    pr_sample,
)
from samplegen_dagster.defs.samples.partitions import pull_requests
from samplegen_dagster.defs.samples.resources import SamplegenSettings
from samplegen_dagster.enrichment.enrich import enrich
from samplegen_dagster.enrichment.models import Enrichment
from samplegen_dagster.enrichment.sources import fix_sources
from samplegen_dagster.enrichment.validate import sample_problems
from samplegen_dagster.environment.build import Environment
from samplegen_dagster.patches.split import SplitPatches
from samplegen_dagster.trajectories.atif import Trajectory
from samplegen_dagster.trajectories.execute import TrajectoryError
from samplegen_dagster.trajectories.models import TrajectoryResult
from samplegen_dagster.trajectories.run import execute
from samplegen_dagster.validation.run import Validation


def _short(value, limit: int = 60) -> str:
    text = str(value).replace("\n", "⏎").replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def steps_md(t: Trajectory) -> str:
    rows = ["| # | source | phase | tool | arguments | wall s |", "|---|---|---|---|---|---|"]
    for s in t.steps:
        call = (s.tool_calls or [None])[0]
        args = ", ".join(f"{k}={_short(v, 40)}" for k, v in call.arguments.items()) if call else _short(s.message)
        rows.append(f"| {s.step_id} | {s.source} | {s.extra.phase} | {call.function_name if call else ''} | {args} | {s.extra.wall_time_s:.3f} |")
    return "\n".join(rows) + "\n"


@asset(
    group_name=GROUP,
    partitions_def=pull_requests,
    pool=SANDBOX_POOL,
    description="Executed ideal and failed trajectories (ATIF): every step runs in a sandbox session on the sample's checkout.",
)
def pr_trajectories(
    context: AssetExecutionContext,
    samplegen: SamplegenSettings,
    pr_analysis: Analysis,
    pr_patches: SplitPatches,
    pr_environment: Environment,
    pr_validation: Validation,
) -> Output[TrajectoryResult]:
    settings = samplegen.settings()
    with _phase(context, samplegen, "trajectories"):
        try:
            result = execute(settings, samplegen.sandbox_impl(pr_environment.prepared.sandbox), pr_analysis, pr_patches, pr_environment, pr_validation)
        except TrajectoryError as e:
            raise Failure(description=f"{context.partition_key}: trajectories: {e}", allow_retries=False) from None
    f = result.failure
    if result.executed_in_note:
        context.log.info(result.executed_in_note)
    md = (
        f"**Failure mode:** `{f.mode}`: {f.description}\n\n"
        f"**Failing on the failed submission:** " + (", ".join(f"`{t}`" for t in f.failing_tests) or "none") + "\n\n"
        f"Executed in the **{result.executed_in}** sandbox. {result.executed_in_note}\n\n"
        f"#### Ideal trajectory ({len(result.ideal.steps)} steps)\n\n{steps_md(result.ideal)}\n"
        f"#### Failed trajectory ({len(result.failed.steps)} steps)\n\n{steps_md(result.failed)}"
    )
    return Output(
        result,
        metadata={
            "summary": MetadataValue.md(md),
            "failure_mode": f.mode,
            "ideal_steps": len(result.ideal.steps),
            "failed_steps": len(result.failed.steps),
            "executed_in": result.executed_in,
            "ideal_wall_s": (result.ideal.final_metrics.extra or {}).get("wall_time_s", 0.0),
            "failed_wall_s": (result.failed.final_metrics.extra or {}).get("wall_time_s", 0.0),
            "failure_candidates": _table(
                [("mode", "string"), ("applicable", "bool"), ("tried", "bool"), ("really_fails", "string"), ("reason", "string")],
                [{"mode": c.mode, "applicable": c.applicable, "tried": c.tried,
                  "really_fails": "-" if c.really_fails is None else str(c.really_fails), "reason": c.reason} for c in f.candidates],
            ),
        },
    )


@asset(
    group_name=GROUP,
    partitions_def=pull_requests,
    description="metadata.json's seven enrichment sections from the validation facts, the real source and the trajectories.",
)
def pr_enrichment(
    context: AssetExecutionContext,
    pr_analysis: Analysis,
    pr_patches: SplitPatches,
    pr_validation: Validation,
    pr_trajectories: TrajectoryResult,
) -> Output[Enrichment]:
    post = next(s for s in pr_validation.states if s.name == "post_patch")
    e = enrich(pr_analysis, pr_patches, pr_validation, pr_trajectories, fix_sources(pr_analysis, pr_patches), post.command)
    flc = e.testExecution.fixLineCoverage
    nav = e.navigationMetrics
    md = (
        f"**Goal:** {e.taskGoal.goal}\n\n"
        f"**Failure mode:** `{e.failureModeAnalysis.mode}` ({len(e.failureModeAnalysis.evidence.failingTests)} test(s) fail)\n\n"
        f"**Steps:** ideal {e.stepLevelMetrics.totalSteps.idealTrajectory}, failed {e.stepLevelMetrics.totalSteps.failedTrajectory}\n\n"
        f"**Diff:** {e.diffSemantics.filesChanged} file(s), +{e.diffSemantics.linesAdded}/-{e.diffSemantics.linesRemoved}; symbols: "
        + (", ".join(f"`{s.name}` ({s.change})" for s in e.diffSemantics.changedSymbols) or "none") + "\n\n"
        f"**Fix-line coverage:** {flc.executedByFailToPass}/{flc.executableAddedLines} executable added lines run by F2P tests"
        + (f" — **flagged**: {flc.flagReason}" if flc.flagged else "") + "\n\n"
        f"**Edit precision/recall:** ideal {nav.idealTrajectory.editPrecision}/{nav.idealTrajectory.editRecall}, "
        f"failed {nav.failedTrajectory.editPrecision}/{nav.failedTrajectory.editRecall}\n"
    )
    if flc.flagged:
        context.log.warning(f"{context.partition_key}: {flc.flagReason}")
    return Output(
        e,
        metadata={
            "summary": MetadataValue.md(md),
            "failure_mode": e.failureModeAnalysis.mode,
            "fix_line_coverage_pct": flc.percent if flc.percent is not None else -1.0,
            "fix_not_executed_flag": flc.flagged,
            "changed_symbols": _table(
                [("file", "string"), ("name", "string"), ("kind", "string"), ("change", "string"), ("signature_changed", "bool")],
                [{"file": s.file, "name": s.name, "kind": s.kind, "change": s.change, "signature_changed": s.signatureChanged}
                 for s in e.diffSemantics.changedSymbols],
            ),
            "fix_lines": _table(
                [("file", "string"), ("line", "int"), ("executable", "bool"), ("f2p_tests", "int")],
                [{"file": ln.file, "line": ln.line, "executable": ln.executable, "f2p_tests": len(ln.executedBy)} for ln in flc.lines],
            ),
            "step_metrics": _table(
                [("trajectory", "string"), ("steps", "int"), ("tool_calls", "int"), ("wall_s", "float"), ("tokens_est", "int")],
                [{"trajectory": name, "steps": m.totalSteps, "tool_calls": sum(m.toolCallsByTool.values()),
                  "wall_s": m.totalWallTimeS, "tokens_est": m.tokens.prompt + m.tokens.completion}
                 for name, m in (("ideal", e.stepLevelMetrics.idealTrajectory), ("failed", e.stepLevelMetrics.failedTrajectory))],
            ),
        },
    )


@asset_check(
    asset=pr_sample,
    blocking=False,
    partitions_def=pull_requests,
    description="metadata.json has the seven sections and validates; both trajectory files validate against ATIF.",
)
def sample_validates(context: AssetCheckExecutionContext, samplegen: SamplegenSettings) -> AssetCheckResult:
    try:
        key = context.partition_key
    except Exception:  # an unpartitioned run of the check
        key = None
    sample = Path(samplegen.settings().samples_dir) / (key or "")
    problems = sample_problems(sample) if key else ["no partition key"]
    return AssetCheckResult(
        passed=not problems,
        severity=AssetCheckSeverity.ERROR,
        metadata={"problems": "; ".join(problems) or "none", "sample": MetadataValue.path(str(sample))},
    )
