"""Phase 4 entry point: run the cycle in a sandbox, parse the reports, decide."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, Field

from samplegen_dagster.analysis.analyze import Analysis
from samplegen_dagster.environment.build import Environment
from samplegen_dagster.rejections import Rejected
from samplegen_dagster.sandbox.base import Sandbox, SandboxError, StateRun
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.mirror import scratch_checkout
from samplegen_dagster.validation.commands import display, pytest_argv
from samplegen_dagster.validation.coverage import CoverageSummary, summarize
from samplegen_dagster.validation.junit import JUnitError, Report, parse_junit
from samplegen_dagster.validation.verdict import Verdict, decide

LOG_NAMES = {"pre_tests": "PASS_pre_tests.log", "pre_patch": "FAIL_pre_patch.log", "post_patch": "PASS_post_patch.log"}


class StateSummary(BaseModel):
    name: str
    log_name: str
    targets: list[str]
    command: str = ""
    exit_code: int | None = None
    timed_out: bool = False
    duration_s: float = 0.0
    counts: dict[str, int] = Field(default_factory=dict)
    skipped_reason: str | None = None
    coverage: CoverageSummary | None = None


class Validation(BaseModel):
    instance_id: str
    sandbox: str
    verdict: Verdict
    states: list[StateSummary]
    reports: dict[str, Report]
    logs: dict[str, str] = Field(description="log file name -> content")
    coverage_json: dict[str, str] = Field(default_factory=dict, description="state -> raw coverage JSON (per-test contexts)")
    validated_at: datetime
    duration_s: float


def _log(analysis: Analysis, run: StateRun, targets: list[str], report: Report) -> str:
    pr = analysis.pr
    head = [
        f"# {analysis.instance_id} - state {run.name} ({LOG_NAMES[run.name]})",
        f"# repo {pr.repo}  base {pr.base_commit}  merge {pr.merge_commit}",
        f"# targets: {' '.join(targets) if targets else '(none)'}",
        f"# exit code: {run.exit_code}  duration: {run.duration_s:.2f}s" + ("  TIMED OUT" if run.timed_out else ""),
        "",
    ]
    if run.apply_error:
        head.append(f"patch failed to apply: {run.apply_error}")
    if run.skipped_reason:
        head.append(f"no tests run: {run.skipped_reason}")
    tail = ["", "== per-test results (from JUnit XML) =="]
    tail += [f"{r.outcome.value.upper():8} {n}" for n, r in sorted(report.tests.items())]
    c = report.counts()
    tail.append(f"== {c['passed']} passed, {c['failed']} failed, {c['error']} errors, {c['skipped']} skipped ==")
    return "\n".join(head) + "\n" + run.console.rstrip() + "\n" + "\n".join(tail) + "\n"


def validate(settings: Settings, sandbox: Sandbox, analysis: Analysis, env: Environment) -> Validation:
    start = datetime.now(timezone.utc)
    pr = analysis.pr
    with scratch_checkout(Path(analysis.mirror), pr.base_commit, settings.cache_dir / "scratch", analysis.instance_id) as root:
        try:
            runs = sandbox.run_cycle(env.prepared, env.spec, root, env.plan)
        except SandboxError as e:
            raise Rejected("env_install_failed", str(e), "validation") from None
    by_name = {r.name: r for r in runs}
    planned = {s.name: s for s in env.plan.states}
    for r in runs:
        if r.apply_error:
            raise Rejected("patch_does_not_apply", r.apply_error, "validation")
        if r.timed_out:
            raise Rejected("timeout", f"the {r.name} test run exceeded {env.plan.timeout_s}s and was killed", "validation")
    reports: dict[str, Report] = {}
    for name in LOG_NAMES:
        try:
            reports[name] = parse_junit(by_name[name].junit_xml if name in by_name else None)
        except JUnitError as e:
            raise Rejected("no_results_after_fix" if name == "post_patch" else "source_error", f"{name}: {e}", "validation") from None
    verdict = decide(reports["pre_tests"], reports["pre_patch"], reports["post_patch"])
    post = by_name.get("post_patch")
    if verdict.rejection and verdict.rejection.code == "no_results_after_fix" and post and post.skipped_reason:
        # Say why: typically tests.patch only deletes test modules (a removal PR).
        verdict.rejection.message = (
            "the run with fix.patch applied produced no test results: no test module touched by "
            "tests.patch exists after it (it only deletes or empties tests)"
        )
    states, logs, cov_json = [], {}, {}
    for name, log_name in LOG_NAMES.items():
        r = by_name.get(name)
        if r is None:
            continue
        spec = planned[name]
        logs[log_name] = _log(analysis, r, spec.targets, reports[name])
        if r.coverage_json:
            cov_json[name] = r.coverage_json
        states.append(
            StateSummary(
                name=name,
                log_name=log_name,
                targets=spec.targets,
                # The command as a person runs it in the checkout (the log has the sandbox's exact argv).
                command=display(pytest_argv("python", spec.targets, f"{name}.junit.xml", coverage=spec.coverage))
                if spec.targets
                else "",
                exit_code=r.exit_code,
                timed_out=r.timed_out,
                duration_s=r.duration_s,
                counts=reports[name].counts(),
                skipped_reason=r.skipped_reason,
                coverage=summarize(r.coverage_json, env.plan.coverage_include) if r.coverage_json else None,
            )
        )
    end = datetime.now(timezone.utc)
    return Validation(
        instance_id=analysis.instance_id,
        sandbox=env.prepared.sandbox,
        verdict=verdict,
        states=states,
        reports=reports,
        logs=logs,
        coverage_json=cov_json,
        validated_at=end,
        duration_s=round((end - start).total_seconds(), 2),
    )
