"""The whole sample pipeline (Dagster assets) on the demo repository with SAMPLEGEN_SANDBOX=docker.

The expected FAIL_TO_PASS / PASS_TO_PASS lists and rejection reasons are the ones the local
sandbox produces (``samples/test_pipeline.py``): the docker path must give the same samples.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from dagster import DagsterInstance

from samplegen_dagster.assembly.metadata import SampleMetadata
from samplegen_dagster.demo.textkit import repos_yaml
from samplegen_dagster.environment.detect import detect_env
from samplegen_dagster.runner import register, run_partition
from samplegen_dagster.sandbox import engine as eng
from samplegen_dagster.settings import Settings
from samplegen_dagster_tests.samples.test_pipeline import EXPECTED, REJECTIONS

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def docker_pipeline(tmp_path_factory, demo_repo, docker_client, base_image):
    root = tmp_path_factory.mktemp("docker-pipeline")
    (root / "repos.yaml").write_text(repos_yaml(demo_repo))
    settings = Settings.from_env(
        repos_file=str(root / "repos.yaml"),
        cache_dir=str(root / "cache"),
        samples_dir=str(root / "samples"),
        sandbox="docker",
        base_image=base_image,
    )
    # start cold: the first accepted PR must build the env image (leftovers of earlier runs go)
    probe = root / "probe"
    subprocess.run(["git", "clone", "-q", str(demo_repo), str(probe)], check=True)
    subprocess.run(["git", "checkout", "-q", "main~5^1"], cwd=probe, check=True)
    eng.prune_env_images(docker_client, fingerprints={detect_env(probe).fingerprint})
    instance = DagsterInstance.ephemeral()
    keys = [f"acme__textkit-{n}" for n in range(1, 7)]
    register(instance, keys)
    outcomes = {key: run_partition(instance, key, settings) for key in keys}
    yield settings, outcomes
    # the demo's env image is tiny; leave no trace of this module's fingerprint in the engine
    fps = set()
    for n in EXPECTED:
        meta = root / "samples" / f"acme__textkit-{n}" / "metadata.json"
        if meta.is_file():
            fps.add(json.loads(meta.read_text())["environment"]["fingerprint"])
    eng.prune_env_images(docker_client, fingerprints=fps)


def test_docker_pipeline_matches_local(docker_pipeline, docker_client):
    settings, outcomes = docker_pipeline
    for number, (f2p, p2p) in EXPECTED.items():
        key = f"acme__textkit-{number}"
        out = outcomes[key]
        assert out.success, (key, out.rejection or out.error)
        meta = SampleMetadata.model_validate_json((settings.samples_dir / key / "metadata.json").read_text())
        assert meta.validation.sandbox == "docker"
        assert (meta.FAIL_TO_PASS, meta.PASS_TO_PASS) == (f2p, p2p), key
    for number, (phase, code, message) in REJECTIONS.items():
        out = outcomes[f"acme__textkit-{number}"]
        assert not out.success
        assert (out.rejection["phase"], out.rejection["code"], out.rejection["message"]) == (phase, code, message)
    metas = [json.loads((settings.samples_dir / f"acme__textkit-{n}" / "metadata.json").read_text()) for n in (1, 2, 5)]
    assert len({m["environment"]["fingerprint"] for m in metas}) == 1
    assert [m["validation"]["environment_reused"] for m in metas] == [False, True, True]
    sample = settings.samples_dir / "acme__textkit-1"
    pre, post = (sample / "PASS_pre_tests.log").read_text(), (sample / "PASS_post_patch.log").read_text()
    assert "--no-index" in pre and "Successfully installed textkit" in pre  # the offline project install
    assert "== coverage ==" in post and "PASSED   tests/test_sizes.py::test_units[3000-3.0 kB]" in post
    for text in (pre, post):
        assert str(settings.cache_dir) not in text
    # the trajectories ran step by step in docker sessions, not in the local fallback
    for name in ("ideal_trajectory.json", "failed_trajectory.json"):
        if (sample / name).is_file():
            text = (sample / name).read_text()
            assert '"executed_in": "docker"' in text and '"executed_in": "local"' not in text, name
    for n in range(1, 7):
        assert not eng.list_managed_containers(docker_client, f"acme__textkit-{n}")
