"""Phase 3 entry point: detect the environment, build or reuse it in the sandbox, render Dockerfile/run.sh."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from samplegen_dagster.analysis.analyze import Analysis
from samplegen_dagster.environment.detect import detect_env
from samplegen_dagster.environment.render import render_dockerfile, render_run_sh
from samplegen_dagster.patches.split import SplitPatches
from samplegen_dagster.rejections import Rejected
from samplegen_dagster.sandbox.base import CyclePlan, EnvSpec, PreparedEnv, Sandbox, SandboxError
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.mirror import scratch_checkout
from samplegen_dagster.validation.plan import build_plan


class Environment(BaseModel):
    spec: EnvSpec
    prepared: PreparedEnv
    plan: CyclePlan
    dockerfile: str
    run_sh: str


def build_environment(settings: Settings, sandbox: Sandbox, analysis: Analysis, split: SplitPatches) -> Environment:
    pr = analysis.pr
    with scratch_checkout(Path(analysis.mirror), pr.base_commit, settings.cache_dir / "scratch", analysis.instance_id) as root:
        spec = detect_env(root)
        plan = build_plan(analysis.instance_id, split, root, settings.extra_test_paths, settings.test_timeout_s)
        try:
            prepared = sandbox.prepare(spec, root)
        except SandboxError as e:
            raise Rejected("env_install_failed", str(e), "environment") from None
    repo_url = pr.clone_url
    return Environment(
        spec=spec,
        prepared=prepared,
        plan=plan,
        dockerfile=render_dockerfile(
            spec,
            instance_id=analysis.instance_id,
            repo_url=repo_url,
            base_commit=pr.base_commit,
            base_image=settings.default_base_image(spec.python_version),
        ),
        run_sh=render_run_sh(plan, instance_id=analysis.instance_id, repo_url=repo_url, base_commit=pr.base_commit),
    )
