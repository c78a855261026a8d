"""Choosing the sandbox from settings (``SAMPLEGEN_SANDBOX``)."""

from __future__ import annotations

from samplegen_dagster.sandbox.base import Sandbox, SandboxError
from samplegen_dagster.sandbox.local import LocalSandbox
from samplegen_dagster.settings import Settings


def sandbox_for(settings: Settings) -> Sandbox:
    if settings.sandbox in ("local", "auto"):
        return LocalSandbox(settings.cache_dir, install_timeout_s=settings.install_timeout_s)
    raise SandboxError(f"sandbox {settings.sandbox!r} is not available in this installation")
