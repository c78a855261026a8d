"""Shared fixtures: a temporary seeds directory and workspace, and seed files to put in them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from samplegen_dagster.ideas.config import IdeasSettings
from samplegen_dagster.ideas.models import Seed

PY_SEED = {
    "id": "seed_py_n_plus_one",
    "task_name": "n_plus_one_query_optimization",
    "description": "Fix an N+1 query problem in a Django REST API listing orders with their customers.",
    "language": "python",
    "category": "performance",
    "complexity": "medium",
}


def write_seed(directory: Path, data: dict, name: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or f"{data['id']}.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def dirs(tmp_path: Path) -> IdeasSettings:
    s = IdeasSettings(seeds_dir=tmp_path / "seeds", workspace_dir=tmp_path / "workspace")
    s.seeds_dir.mkdir()
    return s


@pytest.fixture
def py_seed() -> Seed:
    return Seed.model_validate(PY_SEED)
