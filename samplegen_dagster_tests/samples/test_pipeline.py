"""The real pipeline on the demo repository: real git history, real virtualenvs, real pytest.

Runs every PR of ``acme/textkit`` through the Dagster assets (``dagster.materialize``)
and checks exact FAIL_TO_PASS / PASS_TO_PASS lists, exact rejection reasons, the sample
files, environment reuse and idempotent reruns.
"""

import json
import subprocess
import sys

import pytest
from dagster import DagsterInstance

from samplegen_dagster.assembly.metadata import SampleMetadata
from samplegen_dagster.runner import register, run_partition
from samplegen_dagster_tests.conftest import git_rev

SAMPLE_FILES = {
    "metadata.json", "fix.patch", "tests.patch", "Dockerfile", "run.sh",
    "PASS_pre_tests.log", "FAIL_pre_patch.log", "PASS_post_patch.log",
    "ideal_trajectory.json", "failed_trajectory.json",
}

EXPECTED = {
    1: (
        [
            "tests/test_sizes.py::test_unit_boundaries[just below 1 GB [rounds up]]",
            "tests/test_sizes.py::test_unit_boundaries[just below 1 MB [rounds up]]",
        ],
        [
            "tests/test_sizes.py::test_bytes",
            "tests/test_sizes.py::test_unit_boundaries[below 1 MB [stays]]",
            "tests/test_sizes.py::test_units[3000-3.0 kB]",
            "tests/test_sizes.py::test_units[4500000-4.5 MB]",
        ],
    ),
    2: (
        [
            "tests/test_slug.py::SlugifyTests::test_accents_are_transliterated",
            "tests/test_slug.py::SlugifyTests::test_only_accents",
        ],
        ["tests/test_slug.py::SlugifyTests::test_separator", "tests/test_slug.py::SlugifyTests::test_words"],
    ),
    # The test module is renamed and now imports textkit.wrapping, which only the fix creates:
    # with tests.patch alone the module fails to collect, so all four of its tests are F2P.
    5: (
        [
            "tests/test_wrapping.py::test_binary_fixture_roundtrip",
            "tests/test_wrapping.py::test_cut_text_fits_width",
            "tests/test_wrapping.py::test_short_text_is_unchanged",
            "tests/test_wrapping.py::test_whitespace_is_collapsed",
        ],
        [],
    ),
}

REJECTIONS = {
    3: ("patches", "no_test_changes", "the PR changes 1 file(s) and none of them is a test"),
    4: (
        "validation",
        "no_fail_to_pass",
        "no FAIL_TO_PASS test: every test that passes after the fix already passes with only tests.patch applied",
    ),
    6: (
        "validation",
        "pass_to_fail",
        "2 test(s) go from pass to fail with the fix: tests/test_slug.py::SlugifyTests::test_accents_are_transliterated, "
        "tests/test_slug.py::SlugifyTests::test_words",
    ),
}


@pytest.fixture(scope="module")
def pipeline_run(demo_pipeline):
    """All six PRs, run once per session (``conftest.demo_pipeline``); tests below inspect the results."""
    return demo_pipeline


def fresh_instance(key: str) -> DagsterInstance:
    """For reruns: the shared instance's history stays that of the single pass other tests read."""
    instance = DagsterInstance.ephemeral()
    register(instance, [key])
    return instance


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_accepted_samples(pipeline_run, demo_repo, number):
    settings, _, outcomes = pipeline_run
    key = f"acme__textkit-{number}"
    out = outcomes[key]
    assert out.success, out.rejection or out.error
    sample = settings.samples_dir / key
    assert {p.name for p in sample.iterdir()} == SAMPLE_FILES
    meta = SampleMetadata.model_validate_json((sample / "metadata.json").read_text())
    f2p, p2p = EXPECTED[number]
    assert meta.FAIL_TO_PASS == f2p
    assert meta.PASS_TO_PASS == p2p
    assert meta.instance_id == key and meta.pull_number == number and meta.repo == "acme/textkit"
    merge = git_rev(demo_repo, f"main~{6 - number}") if number != 2 else None
    if merge:
        assert meta.merge_commit == merge
    assert meta.base_commit == git_rev(demo_repo, f"{meta.merge_commit}^1")
    assert meta.validation.status == "validated" and meta.validation.sandbox == "local"
    assert [s.name for s in meta.validation.states] == ["pre_tests", "pre_patch", "post_patch"]
    assert meta.files == sorted(SAMPLE_FILES)
    assert (sample / "run.sh").stat().st_mode & 0o111


def test_logs_show_the_cycle_with_coverage(pipeline_run):
    settings, _, _ = pipeline_run
    sample = settings.samples_dir / "acme__textkit-1"
    pre = (sample / "PASS_pre_tests.log").read_text()
    fail = (sample / "FAIL_pre_patch.log").read_text()
    post = (sample / "PASS_post_patch.log").read_text()
    assert "== coverage ==" in pre and "textkit/sizes.py" in pre
    assert "== coverage ==" in post and "== coverage ==" not in fail
    assert "FAILED   tests/test_sizes.py::test_unit_boundaries[just below 1 MB [rounds up]]" in fail
    assert "PASSED   tests/test_sizes.py::test_unit_boundaries[just below 1 MB [rounds up]]" in post
    assert "== 6 passed, 0 failed, 0 errors, 0 skipped ==" in post
    # no machine paths leak into any sample (tracebacks included: PR 5's module fails to import)
    files = [f for n in EXPECTED for f in (settings.samples_dir / f"acme__textkit-{n}").iterdir()]
    assert "importlib" in (settings.samples_dir / "acme__textkit-5" / "FAIL_pre_patch.log").read_text()
    for f in files:
        if f.name != "Dockerfile" and f.name != "run.sh":
            text = f.read_text(errors="replace")
            assert str(settings.cache_dir) not in text, f.name
            assert sys.base_prefix + "/" not in text, f.name


def test_patches_split_binary_and_rename(pipeline_run, demo_repo, tmp_path):
    settings, _, _ = pipeline_run
    sample = settings.samples_dir / "acme__textkit-5"
    fix = (sample / "fix.patch").read_bytes()
    tests = (sample / "tests.patch").read_bytes()
    assert b"rename from textkit/wrap.py" in fix and b"GIT binary patch" in fix
    assert b"tests/data/sample.bin" in tests and b"GIT binary patch" in tests
    assert b"textkit/" not in tests.replace(b"textkit/wrapping", b"").replace(b"from textkit", b"")
    meta = json.loads((sample / "metadata.json").read_text())
    work = tmp_path / "w"
    subprocess.run(["git", "clone", "-q", str(demo_repo), str(work)], check=True)
    subprocess.run(["git", "checkout", "-q", meta["base_commit"]], cwd=work, check=True)
    for patch in ("tests.patch", "fix.patch"):
        subprocess.run(["git", "apply", "--binary", str(sample / patch)], cwd=work, check=True)
    subprocess.run(["git", "add", "-A"], cwd=work, check=True)
    diff = subprocess.run(["git", "diff", "--cached", "--stat", meta["merge_commit"]], cwd=work, capture_output=True, text=True)
    # base + tests.patch + fix.patch is exactly the merge commit's tree, binaries and rename included
    assert diff.returncode == 0 and diff.stdout == ""


@pytest.mark.parametrize("number", sorted(REJECTIONS))
def test_rejections_are_recorded_with_exact_reasons(pipeline_run, number):
    settings, _, outcomes = pipeline_run
    key = f"acme__textkit-{number}"
    out = outcomes[key]
    assert not out.success
    phase, code, message = REJECTIONS[number]
    assert (out.rejection["phase"], out.rejection["code"], out.rejection["message"]) == (phase, code, message)
    assert not (settings.samples_dir / key).exists()
    assert (settings.samples_dir / "_rejected" / f"{key}.json").is_file()
    if number == 6:
        assert out.rejection["details"]["regressions"] == [
            "tests/test_slug.py::SlugifyTests::test_accents_are_transliterated",
            "tests/test_slug.py::SlugifyTests::test_words",
        ]
        assert out.rejection["details"]["FAIL_TO_PASS"] == ["tests/test_slug.py::SlugifyTests::test_default_separator_is_underscore"]
        assert out.rejection["details"]["counts"]["post_patch"] == {"passed": 3, "failed": 2, "error": 0, "skipped": 0}


def test_environment_is_shared_and_reused(pipeline_run):
    settings, _, _ = pipeline_run
    metas = [json.loads((settings.samples_dir / f"acme__textkit-{n}" / "metadata.json").read_text()) for n in (1, 2, 5)]
    # PR 2 bumps the version in pyproject.toml: the dependency fingerprint must not change.
    assert len({m["environment"]["fingerprint"] for m in metas}) == 1
    assert metas[1]["validation"]["environment_reused"] and metas[2]["validation"]["environment_reused"]
    envs = list((settings.cache_dir / "envs").glob("*/.samplegen-ready.json"))
    assert len(envs) == 1


def test_failure_event_names_the_reason(pipeline_run):
    _, instance, _ = pipeline_run
    from dagster import DagsterEventType

    failures = []
    for run in instance.get_runs():
        for rec in instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_FAILURE):
            failures.append(rec.dagster_event.step_failure_data.user_failure_data.description)
    assert "acme__textkit-3 rejected at patches: no_test_changes: the PR changes 1 file(s) and none of them is a test" in failures


def test_rerun_replaces_the_sample_atomically(pipeline_run):
    settings, _, _ = pipeline_run
    key = "acme__textkit-2"
    sample = settings.samples_dir / key
    (sample / "stale.txt").write_text("left over from an older run")
    before = json.loads((sample / "metadata.json").read_text())
    out = run_partition(fresh_instance(key), key, settings)
    assert out.success
    after = json.loads((sample / "metadata.json").read_text())
    assert not (sample / "stale.txt").exists()
    assert after["FAIL_TO_PASS"] == before["FAIL_TO_PASS"] and after["PASS_TO_PASS"] == before["PASS_TO_PASS"]
    assert after["validation"]["environment_reused"] is True
    leftovers = [p.name for p in settings.samples_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_rejection_removes_a_stale_sample(pipeline_run):
    settings, _, _ = pipeline_run
    key = "acme__textkit-4"
    stale = settings.samples_dir / key
    stale.mkdir()
    (stale / "metadata.json").write_text("{}")
    out = run_partition(fresh_instance(key), key, settings)
    assert out.rejection["code"] == "no_fail_to_pass"
    assert not stale.exists()
