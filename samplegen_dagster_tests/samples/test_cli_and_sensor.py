"""The real command lines (`samplegen`, `dagster asset materialize`) and the discovery sensor."""

import json
import os
import subprocess
import sys
from pathlib import Path

from dagster import DagsterInstance, SensorResult, SkipReason, build_sensor_context

from samplegen_dagster.defs.samples.sensors import pull_request_sensor
from samplegen_dagster.demo.textkit import repos_yaml

ALL_KEYS = [f"acme__textkit-{n}" for n in range(1, 7)]


def env_for(settings, dagster_home: Path) -> dict:
    return {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "SAMPLEGEN_REPOS_FILE": str(settings.repos_file),
        "SAMPLEGEN_CACHE_DIR": str(settings.cache_dir),
        "SAMPLEGEN_SAMPLES_DIR": str(settings.samples_dir),
        "SAMPLEGEN_SANDBOX": "local",
    }


def test_discover_registers_partitions_and_prints_keys(demo_settings, dagster_home):
    proc = subprocess.run(
        [sys.executable, "-m", "samplegen_dagster.cli", "discover"], env=env_for(demo_settings, dagster_home), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ALL_KEYS
    instance = DagsterInstance.get()
    assert sorted(instance.get_dynamic_partitions("pull_requests")) == sorted(ALL_KEYS)


def test_discover_restricted_by_prs(demo_settings, demo_repo, dagster_home, tmp_path):
    f = tmp_path / "only.yaml"
    f.write_text(repos_yaml(demo_repo) + "    prs: [5, 2, 99]\n")
    proc = subprocess.run(
        [sys.executable, "-m", "samplegen_dagster.cli", "discover", "--repos-file", str(f)],
        env=env_for(demo_settings, dagster_home), capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["acme__textkit-5", "acme__textkit-2"]


def test_malformed_repos_file_is_one_line(demo_settings, dagster_home, tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("repositories:\n  - repo: not-a-repo\n    url: x\n")
    proc = subprocess.run(
        [sys.executable, "-m", "samplegen_dagster.cli", "discover", "--repos-file", str(f)],
        env=env_for(demo_settings, dagster_home), capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {f}: entry 1 (not-a-repo): repo: repository 'not-a-repo' is not of the form owner/name"
    assert proc.stdout == ""


def test_run_refuses_a_malformed_key_before_writing_anything(demo_settings, dagster_home):
    proc = subprocess.run(
        [sys.executable, "-m", "samplegen_dagster.cli", "run", "acme__textkit-1", "not-a-key"],
        env=env_for(demo_settings, dagster_home), capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: 'not-a-key' is not an instance id of the form owner__name-N"
    assert DagsterInstance.get().get_dynamic_partitions("pull_requests") == []
    assert not demo_settings.samples_dir.exists()


def test_dagster_cli_materializes_one_partition(demo_settings, dagster_home):
    env = env_for(demo_settings, dagster_home)
    subprocess.run([sys.executable, "-m", "samplegen_dagster.cli", "discover"], env=env, check=True, capture_output=True)
    proc = subprocess.run(
        ["dagster", "asset", "materialize", "-m", "samplegen_dagster", "--select", "group:samples", "--partition", "acme__textkit-2"],
        env=env, capture_output=True, text=True, cwd=dagster_home,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    meta = json.loads((demo_settings.samples_dir / "acme__textkit-2" / "metadata.json").read_text())
    assert meta["FAIL_TO_PASS"] == [
        "tests/test_slug.py::SlugifyTests::test_accents_are_transliterated",
        "tests/test_slug.py::SlugifyTests::test_only_accents",
    ]
    # the run is recorded in the instance with the asset check evaluated
    instance = DagsterInstance.get()
    runs = instance.get_runs()
    assert len(runs) == 1 and runs[0].is_success
    from dagster import AssetKey

    mat = instance.get_latest_materialization_event(AssetKey("pr_sample"))
    assert mat.dagster_event.partition == "acme__textkit-2"


def test_dagster_cli_rejection_fails_with_the_reason(demo_settings, dagster_home):
    env = env_for(demo_settings, dagster_home)
    subprocess.run([sys.executable, "-m", "samplegen_dagster.cli", "discover"], env=env, check=True, capture_output=True)
    proc = subprocess.run(
        ["dagster", "asset", "materialize", "-m", "samplegen_dagster", "--select", "group:samples", "--partition", "acme__textkit-3"],
        env=env, capture_output=True, text=True, cwd=dagster_home,
    )
    assert proc.returncode != 0
    assert "acme__textkit-3 rejected at patches: no_test_changes: the PR changes 1 file(s) and none of them is a test" in proc.stderr
    record = json.loads((demo_settings.samples_dir / "_rejected" / "acme__textkit-3.json").read_text())
    assert record["code"] == "no_test_changes"
    assert not (demo_settings.samples_dir / "acme__textkit-3").exists()


def test_sensor_registers_new_prs_once(demo_settings, monkeypatch):
    for k, v in env_for(demo_settings, Path("/unused")).items():
        if k.startswith("SAMPLEGEN_"):
            monkeypatch.setenv(k, v)
    instance = DagsterInstance.ephemeral()
    result = pull_request_sensor(build_sensor_context(instance=instance))
    assert isinstance(result, SensorResult)
    assert [r.partition_key for r in result.run_requests] == ALL_KEYS
    assert result.dynamic_partitions_requests[0].partition_keys == ALL_KEYS
    instance.add_dynamic_partitions("pull_requests", ALL_KEYS)
    again = pull_request_sensor(build_sensor_context(instance=instance))
    assert isinstance(again, SkipReason) and "no new PRs" in again.skip_message


def test_sensor_skips_with_the_repos_file_error(tmp_path, monkeypatch):
    bad = tmp_path / "repos.yaml"
    bad.write_text("repositories: 3\n")
    monkeypatch.setenv("SAMPLEGEN_REPOS_FILE", str(bad))
    result = pull_request_sensor(build_sensor_context(instance=DagsterInstance.ephemeral()))
    assert isinstance(result, SkipReason) and "'repositories' must be a list" in result.skip_message


def test_unreachable_repository_does_not_stop_the_others(demo_settings, demo_repo, tmp_path):
    from samplegen_dagster.settings import Settings
    from samplegen_dagster.sources.discovery import discover

    f = tmp_path / "two.yaml"
    f.write_text(repos_yaml(demo_repo) + f"  - repo: acme/missing\n    url: {tmp_path / 'nope.git'}\n")
    result = discover(Settings.from_env(repos_file=str(f), cache_dir=str(demo_settings.cache_dir)))
    assert result.keys == ALL_KEYS
    assert list(result.errors) == ["acme/missing"] and "git clone failed" in result.errors["acme/missing"]
