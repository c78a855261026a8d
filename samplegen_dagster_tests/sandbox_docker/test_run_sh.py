"""A sample's own Dockerfile and run.sh, run as a person would: `./run.sh` in the sample directory.

The container's JUnit reports must give the same FAIL_TO_PASS / PASS_TO_PASS as the
pipeline recorded in metadata.json.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from samplegen_dagster.validation.junit import parse_junit
from samplegen_dagster.validation.verdict import decide

pytestmark = pytest.mark.docker


def test_run_sh_reproduces_the_validation(docker_client, base_image, ca_bundle, demo_pipeline, tmp_path):
    _, _, outcomes = demo_pipeline
    key = "acme__textkit-1"
    out = outcomes[key]
    assert out.success, out.rejection or out.error
    # run.sh writes out/ next to itself: work on a copy, the shared sample stays as written
    sample = Path(shutil.copytree(out.sample_dir, tmp_path / key))
    meta = json.loads((sample / "metadata.json").read_text())

    cli = "podman" if shutil.which("podman") else "docker"
    env = {**os.environ, "DOCKER": cli, "BASE_IMAGE": base_image}
    if ca_bundle:
        env["CA_BUNDLE"] = str(ca_bundle)
    try:
        proc = subprocess.run(["./run.sh"], cwd=sample, env=env, capture_output=True, text=True, timeout=900)
    finally:
        subprocess.run([cli, "rmi", "-f", f"samplegen-sample:{key}"], capture_output=True)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    results = sample / "out"
    reports = [parse_junit((results / f"{s}.junit.xml").read_text()) for s in ("pre_tests", "pre_patch", "post_patch")]
    verdict = decide(*reports)
    assert verdict.accepted
    assert verdict.fail_to_pass == meta["FAIL_TO_PASS"]
    assert verdict.pass_to_pass == meta["PASS_TO_PASS"]
    assert "== coverage ==" not in proc.stdout  # run.sh prints coverage as coverage's own report
    assert "textkit/sizes.py" in (results / "post_patch.log").read_text()
