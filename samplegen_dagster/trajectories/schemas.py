"""JSON schemas of the trajectory and enrichment models: ``schemas/trajectories/``, ``schemas/enrichment/``.

``python -m samplegen_dagster.trajectories.schemas [ROOT]`` writes them under ROOT/schemas
(default: the current directory); a test checks the committed files equal a fresh export.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from samplegen_dagster.enrichment.models import Enrichment
from samplegen_dagster.trajectories.atif import Trajectory
from samplegen_dagster.trajectories.models import TrajectoryResult

MODELS = {
    "trajectories/atif-trajectory.schema.json": Trajectory,
    "trajectories/trajectory-result.schema.json": TrajectoryResult,
    "enrichment/enrichment.schema.json": Enrichment,
}


def render_schemas() -> dict[str, str]:
    return {name: json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n" for name, model in MODELS.items()}


def export_schemas(schemas_dir: Path | str) -> list[Path]:
    paths = []
    for name, text in render_schemas().items():
        path = Path(schemas_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    for p in export_schemas(root / "schemas"):
        print(p)
