"""Runtime settings, read from the environment with documented defaults.

Every setting has one environment variable; the Dagster resources take the same names as
config fields, so a value can come from the shell, from ``dagster.yaml`` run config, or
from the defaults below. Paths are resolved against the current working directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

SandboxKind = Literal["local", "docker", "auto"]


def _env_path(name: str, default: str) -> Path:
    return Path(os.environ.get(name) or default).expanduser().resolve()


class Settings(BaseModel):
    """Where samplegen reads its inputs, keeps its caches and writes its outputs."""

    repos_file: Path = Field(description="YAML list of repositories (SAMPLEGEN_REPOS_FILE).")
    cache_dir: Path = Field(description="Mirrors, virtualenvs and scratch checkouts (SAMPLEGEN_CACHE_DIR).")
    samples_dir: Path = Field(description="Where sample directories are written (SAMPLEGEN_SAMPLES_DIR).")
    sandbox: SandboxKind = Field(description="local | docker | auto (SAMPLEGEN_SANDBOX).")
    base_image: str = Field(description="Base image for Dockerfiles and the docker sandbox (SAMPLEGEN_BASE_IMAGE).")
    ca_bundle: Path | None = Field(default=None, description="Extra CA bundle for pip behind TLS proxies (SAMPLEGEN_CA_BUNDLE).")
    test_timeout_s: int = Field(description="Wall-clock limit for one test run (SAMPLEGEN_TEST_TIMEOUT).")
    install_timeout_s: int = Field(description="Wall-clock limit for building one environment (SAMPLEGEN_INSTALL_TIMEOUT).")
    extra_test_paths: list[str] = Field(
        default_factory=list,
        description="Broader test set run in every state besides the files tests.patch touches "
        "(SAMPLEGEN_EXTRA_TEST_PATHS, comma-separated paths relative to the repo root).",
    )

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        extra = os.environ.get("SAMPLEGEN_EXTRA_TEST_PATHS", "")
        ca = os.environ.get("SAMPLEGEN_CA_BUNDLE")
        values: dict[str, object] = {
            "repos_file": _env_path("SAMPLEGEN_REPOS_FILE", "repos.yaml"),
            "cache_dir": _env_path("SAMPLEGEN_CACHE_DIR", ".samplegen/cache"),
            "samples_dir": _env_path("SAMPLEGEN_SAMPLES_DIR", "samples"),
            "sandbox": os.environ.get("SAMPLEGEN_SANDBOX") or "auto",
            "base_image": os.environ.get("SAMPLEGEN_BASE_IMAGE") or "",
            "ca_bundle": Path(ca).expanduser().resolve() if ca else None,
            "test_timeout_s": int(os.environ.get("SAMPLEGEN_TEST_TIMEOUT") or 900),
            "install_timeout_s": int(os.environ.get("SAMPLEGEN_INSTALL_TIMEOUT") or 1800),
            "extra_test_paths": [p.strip() for p in extra.split(",") if p.strip()],
        }
        values.update({k: v for k, v in overrides.items() if v not in (None, "")})
        return cls.model_validate(values)

    def default_base_image(self, python_version: str) -> str:
        """The image a Dockerfile starts from: the setting, or ``python:<X.Y>-slim`` for real users."""
        return self.base_image or f"python:{python_version}-slim"
