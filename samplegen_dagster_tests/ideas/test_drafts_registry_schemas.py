"""draft_spec.md rendering and parsing, the registry file, and the committed JSON schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samplegen_dagster.ideas.drafts import DRAFT_FIELDS, build_draft, draft_task_id, parse_draft, render_draft
from samplegen_dagster.ideas.errors import IdeasError
from samplegen_dagster.ideas.generators import OfflineIdeaGenerator
from samplegen_dagster.ideas.models import RegistryRecord
from samplegen_dagster.ideas.registry import Registry
from samplegen_dagster.ideas.schemas import export_schemas, schema_texts

REFERENCE_EXAMPLE = """Task: Create a multi-tenant API rate limiter
Language: python
Category: api_security
Instructions: Build a rate limiting system that tracks and enforces API usage limits across multiple tenants. The system should use Redis for distributed state and handle concurrent requests correctly.
Environment Setup: Python environment with FastAPI, Redis for rate limit storage, PostgreSQL for tenant configuration
Testing: Tests will verify that API calls are correctly rate-limited per tenant ID, excess requests return 429 status codes with proper headers, rate limits reset after the time window, and different tenant limits are enforced independently
Difficulty: hard
Core Skills Tested: Concurrent programming, caching strategies, API design, error handling, distributed systems
Key Technologies: FastAPI, Redis, PostgreSQL, pytest
"""


def test_reference_example_parses_and_renders_back_identically():
    spec = parse_draft(REFERENCE_EXAMPLE)
    assert spec.key_technologies == ["FastAPI", "Redis", "PostgreSQL", "pytest"]
    assert render_draft(spec) == REFERENCE_EXAMPLE


def test_built_drafts_have_exactly_the_nine_fields_in_order(py_seed):
    for idea in OfflineIdeaGenerator().generate(py_seed, 15):
        spec = build_draft(idea, "Python 3.11")
        text = render_draft(spec)
        assert [line.split(":", 1)[0] for line in text.splitlines()] == [label for label, _ in DRAFT_FIELDS]
        assert parse_draft(text) == spec
        assert "Python" in spec.testing and "pytest" in spec.key_technologies
        assert spec.language == py_seed.language


def test_task_ids_are_deterministic_and_content_derived(py_seed):
    a, b = OfflineIdeaGenerator().generate(py_seed, 2)
    assert draft_task_id(py_seed.id, a) == draft_task_id(py_seed.id, a.model_copy())
    assert draft_task_id(py_seed.id, a) != draft_task_id(py_seed.id, b)
    assert draft_task_id(py_seed.id, a) != draft_task_id("other_seed", a)
    assert draft_task_id(py_seed.id, a).startswith("draft_dp_")


def test_parse_accepts_wrapped_values_and_reports_bad_fields():
    wrapped = REFERENCE_EXAMPLE.replace("Instructions: Build a rate", "Instructions: Build a\n  rate")
    assert parse_draft(wrapped).instructions.startswith("Build a rate limiting")
    with pytest.raises(IdeasError, match=r"x/draft_spec.md: field 'Difficulty': Input should be"):
        parse_draft(REFERENCE_EXAMPLE.replace("Difficulty: hard", "Difficulty: impossible"), "x/draft_spec.md")
    with pytest.raises(IdeasError, match=r"missing field\(s\) 'Testing'"):
        parse_draft("\n".join(l for l in REFERENCE_EXAMPLE.splitlines() if not l.startswith("Testing")))
    with pytest.raises(IdeasError, match="field 'Task': must not be empty|field 'Task'"):
        parse_draft(REFERENCE_EXAMPLE.replace("Task: Create a multi-tenant API rate limiter", "Task:"))
    with pytest.raises(IdeasError, match="appears twice"):
        parse_draft(REFERENCE_EXAMPLE + "Task: again\n")


def _rec(id: str, **kw) -> RegistryRecord:
    base = dict(id=id, type="draft_dp", parent="seed_a", task_name="t", language="python", category="testing")
    return RegistryRecord.model_validate({**base, **kw})


def test_registry_upserts_by_id_and_keeps_status(tmp_path: Path):
    reg = Registry(tmp_path)
    assert reg.upsert([_rec("d2"), _rec("d1")]) == (2, 0)
    first = reg.path.read_text()
    assert [json.loads(l)["id"] for l in first.splitlines()] == ["d1", "d2"]
    assert reg.upsert([_rec("d1"), _rec("d2")]) == (0, 0)
    assert reg.path.read_text() == first
    reg.set_status("d1", "completed")
    assert reg.upsert([_rec("d1", idea_summary="new words")]) == (0, 1)
    assert reg.load()["d1"].status == "completed" and reg.load()["d1"].idea_summary == "new words"
    assert reg.next_pending().id == "d2"
    assert [r.id for r in reg.list(status="completed")] == ["d1"]
    with pytest.raises(IdeasError, match="no record with id 'zz'"):
        reg.set_status("zz", "completed")
    with pytest.raises(Exception, match="status"):
        reg.set_status("d1", "exploded")


def test_registry_rejects_corrupt_lines_with_location(tmp_path: Path):
    (tmp_path / "registry.jsonl").write_text('{"id": "x", "type": "draft_dp"}\n')
    with pytest.raises(IdeasError, match=r"registry.jsonl:1: invalid registry record: .*field 'task_name'"):
        Registry(tmp_path).load()


def test_committed_schemas_equal_a_fresh_export(tmp_path: Path):
    committed = Path(__file__).resolve().parents[2] / "schemas" / "ideas"
    fresh = export_schemas(tmp_path)
    assert sorted(p.name for p in fresh) == sorted(p.name for p in committed.glob("*.json"))
    for p in fresh:
        assert (committed / p.name).read_text() == p.read_text(), f"{p.name} is stale: python -m samplegen_dagster.ideas.schemas schemas/ideas"
    assert "language" in json.loads(schema_texts()["seed.schema.json"])["properties"]
