"""The three phases as plain functions over the workspace (the Dagster assets call these).

Each phase reads its input from the workspace and writes its output there, atomically:

* ``brainstorm``  -> ``ideas/<seed>/brainstormed_ideas.json``; seed registered ``in_progress``.
* ``refine_seed`` -> ``ideas/<seed>/refined_ideas.json`` (reads the brainstorm, the registry and
  every draft in ``data_points/``).
* ``write_drafts`` -> ``data_points/<task_id>/draft_spec.md`` per selected idea, registry rows
  upserted by id, the seed marked ``completed``; this seed's drafts from earlier runs that are
  no longer selected are marked ``superseded`` (their files stay for the record).

Passing data through files instead of Dagster's IO manager keeps the outputs where operators
and the builder look, and lets a phase be rerun on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from samplegen_dagster.ideas.catalog import load_catalog
from samplegen_dagster.ideas.drafts import build_draft, draft_task_id, parse_draft, render_draft
from samplegen_dagster.ideas.errors import IdeasError, invalid
from samplegen_dagster.ideas.fsutil import atomic_write_text
from samplegen_dagster.ideas.generators import IdeaGenerator
from samplegen_dagster.ideas.models import BrainstormResult, DraftSpec, IdeaParams, RefinementResult, RegistryRecord, Seed
from samplegen_dagster.ideas.refinement import refine
from samplegen_dagster.ideas.registry import Registry
from samplegen_dagster.ideas.similarity import NEAR_DUPLICATE_THRESHOLD
from samplegen_dagster.ideas.workspace import draft_path, existing_drafts, scan_drafts, seed_ideas_dir

M = TypeVar("M", bound=BaseModel)

BRAINSTORM_FILE = "brainstormed_ideas.json"
REFINED_FILE = "refined_ideas.json"


def write_model(path: Path, model: BaseModel) -> bool:
    return atomic_write_text(path, model.model_dump_json(indent=2) + "\n")


def read_model(path: Path, model: type[M], produced_by: str) -> M:
    if not path.is_file():
        raise IdeasError(f"{path}: not found; materialize {produced_by} for this seed first")
    try:
        return model.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        raise IdeasError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except ValidationError as exc:
        raise invalid(path, model.__name__, exc) from None


def seed_record(seed: Seed, status: str = "pending") -> RegistryRecord:
    return RegistryRecord(id=seed.id, type="seed_dp", task_name=seed.task_name, language=seed.language, category=seed.category, status=status, idea_summary=seed.description[:200])  # type: ignore[arg-type]


def brainstorm(workspace: Path, seed: Seed, params: IdeaParams, generator: IdeaGenerator) -> tuple[BrainstormResult, Path]:
    registry = Registry(workspace)
    registry.upsert([seed_record(seed)])
    try:
        ideas = generator.generate(seed, params.brainstorm_count)
        if len(ideas) != params.brainstorm_count:
            raise IdeasError(f"generator {generator.name} returned {len(ideas)} ideas, expected {params.brainstorm_count}")
    except IdeasError:
        registry.set_status(seed.id, "failed")
        raise
    result = BrainstormResult(seed=seed, params=params, generator=generator.name, ideas=ideas)
    path = seed_ideas_dir(workspace, seed.id) / BRAINSTORM_FILE
    write_model(path, result)
    with registry.transaction() as records:
        if records[seed.id].status in ("pending", "failed"):
            records[seed.id] = records[seed.id].model_copy(update={"status": "in_progress"})
    return result, path


def refine_seed(workspace: Path, seed: Seed, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> tuple[RefinementResult, Path]:
    brainstormed = read_model(seed_ideas_dir(workspace, seed.id) / BRAINSTORM_FILE, BrainstormResult, "brainstormed_ideas")
    if brainstormed.seed != seed:
        raise IdeasError(f"seed {seed.id}: the seed file changed since brainstormed_ideas ran; materialize brainstormed_ideas again")
    existing = existing_drafts(scan_drafts(workspace), Registry(workspace).load())
    result = refine(seed, brainstormed.ideas, brainstormed.params.n, existing, threshold)
    path = seed_ideas_dir(workspace, seed.id) / REFINED_FILE
    write_model(path, result)
    return result, path


@dataclass
class DraftOutcome:
    task_id: str
    path: Path
    spec: DraftSpec
    action: str  # written | unchanged | kept (builder already working on it)


@dataclass
class DraftsResult:
    n: int = 0  # the n asked for (fewer drafts means refinement ran out of acceptable ideas)
    drafts: list[DraftOutcome] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    registry_added: int = 0
    registry_updated: int = 0


def write_drafts(workspace: Path, seed: Seed) -> DraftsResult:
    refined = read_model(seed_ideas_dir(workspace, seed.id) / REFINED_FILE, RefinementResult, "refined_ideas")
    if refined.seed != seed:
        raise IdeasError(f"seed {seed.id}: the seed file changed since refined_ideas ran; materialize the ideas group again")
    runtimes = load_catalog().runtimes
    registry = Registry(workspace)
    known = registry.load()
    out = DraftsResult(n=refined.n)
    records = [seed_record(seed)]
    for idea in refined.selected:
        task_id = draft_task_id(seed.id, idea)
        spec = build_draft(idea, runtimes[idea.language])  # type: ignore[index]
        text = render_draft(spec)
        if parse_draft(text, f"{task_id}/draft_spec.md") != spec:  # the file must read back as written
            raise IdeasError(f"{task_id}: draft_spec.md does not parse back to the same draft (a value contains a field separator)")
        path = draft_path(workspace, task_id)
        rec = known.get(task_id)
        if rec is not None and rec.status not in ("pending", "superseded") and path.is_file() and path.read_text(encoding="utf-8") != text:
            action = "kept"  # the builder has started on it; never overwrite their input
        else:
            action = "written" if atomic_write_text(path, text) else "unchanged"
        out.drafts.append(DraftOutcome(task_id, path, spec, action))
        records.append(
            RegistryRecord(
                id=task_id,
                type="draft_dp",
                parent=seed.id,
                task_name=seed.task_name,
                language=idea.language,
                category=idea.category,
                idea_summary=f"{idea.title} ({idea.domain}, {idea.task_type})",
                scenario_type=idea.scenario_type,
                difficulty=idea.difficulty,
                draft_path=path.relative_to(workspace).as_posix(),
            )
        )
    out.registry_added, out.registry_updated = registry.upsert(records)
    selected_ids = {d.task_id for d in out.drafts}
    with registry.transaction() as rows:
        for rid, rec in list(rows.items()):
            if rec.type == "draft_dp" and rec.parent == seed.id and rid not in selected_ids and rec.status == "pending":
                rows[rid] = rec.model_copy(update={"status": "superseded"})
                out.superseded.append(rid)
            elif rid in selected_ids and rec.status == "superseded":
                rows[rid] = rec.model_copy(update={"status": "pending"})  # selected again
        rows[seed.id] = rows[seed.id].model_copy(update={"status": "completed"})
    return out
