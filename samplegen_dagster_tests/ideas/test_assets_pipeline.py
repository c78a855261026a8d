"""The three assets end to end with the offline generator, reruns, and cross-seed near-duplicates."""

from __future__ import annotations

import json

import pytest
from dagster import DagsterInstance, materialize

from samplegen_dagster.defs.ideas.assets import brainstormed_ideas, draft_specs, refined_ideas
from samplegen_dagster.defs.ideas.resources import IdeaGeneratorResource, IdeasSettingsResource
from samplegen_dagster.ideas.drafts import load_draft
from samplegen_dagster.ideas.models import DraftSpec
from samplegen_dagster.ideas.registry import Registry
from samplegen_dagster_tests.ideas.conftest import PY_SEED, write_seed

ASSETS = [brainstormed_ideas, refined_ideas, draft_specs]


def _run(dirs, instance, seed_id, raise_on_error=True):
    return materialize(
        ASSETS,
        partition_key=seed_id,
        instance=instance,
        resources={
            "ideas_settings": IdeasSettingsResource(seeds_dir=str(dirs.seeds_dir), workspace_dir=str(dirs.workspace_dir)),
            "ideas_generator": IdeaGeneratorResource(),
        },
        raise_on_error=raise_on_error,
    )


@pytest.fixture
def instance():
    inst = DagsterInstance.ephemeral()
    yield inst
    inst.dispose()


def _drafts(dirs) -> dict[str, DraftSpec]:
    root = dirs.workspace_dir / "data_points"
    return {p.parent.name: load_draft(p) for p in sorted(root.glob("*/draft_spec.md"))}


def test_seed_goes_through_all_three_assets(dirs, instance):
    write_seed(dirs.seeds_dir, PY_SEED)
    instance.add_dynamic_partitions("seeds", [PY_SEED["id"]])
    result = _run(dirs, instance, PY_SEED["id"])
    assert result.success

    ideas_dir = dirs.workspace_dir / "ideas" / PY_SEED["id"]
    brainstorm = json.loads((ideas_dir / "brainstormed_ideas.json").read_text())
    refined = json.loads((ideas_dir / "refined_ideas.json").read_text())
    assert len(brainstorm["ideas"]) == 15
    assert len(refined["selected"]) == 5
    assert len(refined["decisions"]) == 15
    assert all(d["reason"] for d in refined["decisions"])
    assert len({i["scenario_type"] for i in refined["selected"]}) == 5

    drafts = _drafts(dirs)
    assert len(drafts) == 5
    for spec in drafts.values():  # parsed back into the model; every field non-empty
        assert all(getattr(spec, f) for f in DraftSpec.model_fields)
        assert spec.language == "python"
    assert [s.task for s in drafts.values()] and {s.task for s in drafts.values()} == {i["title"] for i in refined["selected"]}

    rows = Registry(dirs.workspace_dir).load()
    assert rows[PY_SEED["id"]].status == "completed" and rows[PY_SEED["id"]].type == "seed_dp"
    draft_rows = [r for r in rows.values() if r.type == "draft_dp"]
    assert sorted(r.id for r in draft_rows) == sorted(drafts)
    assert all(r.parent == PY_SEED["id"] and r.status == "pending" and r.idea_summary for r in draft_rows)
    assert len({r.scenario_type for r in draft_rows}) == 5

    md = {k: v for k, v in result.asset_materializations_for_node("draft_specs")[0].metadata.items()}
    mix = {r.data["languages"]: r.data for r in md["workspace_language_mix"].value.records}
    assert mix["python"]["drafts"] == 5 and mix["python"]["share"] == 1.0 and mix["python"]["target"] == 0.6
    assert sum(r.data["drafts"] for r in md["workspace_categories"].value.records) == 5
    assert "javascript/typescript" in md["next_seed_advice"].value
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert checks["drafts_parse_back"].passed and checks["full_selection"].passed
    decisions = result.asset_materializations_for_node("refined_ideas")[0].metadata["decisions"].value.records
    assert len(decisions) == 15 and sum(r.data["selected"] for r in decisions) == 5


def test_rerun_is_idempotent(dirs, instance):
    write_seed(dirs.seeds_dir, PY_SEED)
    instance.add_dynamic_partitions("seeds", [PY_SEED["id"]])
    _run(dirs, instance, PY_SEED["id"])
    ws = dirs.workspace_dir
    before = {p.relative_to(ws): p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    Registry(ws).set_status(next(iter(_drafts(dirs))), "in_progress")  # the builder picked one up
    registry_after_status = (ws / "registry.jsonl").read_bytes()

    result = _run(dirs, instance, PY_SEED["id"])
    after = {p.relative_to(ws): p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    assert set(after) == set(before)  # same ids, no new files
    assert (ws / "registry.jsonl").read_bytes() == registry_after_status  # no duplicate rows, status kept
    assert all(after[k] == v for k, v in before.items() if k.name != "registry.jsonl")
    lines = (ws / "registry.jsonl").read_text().splitlines()
    assert len(lines) == len({json.loads(l)["id"] for l in lines}) == 6
    rows = result.asset_materializations_for_node("draft_specs")[0].metadata["drafts"].value.records
    assert {r.data["file"] for r in rows} == {"unchanged"}


def test_second_similar_seed_gets_near_duplicates_rejected(dirs, instance):
    write_seed(dirs.seeds_dir, PY_SEED)
    twin = {**PY_SEED, "id": "seed_py_n_plus_one_again"}  # same spec registered again under another id
    write_seed(dirs.seeds_dir, twin)
    instance.add_dynamic_partitions("seeds", [PY_SEED["id"], twin["id"]])
    _run(dirs, instance, PY_SEED["id"])
    first_ids = set(_drafts(dirs))

    result = _run(dirs, instance, twin["id"])
    refined = json.loads((dirs.workspace_dir / "ideas" / twin["id"] / "refined_ideas.json").read_text())
    near = [d for d in refined["decisions"] if d["kind"] == "near_duplicate_of_draft"]
    assert len(near) >= 5
    assert all(d["similar_to"] in first_ids and d["max_similarity"] >= 0.8 and "TF-IDF cosine" in d["reason"] for d in near)
    assert len(refined["selected"]) == 5
    all_drafts = _drafts(dirs)
    assert len(all_drafts) == 10
    assert len({s.task for s in all_drafts.values()}) == 10  # nothing repeated across the two seeds
    summary = result.asset_materializations_for_node("refined_ideas")[0].metadata["summary"].value
    assert "near_duplicate_of_draft ×" in summary and "near-duplicate of existing draft" in summary


def test_unknown_partition_fails_with_one_readable_message(dirs, instance):
    write_seed(dirs.seeds_dir, PY_SEED)
    instance.add_dynamic_partitions("seeds", ["ghost"])
    result = _run(dirs, instance, "ghost", raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert failure.step_failure_data.error.message.strip().endswith(f"no seed with id 'ghost' in {dirs.seeds_dir}")


def test_unknown_language_in_seeds_dir_is_reported_on_run(dirs, instance):
    write_seed(dirs.seeds_dir, {**PY_SEED, "language": "cobol"})
    instance.add_dynamic_partitions("seeds", [PY_SEED["id"]])
    result = _run(dirs, instance, PY_SEED["id"], raise_on_error=False)
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    msg = failure.step_failure_data.error.message
    assert "seed_py_n_plus_one.yaml: invalid seed: field 'language'" in msg


def test_bad_config_and_unknown_generator_kind_fail_readably(dirs, instance):
    write_seed(dirs.seeds_dir, PY_SEED)
    instance.add_dynamic_partitions("seeds", [PY_SEED["id"]])
    settings = IdeasSettingsResource(seeds_dir=str(dirs.seeds_dir), workspace_dir=str(dirs.workspace_dir))
    bad_n = materialize(
        [brainstormed_ideas],
        partition_key=PY_SEED["id"],
        instance=instance,
        resources={"ideas_settings": settings, "ideas_generator": IdeaGeneratorResource()},
        run_config={"ops": {"brainstormed_ideas": {"config": {"n": 0}}}},
        raise_on_error=False,
    )
    msg = next(e for e in bad_n.all_events if e.event_type_value == "STEP_FAILURE").step_failure_data.error.message
    assert msg.strip().endswith("brainstormed_ideas config: field 'n': Input should be greater than or equal to 1")

    bogus = materialize(
        [brainstormed_ideas],
        partition_key=PY_SEED["id"],
        instance=instance,
        resources={"ideas_settings": settings, "ideas_generator": IdeaGeneratorResource(kind="bogus")},
        raise_on_error=False,
    )
    msg = next(e for e in bogus.all_events if e.event_type_value == "STEP_FAILURE").step_failure_data.error.message
    assert "ideas_generator: field 'kind': unknown generator 'bogus' (known: offline, openai)" in msg


def test_generator_failure_marks_the_seed_failed(dirs, instance):
    from samplegen_dagster_tests.ideas.llm_server import ChatServer, error

    write_seed(dirs.seeds_dir, PY_SEED)
    instance.add_dynamic_partitions("seeds", [PY_SEED["id"]])
    with ChatServer([error(500, "down")] * 2) as server:
        result = materialize(
            [brainstormed_ideas],
            partition_key=PY_SEED["id"],
            instance=instance,
            resources={
                "ideas_settings": IdeasSettingsResource(seeds_dir=str(dirs.seeds_dir), workspace_dir=str(dirs.workspace_dir)),
                "ideas_generator": IdeaGeneratorResource(kind="openai", base_url=server.base_url, model="m", max_attempts=2, backoff_s=0),
            },
            raise_on_error=False,
        )
    assert not result.success
    assert Registry(dirs.workspace_dir).load()[PY_SEED["id"]].status == "failed"
    # the offline generator then recovers the seed
    assert _run(dirs, instance, PY_SEED["id"]).success
    assert Registry(dirs.workspace_dir).load()[PY_SEED["id"]].status == "completed"
