"""Does a sample directory's metadata.json (and its trajectories) validate against the models?"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from samplegen_dagster.enrichment.models import Enrichment
from samplegen_dagster.trajectories.atif import Trajectory

SECTIONS = tuple(Enrichment.model_fields)
TRAJECTORY_FILES = ("ideal_trajectory.json", "failed_trajectory.json")


def sample_problems(sample_dir: Path) -> list[str]:
    """Empty when metadata.json has all seven sections, they validate, and both trajectory files validate."""
    from samplegen_dagster.assembly.metadata import SampleMetadata

    problems: list[str] = []
    meta_path = Path(sample_dir) / "metadata.json"
    try:
        meta = SampleMetadata.model_validate_json(meta_path.read_text(encoding="utf-8"))
    except OSError:
        problems.append("metadata.json is missing")
    except ValidationError as e:
        problems.append(f"metadata.json: {_first(e)}")
    else:
        missing = [s for s in SECTIONS if getattr(meta, s) is None]
        if missing:
            problems.append(f"metadata.json lacks {', '.join(missing)}")
    for name in TRAJECTORY_FILES:
        try:
            Trajectory.model_validate_json((Path(sample_dir) / name).read_text(encoding="utf-8"))
        except OSError:
            problems.append(f"{name} is missing")
        except ValidationError as e:
            problems.append(f"{name}: {_first(e)}")
    return problems


def _first(e: ValidationError) -> str:
    err = e.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']} ({e.error_count()} error(s))"
