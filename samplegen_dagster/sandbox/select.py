"""Choosing the sandbox from settings (``SAMPLEGEN_SANDBOX``): local, docker, or auto."""

from __future__ import annotations

from samplegen_dagster.sandbox.base import Sandbox, SandboxError
from samplegen_dagster.settings import Settings


def sandbox_for(settings: Settings, kind: str | None = None) -> Sandbox:
    """The sandbox ``settings.sandbox`` asks for; ``auto`` is docker when an engine answers, else local.

    ``kind`` forces one: the steps after ``pr_environment`` pass ``PreparedEnv.sandbox``, so
    ``auto`` cannot resolve differently between building an environment and using it.
    """
    from samplegen_dagster.sandbox import engine

    kind = kind or engine.resolve_sandbox_kind(settings.sandbox)
    if kind == "docker":
        from samplegen_dagster.sandbox.docker import DockerSandbox

        return DockerSandbox.from_settings(settings)
    if kind == "local":
        from samplegen_dagster.sandbox.local import LocalSandbox

        return LocalSandbox(settings.cache_dir, install_timeout_s=settings.install_timeout_s)
    raise SandboxError(f"unknown sandbox {kind!r} (SAMPLEGEN_SANDBOX takes local, docker or auto)")
