"""Docker sandbox pieces that need no engine: the env Dockerfile, names, labels, limits."""

from __future__ import annotations

from samplegen_dagster.environment.render import render_dockerfile
from samplegen_dagster.sandbox import engine as eng
from samplegen_dagster.sandbox.base import EnvSpec
from samplegen_dagster.sandbox.docker import dependency_dockerfile

SPEC = EnvSpec(
    python_version="3.11",
    install_method="pyproject",
    project_name="calc",
    project_installable=True,
    packages=["pytest", "six>=1.16"],
    build_requires=["setuptools>=61"],
    fingerprint="0123456789abcdef",
)


def test_env_dockerfile_is_the_sample_dockerfiles_dependency_layer():
    text = dependency_dockerfile(SPEC, "python:3.11-slim")
    sample = render_dockerfile(SPEC, instance_id="o__r-1", repo_url="https://x/r", base_commit="abc", base_image="python:3.11-slim")
    assert text.startswith("ARG BASE_IMAGE=python:3.11-slim\nFROM ${BASE_IMAGE}\n")
    instructions = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    # every instruction of the env layer appears, in order, in the sample's Dockerfile
    sample_lines = sample.splitlines()
    positions = [sample_lines.index(ln) for ln in instructions]
    assert positions == sorted(positions)
    assert "RUN pip install 'setuptools>=61' 'pip>=23' wheel pytest 'six>=1.16'" in text
    assert "COPY . /sample" not in text and "git clone" not in text
    # nothing PR-specific: another PR with the same spec gets the same layer
    assert "o__r-1" not in text and text == dependency_dockerfile(SPEC, "python:3.11-slim")


def test_ca_bundle_for_pip_and_requests():
    text = dependency_dockerfile(SPEC, "python:3.11-slim", "samplegen-ca.crt")
    lines = text.splitlines()
    # the sample Dockerfile copies samplegen-ca.crt from the build context; the env build
    # points PIP_CERT / REQUESTS_CA_BUNDLE at the copy before anything is installed
    ca_path = "/etc/samplegen/samplegen-ca.crt"
    env_at = lines.index(f"ENV PIP_CERT={ca_path} REQUESTS_CA_BUNDLE={ca_path}")
    assert any(ln.startswith("COPY ") and "samplegen-ca.crt" in ln for ln in lines[:env_at])
    assert env_at < next(i for i, ln in enumerate(lines) if ln.startswith("RUN pip install"))
    assert "PIP_CERT" not in dependency_dockerfile(SPEC, "python:3.11-slim")


def test_names_and_labels():
    assert eng.env_image_tag("0123456789abcdef") == "samplegen-env:0123456789abcdef"
    assert eng.env_image_tag("weird/fp:1") == "samplegen-env:weird-fp-1"
    name = eng.container_name("run", "owner__repo-12")
    assert name.startswith("samplegen-run-owner__repo-12-")
    assert eng.labels_for("run", "owner__repo-12", **{eng.LABEL_FINGERPRINT: "f"}) == {
        "samplegen.managed": "1",
        "samplegen.role": "run",
        "samplegen.instance_id": "owner__repo-12",
        "samplegen.fingerprint": "f",
    }


def test_run_limits_create_kwargs():
    kw = eng.RunLimits().create_kwargs()
    assert kw["network_mode"] == "none"  # podman ignores NetworkDisabled; "none" works on both engines
    assert kw["mem_limit"] == kw["memswap_limit"] == "2g"
    assert kw["pids_limit"] == 1024 and kw["nano_cpus"] == 1_000_000_000
    assert kw["cap_drop"] == ["ALL"] and "no-new-privileges" in kw["security_opt"]
    assert "network_mode" not in eng.RunLimits(network=True).create_kwargs()
