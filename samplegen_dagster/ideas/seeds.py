"""Reading, validating and adding seed files.

A seed file holds one record (a JSON or YAML mapping) with ``id``, ``task_name``,
``description``, ``language``, ``category`` and ``complexity``. The seed's ``id`` is its
``seeds`` partition key, so ids must be unique across the seeds directory; the file name is
free (``seeds add`` names copies ``<id>.<ext>``).

Every failure is an ``IdeasError`` whose message names the file and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from samplegen_dagster.ideas.errors import IdeasError, invalid
from samplegen_dagster.ideas.fsutil import atomic_write_text
from samplegen_dagster.ideas.models import Seed

SEED_SUFFIXES = (".json", ".yaml", ".yml")


def _parse_text(path: Path, text: str) -> object:
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise IdeasError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise IdeasError(f"{path}: not valid YAML: {problem}{where}") from None


def load_seed(path: Path | str) -> Seed:
    """Parse and validate one seed file."""
    path = Path(path)
    if path.suffix.lower() not in SEED_SUFFIXES:
        raise IdeasError(f"{path}: a seed file must end in .json, .yaml or .yml")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IdeasError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IdeasError(f"{path}: cannot read: {exc}") from None
    data = _parse_text(path, text)
    if not isinstance(data, dict):
        raise IdeasError(f"{path}: a seed file must hold one mapping (id, task_name, description, language, category, complexity), got {type(data).__name__}")
    try:
        return Seed.model_validate(data)
    except ValidationError as exc:
        raise invalid(path, "seed", exc) from None


@dataclass(frozen=True)
class SeedScan:
    """The seeds directory: valid seeds by id (with their files) and one error per bad file."""

    seeds: dict[str, tuple[Seed, Path]]
    errors: list[str]


def scan_seeds(seeds_dir: Path) -> SeedScan:
    seeds: dict[str, tuple[Seed, Path]] = {}
    errors: list[str] = []
    if not seeds_dir.is_dir():
        return SeedScan(seeds, [f"{seeds_dir}: seeds directory does not exist"])
    for path in sorted(p for p in seeds_dir.iterdir() if p.is_file() and p.suffix.lower() in SEED_SUFFIXES and not p.name.startswith(".")):
        try:
            seed = load_seed(path)
        except IdeasError as exc:
            errors.append(str(exc))
            continue
        if seed.id in seeds:
            errors.append(f"{path}: field 'id': seed id {seed.id!r} is already used by {seeds[seed.id][1]}")
            continue
        seeds[seed.id] = (seed, path)
    return SeedScan(seeds, errors)


def find_seed(seeds_dir: Path, seed_id: str) -> Seed:
    """The seed whose id is ``seed_id`` (the partition key), or a readable error."""
    scan = scan_seeds(seeds_dir)
    if seed_id in scan.seeds:
        return scan.seeds[seed_id][0]
    hint = f"; problems in the seeds directory: {' | '.join(scan.errors)}" if scan.errors else ""
    raise IdeasError(f"no seed with id {seed_id!r} in {seeds_dir}{hint}")


def add_seed_file(source: Path, seeds_dir: Path) -> tuple[Seed, Path, bool]:
    """Validate ``source`` and copy it into ``seeds_dir`` as ``<id><suffix>``, atomically.

    Returns (seed, destination, changed). Adding the same seed again is a no-op; adding a
    different spec under an id that is already taken is an error.
    """
    seed = load_seed(source)
    scan = scan_seeds(seeds_dir) if seeds_dir.is_dir() else SeedScan({}, [])
    existing = scan.seeds.get(seed.id)
    if existing is not None:
        other, other_path = existing
        if other != seed:
            raise IdeasError(f"{source}: field 'id': seed id {seed.id!r} already exists in {other_path} with a different spec")
        return seed, other_path, False
    dest = seeds_dir / f"{seed.id}{source.suffix.lower()}"
    changed = atomic_write_text(dest, source.read_text(encoding="utf-8"))
    return seed, dest, changed
