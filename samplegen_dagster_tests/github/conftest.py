"""Fixtures: a started FakeGitHub, the fixture repositories, and a source pointed at them."""

from __future__ import annotations

from pathlib import Path

import pytest

from samplegen_dagster.sources.github import GitHubConfig, GitHubSource
from samplegen_dagster_tests.github.fake_github import FakeGitHub
from samplegen_dagster_tests.github.fixture_repo import Fixture, build_fixture


@pytest.fixture
def fake():
    with FakeGitHub(tokens=("test-token",)) as server:
        yield server


@pytest.fixture
def fixture(tmp_path: Path, fake: FakeGitHub) -> Fixture:
    return build_fixture(tmp_path / "repos", fake)


def make_config(fake: FakeGitHub, tmp_path: Path, **overrides) -> GitHubConfig:
    values = dict(
        api_url=fake.url, token="test-token", cache_dir=tmp_path / "cache", per_page=2, retries=2,
        backoff_factor=0.01, secondary_rate_wait_s=0.1, max_rate_limit_wait_s=5, seconds_between_requests=0,
        timeout_s=10,
    )
    values.update(overrides)
    return GitHubConfig.model_validate(values)


@pytest.fixture
def log_lines() -> list[str]:
    return []


@pytest.fixture
def source(fake: FakeGitHub, tmp_path: Path, log_lines: list[str]) -> GitHubSource:
    return GitHubSource(make_config(fake, tmp_path), log=log_lines.append)
