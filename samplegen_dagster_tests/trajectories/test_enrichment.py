"""metadata.json's seven sections on the demo samples, from the real pipeline; AST symbols; fix-line coverage."""

import pytest
from dagster import AssetKey, DagsterEventType

from samplegen_dagster.assembly.metadata import SampleMetadata
from samplegen_dagster.demo import textkit
from samplegen_dagster.enrichment.models import Enrichment
from samplegen_dagster.enrichment.symbols import changed_symbols
from samplegen_dagster.enrichment.validate import SECTIONS, sample_problems

SEVEN = ["taskGoal", "failureModeAnalysis", "stepLevelMetrics", "diffSemantics", "testExecution", "navigationMetrics",
         "planAndMemorySignals"]

# (file, qualified name, kind, change, signature changed): exactly the functions each PR's fix changes
SYMBOLS = {
    1: [("textkit/sizes.py", "naturalsize", "function", "modified", False)],
    2: [("textkit/slug.py", "slugify", "function", "modified", False)],
    5: [("textkit/wrapping.py", "shorten", "function", "modified", False)],
}


@pytest.mark.parametrize("n", [1, 2, 5])
def test_seven_sections_present_and_valid(samples, n):
    sample, meta, ideal, failed = samples[n]
    assert list(SECTIONS) == SEVEN
    assert all(meta.get(s) is not None for s in SEVEN)
    Enrichment.model_validate({s: meta[s] for s in SEVEN})
    SampleMetadata.model_validate(meta)
    assert sample_problems(sample) == []
    assert "ideal_trajectory.json" in meta["files"] and "failed_trajectory.json" in meta["files"]
    # the seed's own check reads these two numbers
    totals = meta["stepLevelMetrics"]["totalSteps"]
    assert totals == {"idealTrajectory": len(ideal["steps"]), "failedTrajectory": len(failed["steps"])}


def test_sample_check_flags_a_broken_sample(samples, tmp_path):
    import shutil

    sample = samples[1][0]
    broken = tmp_path / "broken"
    shutil.copytree(sample, broken)
    (broken / "failed_trajectory.json").unlink()
    text = (broken / "metadata.json").read_text().replace('"diffSemantics": {', '"diffSemantics": {"bogus": 1, ', 1)
    (broken / "metadata.json").write_text(text)
    problems = sample_problems(broken)
    assert any("failed_trajectory.json is missing" in p for p in problems)
    assert "metadata.json: diffSemantics.bogus: Extra inputs are not permitted (1 error(s))" in problems


@pytest.mark.parametrize("n", sorted(SYMBOLS))
def test_ast_symbols_match_the_changed_functions(samples, n):
    meta = samples[n][1]
    got = [(s["file"], s["name"], s["kind"], s["change"], s["signatureChanged"]) for s in meta["diffSemantics"]["changedSymbols"]]
    assert got == SYMBOLS[n]


def test_diff_semantics_files_and_module_level(samples):
    ds1, ds2, ds5 = (samples[n][1]["diffSemantics"] for n in (1, 2, 5))
    assert (ds1["filesChanged"], ds1["linesAdded"], ds1["linesRemoved"], ds1["moduleLevelChanges"]) == (1, 2, 1, [])
    assert ds2["moduleLevelChanges"] == ["textkit/slug.py"]  # `import unicodedata`
    assert [(f["path"], f["oldPath"], f["changeKind"], f["binary"]) for f in ds5["files"]] == [
        ("textkit/__init__.py", None, "modified", False),
        ("textkit/data/table.bin", None, "modified", True),
        ("textkit/wrapping.py", "textkit/wrap.py", "renamed", False),
    ]
    assert ds5["moduleLevelChanges"] == ["textkit/__init__.py"]


def test_ast_symbols_methods_classes_signatures():
    before = (
        "import os\n\nclass Box:\n    size = 1\n\n    def grow(self, n):\n        return n + 1\n\n"
        "    def keep(self):\n        return 0\n\ndef gone():\n    pass\n\ndef same(a):\n    # comment\n    return a\n"
    )
    after = (
        "import os\n\nclass Box:\n    size = 2\n\n    def grow(self, n: int, *, by: int = 1) -> int:\n        return n + by\n\n"
        "    def keep(self):\n        return 0\n\ndef same(a):\n    # another comment only\n    return a\n\n"
        "async def fresh():\n    return 1\n"
    )
    changes, module = changed_symbols("m.py", before, after)
    got = {(c.name, c.kind, c.change, c.signatureChanged) for c in changes}
    assert got == {
        ("Box", "class", "modified", False),  # its own statement `size` changed
        ("Box.grow", "method", "modified", True),
        ("gone", "function", "removed", False),
        ("fresh", "function", "added", False),
    }
    grow = next(c for c in changes if c.name == "Box.grow")
    assert grow.signatureBefore == "def grow(self, n)" and grow.signatureAfter == "def grow(self, n: int, *, by: int=1) -> int"
    assert module is False
    # the demo's own history: PR 3 only adds type hints and a docstring to shorten()
    (c,), _ = changed_symbols("textkit/wrap.py", textkit.WRAP_V1, textkit.WRAP_V1_DOC)
    assert (c.name, c.signatureChanged) == ("shorten", True)


def test_fix_line_coverage_names_the_f2p_tests_per_line(samples):
    flc = samples[1][1]["testExecution"]["fixLineCoverage"]
    f2p = samples[1][1]["FAIL_TO_PASS"]
    # line 13 is the added comment (not a statement); line 14 the new condition both F2P tests run
    assert [(ln["line"], ln["executable"], ln["executedBy"]) for ln in flc["lines"]] == [(13, False, []), (14, True, f2p)]
    assert (flc["addedLines"], flc["executableAddedLines"], flc["executedByFailToPass"], flc["percent"], flc["flagged"]) == (2, 1, 1, 100.0, False)
    flc5 = samples[5][1]["testExecution"]["fixLineCoverage"]
    line13 = next(ln for ln in flc5["lines"] if ln["file"] == "textkit/wrapping.py")
    # only the tests that really cut text reach the fixed return statement
    assert line13["executedBy"] == ["tests/test_wrapping.py::test_binary_fixture_roundtrip", "tests/test_wrapping.py::test_cut_text_fits_width"]


@pytest.mark.parametrize("n", [1, 2, 5])
def test_test_execution_matches_validation(samples, n):
    meta = samples[n][1]
    te = meta["testExecution"]
    assert te["framework"] == "pytest"
    assert te["failToPass"] == meta["FAIL_TO_PASS"] and te["passToPass"] == meta["PASS_TO_PASS"]
    states = {s["name"]: s for s in meta["validation"]["states"]}
    for c in te["countsPerState"]:
        s = states[c["state"]]
        assert (c["passed"], c["failed"], c["error"], c["skipped"]) == (s["passed"], s["failed"], s["error"], s["skipped"])
    assert te["coverageChangedFiles"]["postPatch"] == states["post_patch"]["coverage_percent_changed_files"]


def test_navigation_and_plan_signals(samples):
    nav1 = samples[1][1]["navigationMetrics"]
    assert nav1["goldFiles"] == ["textkit/sizes.py"]
    i, f = nav1["idealTrajectory"], nav1["failedTrajectory"]
    assert (i["filesEdited"], i["editPrecision"], i["editRecall"]) == (["textkit/sizes.py"], 1.0, 1.0)
    assert (f["filesEdited"], f["editPrecision"], f["editRecall"]) == (["tests/test_sizes.py"], 0.0, 0.0)
    assert i["filesOpened"] == ["textkit/sizes.py", "tests/test_sizes.py"] and i["openPrecision"] == 0.5
    nav5 = samples[5][1]["navigationMetrics"]
    assert nav5["goldFiles"] == ["textkit/__init__.py", "textkit/data/table.bin", "textkit/wrap.py", "textkit/wrapping.py"]
    assert nav5["idealTrajectory"]["openRecall"] == 0.5  # the binary table and the new path are never opened
    p1, p5 = samples[1][1]["planAndMemorySignals"], samples[5][1]["planAndMemorySignals"]
    assert p1["idealTrajectory"] == {"thoughtCount": 2, "planCount": 1, "verificationSteps": 1, "testRuns": 2, "reReads": 0,
                                     "repeatedActions": 0}
    # the incomplete fix re-runs exactly the reproduce command
    assert p5["failedTrajectory"]["repeatedActions"] == 1 and p5["failedTrajectory"]["thoughtCount"] == 3


@pytest.mark.parametrize("n", [1, 5])
def test_step_level_metrics_sum_the_trajectories(samples, n):
    _, meta, ideal, failed = samples[n]
    for name, t in (("idealTrajectory", ideal), ("failedTrajectory", failed)):
        m = meta["stepLevelMetrics"][name]
        assert m["wallTimePerStepS"] == [s["extra"]["wall_time_s"] for s in t["steps"]]
        assert m["totalWallTimeS"] == pytest.approx(sum(m["wallTimePerStepS"]), abs=1e-3)
        calls = [s["tool_calls"][0]["function_name"] for s in t["steps"] if s.get("tool_calls")]
        assert m["toolCallsByTool"] == {k: calls.count(k) for k in sorted(set(calls))}
        assert m["tokens"]["method"] == "estimate:chars/4"
        assert m["tokens"]["completion"] == t["final_metrics"]["total_completion_tokens"] > 0
        # test runs really took time: pytest in a virtualenv is not instantaneous
        assert all(s["extra"]["wall_time_s"] > 0.01 for s in t["steps"] if s.get("tool_calls")
                   and s["tool_calls"][0]["function_name"] == "run_tests")


def test_failure_mode_analysis_explains_the_difference(samples):
    fma1, fma5 = samples[1][1]["failureModeAnalysis"], samples[5][1]["failureModeAnalysis"]
    assert fma1["mode"] == "test_tampering" and fma1["executedIn"] == "local"
    assert "edits the test file(s) tests/test_sizes.py instead of textkit/sizes.py" in fma1["distinguishingFromIdeal"]
    assert "FAILED tests/test_sizes.py::test_unit_boundaries[just below 1 MB [rounds up]]" in fma1["evidence"]["outputExcerpt"]
    assert fma5["distinguishingFromIdeal"][0] == "applies 3 of the fix's 4 edit units; skipped unit(s) [3]"
    assert set(fma5["taxonomy"]) == {"incomplete_fix", "test_tampering", "premature_submission", "wrong_localization"}


def test_assets_report_to_the_ui_and_the_sample_check_passes(enriched_run):
    _, instance, _ = enriched_run
    for asset in ("pr_trajectories", "pr_enrichment"):
        ev = instance.get_latest_materialization_event(AssetKey(asset))
        assert ev is not None, asset
        md = ev.asset_materialization.metadata
        assert "summary" in md and "failure_mode" in md
    checks = []
    for run in instance.get_runs():
        for rec in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
            data = rec.dagster_event.event_specific_data
            checks.append((data.check_name, data.passed))
    assert checks.count(("sample_validates", True)) == 3 and ("sample_validates", False) not in checks
