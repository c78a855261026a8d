"""Where the idea pipeline reads seeds and writes its workspace.

Two settings, each with one environment variable and a default relative to the current
directory (like ``samplegen_dagster.settings``):

* ``SAMPLEGEN_SEEDS_DIR`` (default ``seeds/``): seed spec files, JSON or YAML.
* ``SAMPLEGEN_WORKSPACE_DIR`` (default ``workspace/``): ``data_points/<task_id>/draft_spec.md``,
  ``registry.jsonl`` and the per-seed intermediate files under ``ideas/<seed_id>/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field


def _resolve(value: str | os.PathLike[str] | None, env: str, default: str) -> Path:
    raw = str(value) if value not in (None, "") else (os.environ.get(env) or default)
    return Path(raw).expanduser().resolve()


class IdeasSettings(BaseModel):
    seeds_dir: Path = Field(description="Seed files (SAMPLEGEN_SEEDS_DIR, default seeds/).")
    workspace_dir: Path = Field(description="Drafts, registry and intermediate files (SAMPLEGEN_WORKSPACE_DIR, default workspace/).")

    @classmethod
    def from_env(cls, seeds_dir: str | os.PathLike[str] | None = None, workspace_dir: str | os.PathLike[str] | None = None) -> "IdeasSettings":
        """Explicit values win, then the environment, then the defaults."""
        return cls(
            seeds_dir=_resolve(seeds_dir, "SAMPLEGEN_SEEDS_DIR", "seeds"),
            workspace_dir=_resolve(workspace_dir, "SAMPLEGEN_WORKSPACE_DIR", "workspace"),
        )
