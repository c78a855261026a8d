"""Shared fixtures: the demo repository (real git history) and isolated settings.

The repository and the environment cache are session-scoped: building the virtualenv
once and letting every test reuse it is exactly the behaviour under test (one env per
dependency fingerprint), and it keeps the suite fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from samplegen_dagster.demo.textkit import build, repos_yaml
from samplegen_dagster.settings import Settings


@pytest.fixture(scope="session")
def demo_repo(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("origin") / "textkit.git", bare=True)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def demo_settings(tmp_path, demo_repo, shared_cache) -> Settings:
    repos = tmp_path / "repos.yaml"
    repos.write_text(repos_yaml(demo_repo))
    return Settings.from_env(
        repos_file=str(repos), cache_dir=str(shared_cache), samples_dir=str(tmp_path / "samples"), sandbox="local"
    )


@pytest.fixture
def dagster_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def git_rev(repo: Path, rev: str) -> str:
    import subprocess

    return subprocess.run(["git", "rev-parse", rev], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
