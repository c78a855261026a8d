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


@pytest.fixture(scope="session")
def demo_pipeline(tmp_path_factory, demo_repo, shared_cache):
    """All six demo PRs through the real Dagster chain, once per session: (settings, instance, outcomes).

    Tests that only read its samples share it; a test that reruns a PR uses its own instance,
    so the run history the others assert on stays that of this one pass.
    """
    from dagster import DagsterInstance

    from samplegen_dagster.runner import register, run_partition

    root = tmp_path_factory.mktemp("demo_pipeline")
    (root / "repos.yaml").write_text(repos_yaml(demo_repo))
    settings = Settings.from_env(
        repos_file=str(root / "repos.yaml"), cache_dir=str(shared_cache), samples_dir=str(root / "samples"), sandbox="local"
    )
    instance = DagsterInstance.ephemeral()
    keys = [f"acme__textkit-{n}" for n in range(1, 7)]
    register(instance, keys)
    return settings, instance, {key: run_partition(instance, key, settings) for key in keys}


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


def init_repo(path: Path):
    """A new git repository at ``path`` (branch main, a local identity); returns ``sh(*argv) -> stdout``."""
    import subprocess

    path.mkdir(parents=True, exist_ok=True)

    def sh(*args: str) -> str:
        return subprocess.run(args, cwd=path, check=True, capture_output=True, text=True).stdout.strip()

    sh("git", "init", "-q", "-b", "main")
    sh("git", "config", "user.email", "t@t")
    sh("git", "config", "user.name", "t")
    return sh
