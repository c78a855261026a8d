"""Export the selection models' JSON schemas (``schemas/selection/*.json``).

``python -m samplegen_dagster.selection.schemas [DEST]`` rewrites them; a test checks the
committed files equal a fresh export, so a model change without a schema update fails CI.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from samplegen_dagster.selection.models import Candidate, Decision, FunnelReport, SelectionRules

MODELS: dict[str, type[BaseModel]] = {
    "candidate": Candidate,
    "decision": Decision,
    "funnel_report": FunnelReport,
    "selection_rules": SelectionRules,
}


def render_schemas() -> dict[str, str]:
    """File name -> JSON text, stable (sorted keys, trailing newline)."""
    return {
        f"{name}.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for name, model in MODELS.items()
    }


def export_schemas(dest: str | Path) -> list[Path]:
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = dest / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schemas/selection")
    for p in export_schemas(target):
        print(p)
