"""Refinement: pick the best n of the brainstormed ideas, with a reason for every decision.

The rules are the package's ``refinement_guidelines.md`` (read it for the why); this module
applies them in order:

1. fit the seed (language equal, category the seed's or related), else rejected;
2. TF-IDF cosine >= threshold to an existing workspace draft (not this seed's own drafts, so
   reruns stay idempotent) rejects the idea as a near-duplicate;
3. cosine >= threshold to an idea kept earlier in the brainstorm rejects it too;
4. a greedy pass fills the n slots, never taking two ideas with the same scenario type and
   scoring candidates on the difficulty quota (~20% medium / 60% hard / 20% extremely hard),
   new domain, new task type, new category and the seed-category balance; scenario types that
   already exist in the workspace are penalised. Ties go to the earlier idea, so the result is
   deterministic.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from samplegen_dagster.ideas.models import Idea, IdeaDecision, RefinementResult, Seed, related_categories
from samplegen_dagster.ideas.similarity import NEAR_DUPLICATE_THRESHOLD, similarity_matrix

DIFFICULTY_SHARE = {"medium": 0.2, "extremely hard": 0.2}  # the rest is "hard"


def guidelines_text() -> str:
    return resources.files("samplegen_dagster.ideas").joinpath("refinement_guidelines.md").read_text(encoding="utf-8")


def difficulty_quota(n: int) -> dict[str, int]:
    quota = {d: int(math.floor(share * n + 0.5)) for d, share in DIFFICULTY_SHARE.items()}
    quota["hard"] = n - sum(quota.values())
    return quota


@dataclass(frozen=True)
class ExistingDraft:
    """A draft already in the workspace, as refinement sees it."""

    task_id: str
    parent: str | None
    text: str
    scenario_type: str | None = None


@dataclass
class _Candidate:
    index: int  # 1-based
    idea: Idea
    max_sim: float = 0.0
    similar_to: str | None = None


def refine(
    seed: Seed,
    ideas: list[Idea],
    n: int,
    existing: Sequence[ExistingDraft] = (),
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
) -> RefinementResult:
    decisions: dict[int, IdeaDecision] = {}
    cands = [_Candidate(i + 1, idea) for i, idea in enumerate(ideas)]
    others = [d for d in existing if d.parent != seed.id]
    workspace_types = {d.scenario_type for d in others if d.scenario_type}

    def reject(c: _Candidate, kind: str, reason: str) -> None:
        decisions[c.index] = IdeaDecision(index=c.index, title=c.idea.title, selected=False, kind=kind, reason=reason, max_similarity=round(c.max_sim, 4), similar_to=c.similar_to)

    # 1. fit the seed
    allowed = related_categories(seed.category)
    fitting = []
    for c in cands:
        if c.idea.language != seed.language:
            reject(c, "language_mismatch", f"language {c.idea.language!r} does not match the seed's {seed.language!r}")
        elif c.idea.category not in allowed:
            reject(c, "category_mismatch", f"category {c.idea.category!r} is not the seed's {seed.category!r} or closely related ({', '.join(allowed[1:])})")
        else:
            fitting.append(c)

    # 2 + 3. near-duplicates, one shared IDF over ideas and existing drafts
    texts = [c.idea.text() for c in fitting] + [d.text for d in others]
    sims = similarity_matrix(texts) if texts else []
    kept: list[int] = []  # positions in `fitting`
    for pos, c in enumerate(fitting):
        for k, d in enumerate(others):
            s = sims[pos][len(fitting) + k]
            if s > c.max_sim:
                c.max_sim, c.similar_to = s, d.task_id
        if c.max_sim >= threshold:
            reject(c, "near_duplicate_of_draft", f"near-duplicate of existing draft {c.similar_to} (TF-IDF cosine {c.max_sim:.2f} >= {threshold:.2f})")
            continue
        dup_of = None
        for q in kept:
            s = sims[pos][q]
            if s > c.max_sim:
                c.max_sim, c.similar_to = s, f"idea #{fitting[q].index}"
            if s >= threshold and dup_of is None:
                dup_of = (fitting[q].index, s)
        if dup_of:
            reject(c, "near_duplicate_of_idea", f"near-duplicate of idea #{dup_of[0]} (TF-IDF cosine {dup_of[1]:.2f} >= {threshold:.2f})")
            continue
        kept.append(pos)

    # 4. greedy selection
    pool = [fitting[q] for q in kept]
    quota = difficulty_quota(n)
    seed_cat_max = max(1, math.ceil(n / 2))
    selected: list[_Candidate] = []
    chosen_types: dict[str, int] = {}
    domains: set[str] = set()
    task_types: set[str] = set()
    categories: set[str] = set()
    reasons: dict[int, str] = {}

    def score(c: _Candidate) -> tuple[float, list[str]]:
        idea, s, why = c.idea, 0.0, []
        if quota.get(idea.difficulty, 0) > 0:
            s += 4
            why.append(f"fills an open {idea.difficulty} difficulty slot")
        if idea.domain not in domains:
            s += 2
            why.append(f"new domain {idea.domain}")
        if idea.task_type not in task_types:
            s += 2
            why.append(f"new task type {idea.task_type}")
        if idea.category not in categories:
            s += 1.5
            why.append(f"new category {idea.category}")
        n_seed_cat = sum(1 for x in selected if x.idea.category == seed.category)
        if idea.category == seed.category:
            if n_seed_cat == 0:
                s += 3
                why.append("keeps the seed's core category")
            elif n_seed_cat >= seed_cat_max:
                s -= 3
        if idea.scenario_type in workspace_types:
            s -= 2.5
            why.append("(scenario type already in the workspace)")
        return s - c.max_sim, why  # slightly prefer the more original idea

    while len(selected) < n:
        eligible = [c for c in pool if c not in selected and c.idea.scenario_type not in chosen_types]
        if not eligible:
            break
        best, best_score, best_why = None, -math.inf, []
        for c in eligible:  # in brainstorm order; strict > keeps the earliest on ties
            s, why = score(c)
            if s > best_score:
                best, best_score, best_why = c, s, why
        assert best is not None
        selected.append(best)
        chosen_types[best.idea.scenario_type] = best.index
        domains.add(best.idea.domain)
        task_types.add(best.idea.task_type)
        categories.add(best.idea.category)
        quota[best.idea.difficulty] = quota.get(best.idea.difficulty, 0) - 1
        reasons[best.index] = "selected: " + ("; ".join(best_why) if best_why else "best remaining idea")

    for c in selected:
        decisions[c.index] = IdeaDecision(index=c.index, title=c.idea.title, selected=True, kind="selected", reason=reasons[c.index], max_similarity=round(c.max_sim, 4), similar_to=c.similar_to)
    for c in pool:
        if c.index in decisions:
            continue
        if c.idea.scenario_type in chosen_types:
            reject(c, "duplicate_scenario_type", f"duplicate scenario type {c.idea.scenario_type!r} (idea #{chosen_types[c.idea.scenario_type]} was selected)")
        else:
            covered = []
            if quota.get(c.idea.difficulty, 0) <= 0:
                covered.append(f"the {c.idea.difficulty!r} quota was full")
            if c.idea.domain in domains:
                covered.append(f"domain {c.idea.domain} was covered")
            if c.idea.task_type in task_types:
                covered.append(f"task type {c.idea.task_type} was covered")
            detail = "; ".join(covered) if covered else "others added more variety"
            reject(c, "not_selected", f"not selected: ranked below the {len(selected)} selected ideas ({detail})")

    return RefinementResult(
        seed=seed,
        n=n,
        similarity_threshold=threshold,
        guidelines_sha256=hashlib.sha256(guidelines_text().encode("utf-8")).hexdigest(),
        selected=[c.idea for c in selected],
        decisions=[decisions[i] for i in sorted(decisions)],
    )
