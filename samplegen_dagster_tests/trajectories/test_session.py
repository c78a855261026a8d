"""The sandbox session the trajectories run in, on a real checkout of the demo repo in a real virtualenv."""

from pathlib import Path

import pytest

from samplegen_dagster.analysis.analyze import analyze
from samplegen_dagster.enrichment.enrich import fix_line_coverage
from samplegen_dagster.environment.build import build_environment
from samplegen_dagster.patches.extract import extract
from samplegen_dagster.sandbox.base import supports_sessions
from samplegen_dagster.sandbox.local import LocalSandbox
from samplegen_dagster.sources.mirror import scratch_checkout
from samplegen_dagster.validation.junit import parse_junit


@pytest.fixture
def pr1(demo_settings):
    analysis = analyze(demo_settings, "acme__textkit-1")
    split = extract(demo_settings, analysis)
    sandbox = LocalSandbox(demo_settings.cache_dir)
    env = build_environment(demo_settings, sandbox, analysis, split)
    return demo_settings, sandbox, analysis, split, env


def test_session_steps_act_on_the_checkout(pr1):
    settings, sandbox, analysis, split, env = pr1
    assert supports_sessions(sandbox)
    with scratch_checkout(Path(analysis.mirror), analysis.pr.base_commit, settings.cache_dir / "scratch", "t") as root:
        with sandbox.session(env.prepared, env.spec, root, env.plan) as s:
            assert s.executed_in == "local"
            assert "sizes.py" in s.list("textkit") and "tests/" in s.list(".") and ".git/" not in s.list(".")
            with pytest.raises(ValueError):
                s.read("../outside")
            assert s.apply_patch(split.tests_patch) is None
            s.checkpoint()
            assert s.diff() == ""
            before = s.run_tests(["tests/test_sizes.py"], "before", coverage=True)
            assert parse_junit(before.junit_xml).counts() == {"passed": 4, "failed": 2, "error": 0, "skipped": 0}
            assert "$RUN/venv/bin/python" in before.console and str(settings.cache_dir) not in before.console
            assert s.apply_patch(split.fix_patch) is None
            assert "+        if abs(round(value, 1)) < 1000" in s.diff()
            after = s.run_tests(["tests/test_sizes.py"], "after", coverage=True)
            assert after.exit_code == 0 and parse_junit(after.junit_xml).counts()["passed"] == 6
            # per-test coverage contexts: the real F2P tests run the fixed line, test_bytes returns before it
            f2p = ["tests/test_sizes.py::test_unit_boundaries[just below 1 GB [rounds up]]",
                   "tests/test_sizes.py::test_unit_boundaries[just below 1 MB [rounds up]]"]
            real = fix_line_coverage(split.fix_patch, after.coverage_json, f2p)
            assert not real.flagged and real.executedByFailToPass == 1
            unrelated = fix_line_coverage(split.fix_patch, after.coverage_json, ["tests/test_sizes.py::test_bytes"])
            assert unrelated.flagged and unrelated.flagReason == "the FAIL_TO_PASS tests execute none of the lines the fix adds"
            s.write("textkit/new_module.py", b"X = 1\n")
            s.reset()
            assert s.diff() == "" and "new_module.py" not in s.list("textkit")
            assert b"round(value, 1)" not in s.read("textkit/sizes.py")
            assert s.apply_patch("diff --git a/nope.py b/nope.py\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-a\n+b\n")
    assert not list((settings.cache_dir / "scratch").glob("acme__textkit-1.session.*"))


class CycleOnlySandbox:
    """A sandbox with only the required interface (prepare, run_cycle): no step-by-step sessions."""

    name = "cycle-only"

    def __init__(self, inner: LocalSandbox):
        self.inner = inner

    def prepare(self, spec, checkout):
        return self.inner.prepare(spec, checkout)

    def run_cycle(self, env, spec, checkout, plan):
        return self.inner.run_cycle(env, spec, checkout, plan)


def test_sandbox_without_sessions_runs_trajectories_locally_and_says_so(pr1):
    from samplegen_dagster.trajectories.run import execute
    from samplegen_dagster.validation.run import validate

    settings, sandbox, analysis, split, env = pr1
    plain = CycleOnlySandbox(sandbox)
    assert not supports_sessions(plain)
    validation = validate(settings, plain, analysis, env)
    result = execute(settings, plain, analysis, split, env, validation)
    assert result.executed_in == "local"
    assert result.executed_in_note == "the cycle-only sandbox has no step-by-step sessions; the trajectories ran in the local sandbox"
    assert result.failure.mode == "test_tampering"
    assert {s.extra.executed_in for s in result.ideal.steps} == {"local"}


def test_premature_submission_really_fails(pr1):
    from samplegen_dagster.trajectories.edits import edit_units
    from samplegen_dagster.trajectories.execute import _failed_run
    from samplegen_dagster.trajectories.run import task_for
    from samplegen_dagster.validation.run import validate

    settings, sandbox, analysis, split, env = pr1
    validation = validate(settings, sandbox, analysis, env)
    task = task_for(analysis, split, env, validation)
    with scratch_checkout(Path(analysis.mirror), analysis.pr.base_commit, settings.cache_dir / "scratch", "t") as root:
        with sandbox.session(env.prepared, env.spec, root, env.plan) as s:
            assert s.apply_patch(task.tests_patch) is None
            s.checkpoint()
            traj, outcome = _failed_run(s, task, edit_units(task.fix_patch), edit_units(task.tests_patch),
                                        "premature_submission", None, {})
    phases = [st.extra.phase for st in traj.steps]
    assert phases[-3:] == ["reproduce", "submit", "evaluation"] and "edit" not in phases
    assert outcome.failing_tests == validation.verdict.fail_to_pass
    assert "(no changes)" in traj.steps[-2].observation.results[0].content
