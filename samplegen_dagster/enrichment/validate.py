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
    except (OSError, ValidationError) as e:
        return [f"metadata.json: {str(e).splitlines()[0]}"]
    data = meta.model_dump()
    missing = [s for s in SECTIONS if data.get(s) is None]
    if missing:
        problems.append(f"metadata.json lacks {', '.join(missing)}")
    else:
        try:
            Enrichment.model_validate({s: data[s] for s in SECTIONS})
        except ValidationError as e:
            problems.append(f"enrichment sections: {str(e).splitlines()[0]}")
    for name in TRAJECTORY_FILES:
        try:
            Trajectory.model_validate_json((Path(sample_dir) / name).read_text(encoding="utf-8"))
        except OSError:
            problems.append(f"{name} is missing")
        except ValidationError as e:
            problems.append(f"{name}: {str(e).splitlines()[0]}")
    return problems
