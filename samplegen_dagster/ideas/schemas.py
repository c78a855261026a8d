"""JSON Schemas of the idea pipeline's boundary models, committed under ``schemas/ideas/``.

``export_schemas(dir)`` writes one ``<name>.schema.json`` per model; a test checks the
committed files equal a fresh export, so a model change without a schema update fails CI.
Regenerate with ``python -m samplegen_dagster.ideas.schemas schemas/ideas``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from samplegen_dagster.ideas.fsutil import atomic_write_text
from samplegen_dagster.ideas.models import (
    BrainstormResult,
    DraftSpec,
    Idea,
    IdeaBatch,
    IdeaParams,
    RefinementResult,
    RegistryRecord,
    Seed,
)

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "seed": Seed,
    "idea_params": IdeaParams,
    "idea": Idea,
    "idea_batch": IdeaBatch,
    "brainstorm_result": BrainstormResult,
    "refinement_result": RefinementResult,
    "draft_spec": DraftSpec,
    "registry_record": RegistryRecord,
}


def schema_texts() -> dict[str, str]:
    return {f"{name}.schema.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n" for name, model in SCHEMA_MODELS.items()}


def export_schemas(directory: Path | str) -> list[Path]:
    directory = Path(directory)
    paths = []
    for filename, text in schema_texts().items():
        path = directory / filename
        atomic_write_text(path, text)
        paths.append(path)
    return paths


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    for p in export_schemas(sys.argv[1] if len(sys.argv) > 1 else "schemas/ideas"):
        print(p)
