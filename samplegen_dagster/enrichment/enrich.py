"""The seven enrichment sections, computed from the phases' facts and the executed trajectories."""

from __future__ import annotations

import json
import re
from collections import Counter

from samplegen_dagster.analysis.analyze import Analysis
from samplegen_dagster.enrichment.models import (
    Acceptance,
    CandidateMode,
    CoverageOfChangedFiles,
    DiffSemantics,
    Enrichment,
    FailureEvidence,
    FailureModeAnalysis,
    FileDiff,
    FixLine,
    FixLineCoverage,
    Navigation,
    NavigationMetrics,
    PlanAndMemorySignals,
    PlanSignals,
    StateCounts,
    StepLevelMetrics,
    StepTotals,
    TaskGoal,
    TestExecution,
    TokenCounts,
    TrajectoryMetrics,
)
from samplegen_dagster.enrichment.symbols import changed_symbols
from samplegen_dagster.patches.split import SplitPatches
from samplegen_dagster.trajectories.atif import TOKEN_METHOD, Trajectory
from samplegen_dagster.trajectories.edits import edit_units
from samplegen_dagster.trajectories.models import FAILURE_MODES, TrajectoryResult
from samplegen_dagster.validation.run import Validation

EDIT_TOOLS = {"edit_file", "create_file", "delete_file", "write_binary", "move_file"}
_BEHAVIOUR = re.compile(r"\b(should|must|expected|expect|instead|ought|needs? to|return(s|ed)?|raises?)\b", re.I)


# -- taskGoal --------------------------------------------------------------------------------
def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n\s*\n", text.strip())
    return [" ".join(p.split()) for p in parts if p and p.strip()]


def task_goal(analysis: Analysis, validation: Validation, test_command: str) -> TaskGoal:
    pr = analysis.pr
    found = [s for s in sentences(pr.problem_statement) if _BEHAVIOUR.search(s)]
    expected = (found or sentences(pr.problem_statement)[:2])[:5]
    return TaskGoal(
        goal=pr.title.strip(),
        expectedBehaviour=expected,
        acceptance=Acceptance(
            failToPass=validation.verdict.fail_to_pass,
            passToPassCount=len(validation.verdict.pass_to_pass),
            testCommand=test_command,
        ),
        statementSource=pr.problem_statement_source,
    )


# -- failureModeAnalysis ---------------------------------------------------------------------
def _tools(t: Trajectory) -> list[tuple[str, dict]]:
    return [(c.function_name, c.arguments) for s in t.steps for c in (s.tool_calls or [])]


def _edited(t: Trajectory) -> list[str]:
    out: list[str] = []
    for name, args in _tools(t):
        if name == "move_file":
            out += [args["old_path"], args["new_path"]]
        elif name in EDIT_TOOLS:
            out.append(args["path"])
    return list(dict.fromkeys(out))


def failure_mode_analysis(result: TrajectoryResult) -> FailureModeAnalysis:
    f = result.failure
    ideal_edits, failed_edits = _edited(result.ideal), _edited(result.failed)
    ideal_units = sum(1 for n, _ in _tools(result.ideal) if n in EDIT_TOOLS)
    failed_units = sum(1 for n, _ in _tools(result.failed) if n in EDIT_TOOLS)
    diff = []
    if f.mode == "incomplete_fix":
        diff.append(f"applies {failed_units} of the fix's {ideal_units} edit units; skipped unit(s) {f.skipped_units}")
    elif f.mode == "test_tampering":
        diff.append(f"edits the test file(s) {', '.join(f.tampered_files)} instead of {', '.join(ideal_edits)}")
        diff.append("its own test run passes because the failing tests were reverted; the original tests fail")
    elif f.mode == "premature_submission":
        diff.append("submits after reproducing the failure, without any edit or verification")
    missing = [p for p in ideal_edits if p not in failed_edits]
    if missing:
        diff.append(f"never edits {', '.join(missing)}")
    diff.append(f"{len(f.failing_tests)} FAIL_TO_PASS/PASS_TO_PASS test(s) fail on its submission; all pass on the ideal one")
    return FailureModeAnalysis(
        mode=f.mode,
        description=f.description,
        taxonomy=FAILURE_MODES,
        evidence=FailureEvidence(failingTests=f.failing_tests, outputExcerpt=f.evaluation_output[-2000:]),
        distinguishingFromIdeal=diff,
        candidates=[CandidateMode(mode=c.mode, applicable=c.applicable, tried=c.tried, reallyFails=c.really_fails, reason=c.reason)
                    for c in f.candidates],
        executedIn=result.executed_in,
    )


# -- stepLevelMetrics ------------------------------------------------------------------------
def trajectory_metrics(t: Trajectory) -> TrajectoryMetrics:
    fm = t.final_metrics
    return TrajectoryMetrics(
        totalSteps=len(t.steps),
        agentSteps=sum(1 for s in t.steps if s.source == "agent"),
        toolCallsByTool=dict(sorted(Counter(n for n, _ in _tools(t)).items())),
        wallTimePerStepS=[s.extra.wall_time_s for s in t.steps],
        totalWallTimeS=round(sum(s.extra.wall_time_s for s in t.steps), 4),
        tokens=TokenCounts(prompt=fm.total_prompt_tokens or 0, completion=fm.total_completion_tokens or 0,
                           method=(fm.extra or {}).get("token_method", TOKEN_METHOD)),
    )


def step_level_metrics(result: TrajectoryResult) -> StepLevelMetrics:
    return StepLevelMetrics(
        totalSteps=StepTotals(idealTrajectory=len(result.ideal.steps), failedTrajectory=len(result.failed.steps)),
        idealTrajectory=trajectory_metrics(result.ideal),
        failedTrajectory=trajectory_metrics(result.failed),
    )


# -- diffSemantics ---------------------------------------------------------------------------
def diff_semantics(split: SplitPatches, sources: dict[str, tuple[str | None, str | None]]) -> DiffSemantics:
    """``sources``: fix file path (after) -> (source at base, source after the fix), Python files only."""
    fix = split.fix_files
    symbols, module_level, errors = [], [], []
    for path, (before, after) in sources.items():
        try:
            changes, module_changed = changed_symbols(path, before, after)
        except SyntaxError as e:
            errors.append(f"{path}: {e.msg} (line {e.lineno})")
            continue
        symbols += changes
        if module_changed:
            module_level.append(path)
    return DiffSemantics(
        files=[FileDiff(path=f.path, oldPath=f.old_path, changeKind=f.kind, binary=f.binary, linesAdded=f.added, linesRemoved=f.removed)
               for f in fix],
        filesChanged=len(fix),
        linesAdded=sum(f.added for f in fix),
        linesRemoved=sum(f.removed for f in fix),
        changedSymbols=symbols,
        moduleLevelChanges=module_level,
        parseErrors=errors,
    )


# -- testExecution ---------------------------------------------------------------------------
def fix_line_coverage(fix_patch: str, coverage_json: str | None, fail_to_pass: list[str]) -> FixLineCoverage:
    """Which added/changed Python lines of fix.patch the F2P tests execute (per-test coverage contexts, post-fix run)."""
    files = (json.loads(coverage_json).get("files", {}) if coverage_json else {})
    f2p = set(fail_to_pass)
    lines: list[FixLine] = []
    for unit in edit_units(fix_patch):
        if not unit.path.endswith(".py"):
            continue
        data = files.get(unit.path, {})
        statements = set(data.get("executed_lines", [])) | set(data.get("missing_lines", []))
        contexts = data.get("contexts") or {}
        for n in unit.added_lines:
            tests = sorted({c.rsplit("|", 1)[0] for c in contexts.get(str(n), [])} & f2p)
            lines.append(FixLine(file=unit.path, line=n, executable=n in statements, executedBy=tests))
    executable = [ln for ln in lines if ln.executable]
    executed = [ln for ln in executable if ln.executedBy]
    flagged, reason = False, None
    if not coverage_json:
        flagged, reason = True, "no coverage data from the post-fix run"
    elif lines and not executed:
        flagged, reason = True, "the FAIL_TO_PASS tests execute none of the lines the fix adds"
    return FixLineCoverage(
        addedLines=len(lines),
        executableAddedLines=len(executable),
        executedByFailToPass=len(executed),
        percent=round(100.0 * len(executed) / len(executable), 2) if executable else None,
        lines=lines,
        flagged=flagged,
        flagReason=reason,
    )


def test_execution(analysis: Analysis, split: SplitPatches, validation: Validation) -> TestExecution:
    by = {s.name: s for s in validation.states}

    def pct(name: str) -> float | None:
        s = by.get(name)
        return s.coverage.percent_changed_files if s and s.coverage else None

    return TestExecution(
        framework=analysis.test_framework,
        countsPerState=[StateCounts(state=s.name, **{k: s.counts.get(k, 0) for k in ("passed", "failed", "error", "skipped")})
                        for s in validation.states],
        failToPass=validation.verdict.fail_to_pass,
        passToPass=validation.verdict.pass_to_pass,
        coverageChangedFiles=CoverageOfChangedFiles(preTests=pct("pre_tests"), postPatch=pct("post_patch")),
        fixLineCoverage=fix_line_coverage(split.fix_patch, validation.coverage_json.get("post_patch"), validation.verdict.fail_to_pass),
    )


test_execution.__test__ = False  # not a pytest test


# -- navigationMetrics -----------------------------------------------------------------------
def gold_files(split: SplitPatches) -> list[str]:
    out: list[str] = []
    for f in split.fix_files:
        out += [p for p in (f.old_path, f.path) if p]
    return list(dict.fromkeys(out))


def _ratio(hit: int, total: int) -> float | None:
    return round(hit / total, 4) if total else None


def navigation(t: Trajectory, gold: list[str]) -> Navigation:
    calls = _tools(t)
    listed = list(dict.fromkeys(a["path"] for n, a in calls if n == "list_dir"))
    opened = list(dict.fromkeys(a["path"] for n, a in calls if n == "read_file"))
    edited = _edited(t)
    g = set(gold)
    return Navigation(
        directoriesListed=listed,
        filesOpened=opened,
        filesEdited=edited,
        openPrecision=_ratio(len(g & set(opened)), len(opened)),
        openRecall=_ratio(len(g & set(opened)), len(g)),
        editPrecision=_ratio(len(g & set(edited)), len(edited)),
        editRecall=_ratio(len(g & set(edited)), len(g)),
    )


# -- planAndMemorySignals --------------------------------------------------------------------
def plan_signals(t: Trajectory) -> PlanSignals:
    seen_reads: set[str] = set()
    seen_calls: set[str] = set()
    re_reads = repeated = runs = verifications = 0
    edited = False
    for s in t.steps:
        for c in s.tool_calls or []:
            key = c.function_name + json.dumps(c.arguments, sort_keys=True)
            repeated += key in seen_calls
            seen_calls.add(key)
            if c.function_name == "read_file":
                re_reads += c.arguments["path"] in seen_reads
                seen_reads.add(c.arguments["path"])
            if c.function_name == "run_tests":
                runs += 1
                verifications += edited
            if c.function_name in EDIT_TOOLS:
                edited = True
    thoughts = [s.reasoning_content for s in t.steps if s.reasoning_content]
    return PlanSignals(
        thoughtCount=len(thoughts),
        planCount=sum(1 for r in thoughts if r.lower().startswith("plan")),
        verificationSteps=verifications,
        testRuns=runs,
        reReads=re_reads,
        repeatedActions=repeated,
    )


def enrich(analysis: Analysis, split: SplitPatches, validation: Validation, result: TrajectoryResult,
           sources: dict[str, tuple[str | None, str | None]], test_command: str) -> Enrichment:
    gold = gold_files(split)
    return Enrichment(
        taskGoal=task_goal(analysis, validation, test_command),
        failureModeAnalysis=failure_mode_analysis(result),
        stepLevelMetrics=step_level_metrics(result),
        diffSemantics=diff_semantics(split, sources),
        testExecution=test_execution(analysis, split, validation),
        navigationMetrics=NavigationMetrics(goldFiles=gold, idealTrajectory=navigation(result.ideal, gold),
                                            failedTrajectory=navigation(result.failed, gold)),
        planAndMemorySignals=PlanAndMemorySignals(idealTrajectory=plan_signals(result.ideal), failedTrajectory=plan_signals(result.failed)),
    )
