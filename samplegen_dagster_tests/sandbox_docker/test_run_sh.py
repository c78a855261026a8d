"""A sample's own Dockerfile and run.sh, run as a person would: `./run.sh` in the sample directory.

The container's JUnit reports must give the same FAIL_TO_PASS / PASS_TO_PASS as the
pipeline recorded in metadata.json.
"""

import json
import os
import shutil
import subprocess

import pytest
from dagster import DagsterInstance

from samplegen_dagster.demo.textkit import repos_yaml
from samplegen_dagster.runner import register, run_partition
from samplegen_dagster.settings import Settings
from samplegen_dagster.validation.junit import parse_junit
from samplegen_dagster.validation.verdict import decide

pytestmark = pytest.mark.docker


def test_run_sh_reproduces_the_validation(docker_client, base_image, ca_bundle, demo_repo, shared_cache, tmp_path):
    (tmp_path / "repos.yaml").write_text(repos_yaml(demo_repo))
    settings = Settings.from_env(
        repos_file=str(tmp_path / "repos.yaml"), cache_dir=str(shared_cache), samples_dir=str(tmp_path / "samples"), sandbox="local"
    )
    instance = DagsterInstance.ephemeral()
    key = "acme__textkit-1"
    register(instance, [key])
    out = run_partition(instance, key, settings)
    assert out.success, out.rejection or out.error
    meta = json.loads((out.sample_dir / "metadata.json").read_text())

    cli = "podman" if shutil.which("podman") else "docker"
    env = {**os.environ, "DOCKER": cli, "BASE_IMAGE": base_image}
    if ca_bundle:
        env["CA_BUNDLE"] = str(ca_bundle)
    try:
        proc = subprocess.run(["./run.sh"], cwd=out.sample_dir, env=env, capture_output=True, text=True, timeout=900)
    finally:
        subprocess.run([cli, "rmi", "-f", f"samplegen-sample:{key}"], capture_output=True)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    results = out.sample_dir / "out"
    reports = [parse_junit((results / f"{s}.junit.xml").read_text()) for s in ("pre_tests", "pre_patch", "post_patch")]
    verdict = decide(*reports)
    assert verdict.accepted
    assert verdict.fail_to_pass == meta["FAIL_TO_PASS"]
    assert verdict.pass_to_pass == meta["PASS_TO_PASS"]
    assert "== coverage ==" not in proc.stdout  # run.sh prints coverage as coverage's own report
    assert "textkit/sizes.py" in (results / "post_patch.log").read_text()
