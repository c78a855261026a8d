"""Executed trajectories of the demo samples: exact step sequences, real observations, real failure modes.

Everything comes from the real pipeline (``conftest.enriched_run``): the demo repository's
history, real virtualenvs, pytest really run at each step in a sandbox session.
"""

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from samplegen_dagster.trajectories.atif import Trajectory
from samplegen_dagster.trajectories.schemas import render_schemas

ROOT = Path(__file__).resolve().parents[2]

F2P = {
    1: ["tests/test_sizes.py::test_unit_boundaries[just below 1 GB [rounds up]]",
        "tests/test_sizes.py::test_unit_boundaries[just below 1 MB [rounds up]]"],
    2: ["tests/test_slug.py::SlugifyTests::test_accents_are_transliterated", "tests/test_slug.py::SlugifyTests::test_only_accents"],
    5: ["tests/test_wrapping.py::test_binary_fixture_roundtrip", "tests/test_wrapping.py::test_cut_text_fits_width",
        "tests/test_wrapping.py::test_short_text_is_unchanged", "tests/test_wrapping.py::test_whitespace_is_collapsed"],
}
TASK = [("task", "system", None), ("task", "user", None)]


def explore(dirs, reads, n):
    return ([("explore", "list_dir", d) for d in dirs] + [("explore", "read_file", p) for p in reads]
            + [("reproduce", "run_tests", F2P[n])])


IDEAL = {
    1: TASK + explore(["textkit", "tests"], ["textkit/sizes.py", "tests/test_sizes.py"], 1) + [
        ("edit", "edit_file", "textkit/sizes.py"), ("verify", "run_tests", ["tests/test_sizes.py"]), ("submit", "submit", None)],
    2: TASK + explore([".", "textkit", "tests"], ["pyproject.toml", "textkit/slug.py", "tests/test_slug.py"], 2) + [
        ("edit", "edit_file", "pyproject.toml"), ("edit", "edit_file", "textkit/slug.py"),
        ("verify", "run_tests", ["tests/test_slug.py"]), ("submit", "submit", None)],
    5: TASK + explore(["textkit", "textkit/data", "tests"], ["textkit/__init__.py", "textkit/wrap.py", "tests/test_wrapping.py"], 5) + [
        ("edit", "edit_file", "textkit/__init__.py"), ("edit", "write_binary", "textkit/data/table.bin"),
        ("edit", "move_file", "textkit/wrap.py -> textkit/wrapping.py"), ("edit", "edit_file", "textkit/wrapping.py"),
        ("verify", "run_tests", ["tests/test_wrapping.py"]), ("submit", "submit", None)],
}
FAILED = {
    # one Python hunk: the failing tests' module is edited instead of the code
    1: IDEAL[1][:7] + [("edit", "edit_file", "tests/test_sizes.py"), ("verify", "run_tests", ["tests/test_sizes.py"]),
                       ("submit", "submit", None), ("evaluation", "system", None)],
    2: IDEAL[2][:9] + [("edit", "edit_file", "tests/test_slug.py"), ("verify", "run_tests", ["tests/test_slug.py"]),
                       ("submit", "submit", None), ("evaluation", "system", None)],
    # multi-hunk fix: everything but the off-by-one hunk in wrapping.py
    5: IDEAL[5][:12] + [("verify", "run_tests", F2P[5]), ("submit", "submit", None), ("evaluation", "system", None)],
}


def sequence(traj: dict) -> list[tuple]:
    out = []
    for s in traj["steps"]:
        if not s.get("tool_calls"):
            out.append((s["extra"]["phase"], s["source"], None))
            continue
        call = s["tool_calls"][0]
        a = call["arguments"]
        key = a.get("path") or a.get("targets") or (f"{a['old_path']} -> {a['new_path']}" if "old_path" in a else None)
        out.append((s["extra"]["phase"], call["function_name"], key))
    return out


def observation(step: dict) -> str:
    return step["observation"]["results"][0]["content"]


def steps_of(traj: dict, phase: str) -> list[dict]:
    return [s for s in traj["steps"] if s["extra"]["phase"] == phase]


@pytest.mark.parametrize("n", [1, 2, 5])
def test_exact_step_sequences(samples, n):
    _, _, ideal, failed = samples[n]
    assert sequence(ideal) == IDEAL[n]
    assert sequence(failed) == FAILED[n]
    for t in (ideal, failed):
        assert [s["step_id"] for s in t["steps"]] == list(range(1, len(t["steps"]) + 1))
        assert t["schema_version"] == "ATIF-v1.4" and t["final_metrics"]["total_steps"] == len(t["steps"])


@pytest.mark.parametrize("n", [1, 2])
def test_observations_are_what_pytest_printed(samples, n):
    _, meta, ideal, _ = samples[n]
    repro, verify = steps_of(ideal, "reproduce")[0], steps_of(ideal, "verify")[0]
    for t in F2P[n]:
        assert f"FAILED {t}" in observation(repro)
        assert f"PASSED {t}" in observation(verify)
        assert repro["extra"]["tests"]["outcomes"][t] == "failed"
        assert verify["extra"]["tests"]["outcomes"][t] == "passed"
    total = len(F2P[n]) + len(meta["PASS_TO_PASS"])
    assert f"{len(F2P[n])} failed" in observation(repro)
    assert f"{total} passed" in observation(verify) and "failed" not in observation(verify).split("short test summary")[-1]
    assert repro["extra"]["tests"]["exit_code"] == 1 and verify["extra"]["tests"]["exit_code"] == 0


def test_observations_of_a_rename_and_binary_fix(samples):
    _, _, ideal, _ = samples[5]
    repro = steps_of(ideal, "reproduce")[0]
    # the new test module imports textkit.wrapping, which only the fix creates
    assert "ModuleNotFoundError: No module named 'textkit.wrapping'" in observation(repro)
    assert "ERROR tests/test_wrapping.py" in observation(repro)
    edits = steps_of(ideal, "edit")
    assert "from textkit.wrapping import shorten" in observation(edits[0])
    assert "textkit/data/table.bin: 52 bytes after the edit" in observation(edits[1])
    assert "moved textkit/wrap.py -> textkit/wrapping.py" in observation(edits[2]) and "\nwrapping.py" in observation(edits[2])
    assert "13\t    return text[: width - len(placeholder)] + placeholder" in observation(edits[3])
    verify = steps_of(ideal, "verify")[0]
    assert "4 passed" in observation(verify)
    submit = steps_of(ideal, "submit")[0]
    assert "rename from textkit/wrap.py" in observation(submit) and "Binary files a/textkit/data/table.bin" in observation(submit)


def test_edit_observation_is_the_real_file_region(samples):
    sample, _, ideal, _ = samples[1]
    edit = steps_of(ideal, "edit")[0]
    args = edit["tool_calls"][0]["arguments"]
    assert args["path"] == "textkit/sizes.py"
    assert "        if abs(value) < 1000 or unit == UNITS[-1]:\n" in args["old_text"]
    assert "        if abs(round(value, 1)) < 1000 or unit == UNITS[-1]:\n" in args["new_text"]
    assert "   14\t        if abs(round(value, 1)) < 1000 or unit == UNITS[-1]:" in observation(edit)
    # the submitted diff is exactly fix.patch's change
    fix_added = [ln for ln in (sample / "fix.patch").read_text().splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    submitted = observation(steps_of(ideal, "submit")[0])
    assert all(ln in submitted.splitlines() for ln in fix_added)


def test_multi_hunk_fix_fails_as_incomplete_fix(samples):
    _, meta, _, failed = samples[5]
    assert failed["extra"]["failure_mode"] == "incomplete_fix"
    edited = [s["tool_calls"][0]["arguments"].get("path") for s in steps_of(failed, "edit")]
    assert "textkit/wrapping.py" not in edited  # the off-by-one hunk is the one left out
    own = steps_of(failed, "verify")[0]
    assert own["extra"]["tests"]["outcomes"]["tests/test_wrapping.py::test_cut_text_fits_width"] == "failed"
    evaluation = steps_of(failed, "evaluation")[0]
    assert evaluation["source"] == "system"
    failing = ["tests/test_wrapping.py::test_binary_fixture_roundtrip", "tests/test_wrapping.py::test_cut_text_fits_width"]
    assert failed["extra"]["failing_tests"] == failing
    for t in failing:
        assert f"FAILED {t}" in observation(evaluation)
    assert meta["failureModeAnalysis"]["mode"] == "incomplete_fix"
    assert meta["failureModeAnalysis"]["evidence"]["failingTests"] == failing


@pytest.mark.parametrize("n", [1, 2])
def test_one_hunk_fix_fails_by_test_tampering(samples, n):
    _, meta, _, failed = samples[n]
    assert failed["extra"]["failure_mode"] == "test_tampering"
    cands = {c["mode"]: c for c in failed["extra"]["candidates"]}
    assert cands["incomplete_fix"]["applicable"] is False and cands["incomplete_fix"]["tried"] is False
    assert cands["test_tampering"]["really_fails"] is True
    edit = steps_of(failed, "edit")
    assert [s["tool_calls"][0]["arguments"]["path"] for s in edit] == [f"tests/test_{'sizes' if n == 1 else 'slug'}.py"]
    own = steps_of(failed, "verify")[0]["extra"]["tests"]
    # the agent's own run passes: the failing tests are gone from the tampered module
    assert own["exit_code"] == 0 and set(own["outcomes"].values()) == {"passed"}
    assert not set(F2P[n]) & set(own["outcomes"])
    evaluation = steps_of(failed, "evaluation")[0]
    assert "original test files are restored" in evaluation["message"]
    assert evaluation["extra"]["tests"]["exit_code"] == 1
    assert sorted(t for t, o in evaluation["extra"]["tests"]["outcomes"].items() if o != "passed") == F2P[n]
    assert meta["failureModeAnalysis"]["evidence"]["failingTests"] == F2P[n]


@pytest.mark.parametrize("n", [1, 2, 5])
def test_files_validate_against_model_and_exported_schema(samples, n):
    sample, _, ideal, failed = samples[n]
    schema = json.loads(render_schemas()["trajectories/atif-trajectory.schema.json"])
    for name, data in (("ideal_trajectory.json", ideal), ("failed_trajectory.json", failed)):
        Trajectory.model_validate_json((sample / name).read_text())
        jsonschema.validate(data, schema)
        for s in data["steps"]:
            assert s["extra"]["wall_time_s"] >= 0
            assert s["timestamp"].endswith("Z") or "+00:00" in s["timestamp"]
            if s["source"] == "agent":
                assert s["metrics"]["extra"]["token_method"] == "estimate:chars/4"
                assert s["extra"]["executed_in"] == "local"


def test_no_machine_paths_in_trajectories(samples, enriched_run):
    settings, _, _ = enriched_run
    for n in samples:
        sample = samples[n][0]
        for name in ("ideal_trajectory.json", "failed_trajectory.json"):
            text = (sample / name).read_text()
            assert str(settings.cache_dir) not in text and str(settings.samples_dir) not in text, name
            assert "$RUN/venv/bin/python -m pytest" in text
            assert sys.base_prefix + "/" not in text, name
    # the standard library's frames in a traceback name the interpreter's installation $PYTHON
    repro = steps_of(samples[5][2], "reproduce")[0]
    assert "$PYTHON/lib/python3" in observation(repro)


def test_committed_schemas_are_current():
    for name, text in render_schemas().items():
        path = ROOT / "schemas" / name
        assert path.is_file(), f"run `python -m samplegen_dagster.trajectories.schemas` to export {name}"
        assert path.read_text() == text, f"schemas/{name} is stale"
