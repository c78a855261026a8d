"""Accepted GitHub PRs flow into the sample pipeline: API -> selection -> pull_requests -> sample.

The fake server's ``clone_url`` is the fixture's real git repository, so the pipeline's
mirror clones it, and the sample is validated with real virtualenvs and real pytest.
"""

from __future__ import annotations

import json

import pytest
from dagster import DagsterInstance

from samplegen_dagster.runner import run_partition
from samplegen_dagster.settings import Settings
from samplegen_dagster_tests.github.test_repositories_defs import _repos_file, _resources, _run


@pytest.mark.slow
def test_accepted_pr_becomes_a_validated_sample(fake, fixture, tmp_path, monkeypatch):
    # the sample pipeline builds its GitHub source from the environment (sources.discovery)
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    repos_file = _repos_file(tmp_path, "acme/calc")
    instance = DagsterInstance.ephemeral()
    assert _run("acme__calc", instance, _resources(fake, tmp_path, repos_file)).success
    assert instance.get_dynamic_partitions("pull_requests") == ["acme__calc-1", "acme__calc-2"]

    settings = Settings.from_env(repos_file=str(repos_file), cache_dir=str(tmp_path / "cache"),
                                 samples_dir=str(tmp_path / "samples"), sandbox="local")
    outcome = run_partition(instance, "acme__calc-1", settings)
    assert outcome.success, outcome.rejection or outcome.error
    meta = json.loads((outcome.sample_dir / "metadata.json").read_text())
    assert meta["instance_id"] == "acme__calc-1"
    assert meta["base_commit"] == fixture.shas[1]["base"] and meta["merge_commit"] == fixture.shas[1]["merge"]
    assert meta["FAIL_TO_PASS"] == ["tests/test_add.py::test_add"]
    # passes in the sandbox although GITHUB_TOKEN is set in this process: the token stayed out
    assert "tests/test_add.py::test_no_credentials_in_sandbox" in meta["PASS_TO_PASS"]
    assert meta["problem_statement"].startswith("add() subtracts instead of adding")
    assert "return a + b" not in meta["problem_statement"]
    assert meta["hints_text"] == "Confirmed on 3.11, it is in calc/ops.py"
    assert "test-token" not in "".join(p.read_text(errors="replace") for p in outcome.sample_dir.iterdir())


def test_samplegen_discover_uses_the_funnel_for_github_entries(fake, fixture, tmp_path, monkeypatch, capsys):
    """`samplegen discover` registers only the PRs the selection funnel accepts, and prints the funnel."""
    from samplegen_dagster.cli import main

    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    monkeypatch.setenv("SAMPLEGEN_CACHE_DIR", str(tmp_path / "cache"))
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    repos_file = _repos_file(tmp_path, "acme/calc")
    assert main(["discover", "--repos-file", str(repos_file)]) == 0
    out, err = capsys.readouterr()
    report = json.loads((tmp_path / "cache" / "selection" / "acme__calc.json").read_text())
    accepted = [f"acme__calc-{n}" for n in report["accepted"]]
    # default rules (linked issue preferred, not required): the funnel still rejects most of the 13
    assert report["examined"] == 13 and 2 <= len(accepted) < 13
    assert {"acme__calc-1", "acme__calc-2"} <= set(accepted)
    assert out.split() == accepted
    assert f"funnel: acme/calc: 13 examined, {len(accepted)} accepted" in err
    assert "test-token" not in out + err
    assert sorted(DagsterInstance.get().get_dynamic_partitions("pull_requests")) == sorted(accepted)
