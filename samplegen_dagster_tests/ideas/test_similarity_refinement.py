"""TF-IDF similarity and the refinement rules."""

from __future__ import annotations

from collections import Counter

from samplegen_dagster.ideas.generators import OfflineIdeaGenerator
from samplegen_dagster.ideas.refinement import ExistingDraft, difficulty_quota, refine
from samplegen_dagster.ideas.similarity import NEAR_DUPLICATE_THRESHOLD, similarity_matrix


def test_similarity_separates_rewordings_from_different_tasks():
    texts = [
        "Eliminate N+1 queries in the Django orders listing endpoint. The listing issues one query per order to load the customer.",
        "Eliminate the N+1 queries in the Django orders listing endpoint. The listing issues a query per order to load its customer.",
        "Add refresh token rotation with reuse detection to the NestJS auth service so leaked tokens expire quickly.",
    ]
    m = similarity_matrix(texts)
    assert abs(m[0][0] - 1.0) < 1e-9
    assert m[0][1] >= NEAR_DUPLICATE_THRESHOLD
    assert m[0][2] < 0.2
    assert m[0][1] == m[1][0]


def test_difficulty_quota_is_mostly_hard():
    assert difficulty_quota(5) == {"medium": 1, "extremely hard": 1, "hard": 3}
    assert difficulty_quota(1) == {"medium": 0, "extremely hard": 0, "hard": 1}
    assert sum(difficulty_quota(12).values()) == 12


def test_refine_selects_n_diverse_ideas_and_explains_every_rejection(py_seed):
    ideas = OfflineIdeaGenerator().generate(py_seed, 15)
    result = refine(py_seed, ideas, 5)
    assert len(result.selected) == 5
    assert len({i.scenario_type for i in result.selected}) == 5
    assert len({i.domain for i in result.selected}) == 5
    assert len({i.task_type for i in result.selected}) >= 4
    assert Counter(i.difficulty for i in result.selected)["hard"] >= 2
    assert any(i.category == py_seed.category for i in result.selected)
    assert [d.index for d in result.decisions] == list(range(1, 16))
    assert sum(d.selected for d in result.decisions) == 5
    assert all(d.reason for d in result.decisions)
    assert all(d.reason.startswith("selected") == d.selected == (d.kind == "selected") for d in result.decisions)
    assert refine(py_seed, ideas, 5) == result  # deterministic


def test_refine_rejects_wrong_language_duplicates_and_near_duplicates(py_seed):
    ideas = OfflineIdeaGenerator().generate(py_seed, 6)
    wrong_lang = ideas[0].model_copy(update={"language": "go"})
    same_type = ideas[1].model_copy(update={"domain": "gaming", "title": ideas[1].title + " for gamers", "description": "A different story entirely here. It shares only the scenario type."})
    existing = [ExistingDraft("draft_dp_other", "another_seed", f"{ideas[2].title}. {ideas[2].description} {ideas[2].instructions}", ideas[2].scenario_type)]
    own_old = [ExistingDraft("draft_dp_mine", py_seed.id, f"{ideas[3].title}. {ideas[3].description} {ideas[3].instructions}")]
    result = refine(py_seed, [*ideas, wrong_lang, same_type], 5, existing + own_old)
    by_index = {d.index: d for d in result.decisions}
    assert "language 'go' does not match" in by_index[7].reason and by_index[7].kind == "language_mismatch"
    assert "near-duplicate of existing draft draft_dp_other" in by_index[3].reason and by_index[3].kind == "near_duplicate_of_draft"
    assert by_index[3].similar_to == "draft_dp_other" and by_index[3].max_similarity >= 0.8
    # this seed's own earlier draft never blocks a rerun
    assert "near-duplicate" not in by_index[4].reason
    # idea #8 repeats idea #2's scenario type: only one of them can be selected
    assert not (by_index[2].selected and by_index[8].selected)
    loser = by_index[8] if by_index[2].selected else by_index[2]
    assert "duplicate scenario type" in loser.reason or "near-duplicate" in loser.reason


def test_refine_rejects_near_duplicates_inside_one_brainstorm(py_seed):
    ideas = OfflineIdeaGenerator().generate(py_seed, 5)
    twin = ideas[0].model_copy(update={"scenario_type": "twin_scenario"})
    result = refine(py_seed, [*ideas, twin], 5)
    last = result.decisions[-1]
    assert not last.selected and last.kind == "near_duplicate_of_idea"
    assert last.reason.startswith("near-duplicate of idea #1 (TF-IDF cosine 1.00")
