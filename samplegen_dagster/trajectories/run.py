"""Trajectory phase entry point: a sandbox session on a fresh base checkout, both trajectories run in it.

A sandbox without the session capability (``sandbox.base.supports_sessions``) cannot run
steps one at a time; the trajectories then run in the local sandbox's session (its
environment is built or reused per fingerprint like any other) and ``executed_in`` says so.
"""

from __future__ import annotations

from pathlib import Path

from samplegen_dagster.analysis.analyze import Analysis
from samplegen_dagster.environment.build import Environment
from samplegen_dagster.patches.split import SplitPatches
from samplegen_dagster.sandbox.base import Sandbox, supports_sessions
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.mirror import scratch_checkout
from samplegen_dagster.trajectories.execute import run_trajectories
from samplegen_dagster.trajectories.models import TrajectoryResult, TrajectoryTask
from samplegen_dagster.validation.run import Validation


def task_for(analysis: Analysis, split: SplitPatches, env: Environment, validation: Validation) -> TrajectoryTask:
    pr = analysis.pr
    post = next(s for s in env.plan.states if s.name == "post_patch")
    return TrajectoryTask(
        instance_id=analysis.instance_id,
        repo=pr.repo,
        title=pr.title,
        problem_statement=pr.problem_statement,
        fail_to_pass=validation.verdict.fail_to_pass,
        pass_to_pass=validation.verdict.pass_to_pass,
        fix_patch=split.fix_patch,
        tests_patch=split.tests_patch,
        files=split.files,
        test_targets=post.targets,
    )


def execute(settings: Settings, sandbox: Sandbox, analysis: Analysis, split: SplitPatches, env: Environment,
            validation: Validation) -> TrajectoryResult:
    task = task_for(analysis, split, env, validation)
    pr = analysis.pr
    note = ""
    with scratch_checkout(Path(analysis.mirror), pr.base_commit, settings.cache_dir / "scratch", analysis.instance_id) as root:
        prepared = env.prepared
        if not supports_sessions(sandbox):
            from samplegen_dagster.sandbox.local import LocalSandbox

            note = f"the {sandbox.name} sandbox has no step-by-step sessions; the trajectories ran in the local sandbox"
            sandbox = LocalSandbox(settings.cache_dir, install_timeout_s=settings.install_timeout_s)
            prepared = sandbox.prepare(env.spec, root)
        with sandbox.session(prepared, env.spec, root, env.plan) as session:
            result = run_trajectories(session, task)
    result.executed_in_note = note
    return result
