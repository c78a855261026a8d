"""Seed files: valid ones load, every malformed one gives exactly one readable line naming file and field."""

from __future__ import annotations

import json

import pytest

from samplegen_dagster.ideas.errors import IdeasError
from samplegen_dagster.ideas.seeds import add_seed_file, find_seed, load_seed, scan_seeds
from samplegen_dagster_tests.ideas.conftest import PY_SEED, write_seed


def _error(path) -> str:
    with pytest.raises(IdeasError) as info:
        load_seed(path)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    assert str(path) in message
    return message


def test_yaml_and_json_seeds_load(tmp_path):
    y = write_seed(tmp_path, PY_SEED)
    j = tmp_path / "s.json"
    j.write_text(json.dumps({**PY_SEED, "id": "seed_2"}))
    assert load_seed(y).language == "python"
    assert load_seed(j).id == "seed_2"


def test_repo_example_seeds_are_valid():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "seeds"
    scan = scan_seeds(root)
    assert scan.errors == []
    assert {s.language for s, _ in scan.seeds.values()} >= {"python", "typescript"}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"language": "cobol"}, "language", "'python'"),
        ({"category": "astrology"}, "category", "'performance'"),
        ({"complexity": "trivial"}, "complexity", "'easy'"),
        ({"id": "bad id/with slash"}, "id", "letters, digits"),
        ({"task_name": "Not Snake"}, "task_name", "snake_case"),
        ({"langauge": "python"}, "langauge", "unknown field"),
    ],
)
def test_invalid_fields_are_named(tmp_path, change, field, words):
    data = {**PY_SEED, **change}
    if "langauge" in change:
        data.pop("language")
    message = _error(write_seed(tmp_path, data, "bad.yaml"))
    assert f"field '{field}'" in message
    assert words in message


def test_missing_field(tmp_path):
    data = {k: v for k, v in PY_SEED.items() if k != "description"}
    message = _error(write_seed(tmp_path, data, "bad.yaml"))
    assert "field 'description': required field is missing" in message


def test_malformed_yaml_and_json(tmp_path):
    y = tmp_path / "broken.yaml"
    y.write_text("id: x\nlanguage: [python\n")
    assert "not valid YAML" in _error(y)
    j = tmp_path / "broken.json"
    j.write_text('{"id": "x",')
    assert "not valid JSON" in _error(j)
    lst = tmp_path / "list.yaml"
    lst.write_text("- a\n- b\n")
    assert "one mapping" in _error(lst)
    txt = tmp_path / "seed.txt"
    txt.write_text("x")
    assert ".json, .yaml or .yml" in _error(txt)


def test_scan_reports_bad_files_and_duplicate_ids(tmp_path):
    write_seed(tmp_path, PY_SEED, "a.yaml")
    write_seed(tmp_path, PY_SEED, "b.yaml")
    write_seed(tmp_path, {**PY_SEED, "id": "other", "language": "cobol"}, "c.yaml")
    scan = scan_seeds(tmp_path)
    assert list(scan.seeds) == ["seed_py_n_plus_one"]
    assert len(scan.errors) == 2
    assert any("b.yaml" in e and "already used by" in e for e in scan.errors)
    assert any("c.yaml" in e and "field 'language'" in e for e in scan.errors)
    with pytest.raises(IdeasError, match="no seed with id 'nope'"):
        find_seed(tmp_path, "nope")


def test_add_seed_file_is_idempotent_and_refuses_conflicts(tmp_path):
    src = write_seed(tmp_path / "in", PY_SEED, "mine.yaml")
    seeds = tmp_path / "seeds"
    seed, dest, changed = add_seed_file(src, seeds)
    assert changed and dest == seeds / "seed_py_n_plus_one.yaml" and load_seed(dest) == seed
    assert add_seed_file(src, seeds)[2] is False
    other = write_seed(tmp_path / "in2", {**PY_SEED, "complexity": "hard"}, "x.yaml")
    with pytest.raises(IdeasError, match="already exists .* with a different spec"):
        add_seed_file(other, seeds)
