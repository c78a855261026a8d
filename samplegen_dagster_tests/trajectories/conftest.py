"""The accepted demo PRs (1, 2, 5) through the real pipeline once per session; tests read the samples."""

from __future__ import annotations

import json

import pytest
from dagster import DagsterInstance

from samplegen_dagster.demo.textkit import ACCEPTED, repos_yaml
from samplegen_dagster.runner import register, run_partition
from samplegen_dagster.settings import Settings


@pytest.fixture(scope="session")
def enriched_run(tmp_path_factory, demo_repo, shared_cache):
    root = tmp_path_factory.mktemp("enriched")
    (root / "repos.yaml").write_text(repos_yaml(demo_repo))
    settings = Settings.from_env(
        repos_file=str(root / "repos.yaml"), cache_dir=str(shared_cache), samples_dir=str(root / "samples"), sandbox="local"
    )
    instance = DagsterInstance.ephemeral()
    keys = [f"acme__textkit-{n}" for n in ACCEPTED]
    register(instance, keys)
    outcomes = {key: run_partition(instance, key, settings) for key in keys}
    return settings, instance, outcomes


@pytest.fixture(scope="session")
def samples(enriched_run):
    """number -> (sample dir, metadata dict, ideal dict, failed dict)."""
    settings, _, outcomes = enriched_run
    out = {}
    for n in ACCEPTED:
        key = f"acme__textkit-{n}"
        assert outcomes[key].success, outcomes[key].rejection or outcomes[key].error
        d = settings.samples_dir / key
        out[n] = (
            d,
            json.loads((d / "metadata.json").read_text()),
            json.loads((d / "ideal_trajectory.json").read_text()),
            json.loads((d / "failed_trajectory.json").read_text()),
        )
    return out
