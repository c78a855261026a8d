"""The shared workspace: layout, the drafts already in it, and its language/category mix.

Layout (``SAMPLEGEN_WORKSPACE_DIR``, default ``workspace/``)::

    registry.jsonl                          task registry (registry.py)
    data_points/<task_id>/draft_spec.md     one draft per selected idea (the builder adds files here)
    ideas/<seed_id>/brainstormed_ideas.json brainstorm output (BrainstormResult)
    ideas/<seed_id>/refined_ideas.json      selection and every decision (RefinementResult)

Drafts are read from ``data_points/`` rather than the registry so hand-written drafts count
too; a draft that does not parse is reported, not fatal, because one broken file must not stop
every other seed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from samplegen_dagster.ideas.drafts import draft_similarity_text, load_draft
from samplegen_dagster.ideas.errors import IdeasError
from samplegen_dagster.ideas.models import CATEGORIES, DraftSpec, RegistryRecord
from samplegen_dagster.ideas.refinement import ExistingDraft

DRAFT_FILE = "draft_spec.md"
# The reference's language rotation target.
LANGUAGE_TARGET: dict[str, float] = {"python": 0.60, "javascript/typescript": 0.30, "other": 0.10}


def data_points_dir(workspace: Path) -> Path:
    return workspace / "data_points"


def draft_path(workspace: Path, task_id: str) -> Path:
    return data_points_dir(workspace) / task_id / DRAFT_FILE


def seed_ideas_dir(workspace: Path, seed_id: str) -> Path:
    return workspace / "ideas" / seed_id


def language_bucket(language: str) -> str:
    if language == "python":
        return "python"
    if language in ("javascript", "typescript"):
        return "javascript/typescript"
    return "other"


@dataclass(frozen=True)
class WorkspaceDraft:
    task_id: str
    path: Path
    spec: DraftSpec | None
    error: str | None = None


def scan_drafts(workspace: Path) -> list[WorkspaceDraft]:
    root = data_points_dir(workspace)
    if not root.is_dir():
        return []
    out = []
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        path = d / DRAFT_FILE
        if not path.is_file():
            continue
        try:
            out.append(WorkspaceDraft(d.name, path, load_draft(path)))
        except IdeasError as exc:
            out.append(WorkspaceDraft(d.name, path, None, str(exc)))
    return out


def existing_drafts(drafts: list[WorkspaceDraft], registry: dict[str, RegistryRecord]) -> list[ExistingDraft]:
    """Parsed drafts with their parent seed and scenario type (from the registry, if listed)."""
    out = []
    for d in drafts:
        if d.spec is None:
            continue
        rec = registry.get(d.task_id)
        if rec is not None and rec.status == "superseded":
            continue
        out.append(ExistingDraft(d.task_id, rec.parent if rec else None, draft_similarity_text(d.spec), rec.scenario_type if rec else None))
    return out


@dataclass(frozen=True)
class MixRow:
    bucket: str
    count: int
    share: float
    target: float

    @property
    def delta(self) -> float:
        return self.share - self.target


def language_mix(specs: list[DraftSpec]) -> list[MixRow]:
    counts = Counter(language_bucket(s.language) for s in specs)
    total = sum(counts.values())
    return [MixRow(b, counts.get(b, 0), (counts.get(b, 0) / total) if total else 0.0, t) for b, t in LANGUAGE_TARGET.items()]


def category_counts(specs: list[DraftSpec]) -> list[tuple[str, int]]:
    counts = Counter(s.category for s in specs)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def next_seed_advice(specs: list[DraftSpec]) -> str:
    """One sentence for the operator choosing the next seed."""
    if not specs:
        return "The workspace has no drafts yet; start with a Python seed (target 60%)."
    rows = language_mix(specs)
    lacking = min(rows, key=lambda r: r.delta)
    cats = category_counts(specs)
    unused = [c for c in CATEGORIES if c not in dict(cats)]
    cat_hint = f"categories with no drafts yet: {', '.join(unused)}" if unused else f"least used category: {cats[-1][0]}"
    if lacking.delta >= -0.05:
        return f"The language mix is within 5 points of target; {cat_hint}."
    return f"Most under-represented: {lacking.bucket} ({lacking.share:.0%} vs target {lacking.target:.0%}); pick a seed in it next; {cat_hint}."
