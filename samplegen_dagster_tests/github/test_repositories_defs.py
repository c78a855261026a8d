"""The Dagster shell: pr_candidates materialized for real against FakeGitHub, and the sensor."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance, Definitions, build_sensor_context, materialize

from samplegen_dagster.defs.repositories.assets import pr_candidates
from samplegen_dagster.defs.repositories.definitions import defs as repositories_defs
from samplegen_dagster.defs.repositories.resources import GitHubResource
from samplegen_dagster.defs.repositories.sensors import plan, repositories_sensor
from samplegen_dagster.defs.samples.resources import SamplegenSettings


def _repos_file(tmp_path: Path, *repos: str) -> Path:
    path = tmp_path / "repos.yaml"
    path.write_text(yaml.safe_dump({"repositories": [
        {"repo": r, "url": f"https://github.com/{r}.git", "source": "github"} for r in repos
    ]}))
    return path


def _resources(fake, tmp_path: Path, repos_file: Path, token: str = "test-token") -> dict:
    return {
        "samplegen": SamplegenSettings(repos_file=str(repos_file), cache_dir=str(tmp_path / "cache"),
                                       samples_dir=str(tmp_path / "samples")),
        "github": GitHubResource(token=token, api_url=fake.url, per_page=5, retries=1, backoff_factor=0.01,
                                 max_rate_limit_wait_s=2, seconds_between_requests=0),
    }


def _run(key: str, instance: DagsterInstance, resources: dict, **config):
    instance.add_dynamic_partitions("repositories", [key])
    return materialize(
        [pr_candidates], partition_key=key, instance=instance, resources=resources, raise_on_error=False,
        run_config={"ops": {"pr_candidates": {"config": {"linked_issue": "required", "max_accepted_per_repo": 2, **config}}}},
    )


def test_pr_candidates_registers_accepted_prs_and_shows_the_funnel(fake, fixture, tmp_path):
    instance = DagsterInstance.ephemeral()
    result = _run("acme__calc", instance, _resources(fake, tmp_path, _repos_file(tmp_path, "acme/calc")))
    assert result.success
    assert instance.get_dynamic_partitions("pull_requests") == ["acme__calc-1", "acme__calc-2"]
    md = result.asset_materializations_for_node("pr_candidates")[0].metadata
    assert md["examined"].value == 13 and md["accepted"].value == 2 and md["new_partitions"].value == 2
    assert md["rejected/not_merged"].value == 2 and md["rejected/fetch_failed"].value == 1
    assert "| `too_many_source_lines` | 1 |" in md["funnel"].value
    rows = {r.data["pr"]: r.data["decision"] for r in md["candidates"].value.records}
    assert rows == {n: e for n, e in fixture.expected.items()}
    assert Path(md["report"].value).is_file()

    # a rerun registers nothing new and answers from the ETag cache
    fake.requests.clear()
    again = _run("acme__calc", instance, _resources(fake, tmp_path, _repos_file(tmp_path, "acme/calc")))
    assert again.asset_materializations_for_node("pr_candidates")[0].metadata["new_partitions"].value == 0
    assert [r for r in fake.counted() if "/pulls/12/files" not in r[1]] == []  # only the broken PR is re-asked


def test_missing_repository_materializes_with_the_error(fake, fixture, tmp_path):
    instance = DagsterInstance.ephemeral()
    result = _run("acme__gone", instance, _resources(fake, tmp_path, _repos_file(tmp_path, "acme/gone")))
    assert result.success
    md = result.asset_materializations_for_node("pr_candidates")[0].metadata
    assert md["examined"].value == 0 and md["error"].value.startswith("repository acme/gone not found on ")
    assert instance.get_dynamic_partitions("pull_requests") == []


@pytest.mark.parametrize("token, expected", [
    ("bad", "rejected the token in GITHUB_TOKEN (401 Bad credentials)"),
    ("", "GITHUB_TOKEN is not set: "),
])
def test_token_problems_fail_the_run_with_one_line(fake, fixture, tmp_path, token, expected):
    instance = DagsterInstance.ephemeral()
    result = _run("acme__calc", instance, _resources(fake, tmp_path, _repos_file(tmp_path, "acme/calc"), token=token))
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    description = failure.step_failure_data.user_failure_data.description
    assert expected in description and "\n" not in description
    assert "bad" not in description.replace("Bad credentials", "")


def test_sensor_adds_repository_partitions_and_requests_daily_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMPLEGEN_REPOS_FILE", str(_repos_file(tmp_path, "acme/calc", "acme/webui")))
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("repositories", ["acme__calc"])
    result = repositories_sensor(build_sensor_context(instance=instance))
    assert [r.partition_key for r in result.run_requests] == ["acme__calc", "acme__webui"]
    assert all(r.run_key.startswith(r.partition_key + "@") for r in result.run_requests)
    assert [list(req.partition_keys) for req in result.dynamic_partitions_requests] == [["acme__webui"]]


def test_sensor_skips_with_the_repos_file_problem(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMPLEGEN_REPOS_FILE", str(tmp_path / "missing.yaml"))
    result = repositories_sensor(build_sensor_context(instance=DagsterInstance.ephemeral()))
    assert "does not exist" in result.skip_message


def test_plan_is_stable_within_a_day():
    new, runs = plan(["a__b", "c__d", "a__b"], {"c__d"}, "2026-01-02")
    assert new == ["a__b"] and [r.run_key for r in runs] == ["a__b@2026-01-02", "c__d@2026-01-02"]


def test_definitions_load_and_merge():
    from samplegen_dagster.defs.samples.definitions import defs as samples_defs

    merged = Definitions.merge(samples_defs, repositories_defs)
    repo = merged.get_repository_def()
    assert repo.has_job("candidates_job")
    assert "repositories_sensor" in {s.name for s in repo.sensor_defs}
