"""Export JSON schemas of every model that crosses a boundary (files other tools read)."""

from __future__ import annotations

import json
from pathlib import Path

from samplegen_dagster.assembly.metadata import RejectionRecord, SampleMetadata
from samplegen_dagster.sandbox.base import EnvSpec
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.base import PullRequest
from samplegen_dagster.sources.repos_file import ReposFile

MODELS = {
    "metadata.schema.json": SampleMetadata,
    "rejection.schema.json": RejectionRecord,
    "repos-file.schema.json": ReposFile,
    "pull-request.schema.json": PullRequest,
    "env-spec.schema.json": EnvSpec,
    "settings.schema.json": Settings,
}


def render_schemas() -> dict[str, str]:
    return {name: json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n" for name, model in MODELS.items()}


def export_schemas(out: Path) -> list[Path]:
    """Write these schemas to ``out`` and every package's own under ``out/<package>/``."""
    from samplegen_dagster.ideas.schemas import export_schemas as export_ideas
    from samplegen_dagster.selection.schemas import export_schemas as export_selection
    from samplegen_dagster.trajectories.schemas import export_schemas as export_trajectories

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in render_schemas().items():
        (out / name).write_text(text, encoding="utf-8")
        paths.append(out / name)
    paths += export_ideas(out / "ideas")
    paths += export_selection(out / "selection")
    paths += export_trajectories(out)  # writes trajectories/ and enrichment/ itself
    return paths
