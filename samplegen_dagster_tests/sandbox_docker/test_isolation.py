"""Isolation of the docker sandbox: no network, no host secrets, not root, a wall-clock
limit that kills the container and rejects the PR, and no container left behind."""

from __future__ import annotations

import time

import pytest

from samplegen_dagster.analysis.analyze import Analysis
from samplegen_dagster.environment.build import Environment
from samplegen_dagster.environment.detect import detect_env
from samplegen_dagster.patches.split import pr_diff, split_diff
from samplegen_dagster.rejections import Rejected
from samplegen_dagster.sandbox import engine as eng
from samplegen_dagster.sandbox.base import CyclePlan, StateSpec
from samplegen_dagster.sandbox.docker import DockerSandbox
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.base import PullRequest
from samplegen_dagster.validation.commands import PINNED_ENV
from samplegen_dagster.validation.junit import Outcome, parse_junit
from samplegen_dagster.validation.plan import build_plan
from samplegen_dagster.validation.run import validate

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def sandbox(docker_client, base_image, ca_bundle, tmp_path_factory):
    return DockerSandbox(
        tmp_path_factory.mktemp("docker-cache"), base_image=base_image, ca_bundle=ca_bundle, client=docker_client
    )


@pytest.fixture(scope="module")
def env(sandbox, fixture_repo, tmp_path_factory):
    """The fixture repo's env image (shared with the other docker tests: same fingerprint)."""
    checkout = fixture_repo.checkout(tmp_path_factory.mktemp("iso-prepare") / "repo")
    spec = detect_env(checkout)
    return spec, sandbox.prepare(spec, checkout)


def _one_state(targets: list[str], timeout_s: int = 120) -> CyclePlan:
    return CyclePlan(
        instance_id="calc-isolation",
        patches={},
        states=[StateSpec(name="pre_tests", targets=targets)],
        timeout_s=timeout_s,
        env=dict(PINNED_ENV),
    )


def test_network_fails_and_no_secrets_inside(sandbox, env, fixture_repo, tmp_path, monkeypatch, no_leftovers):
    monkeypatch.setenv("GITHUB_TOKEN", "s3cret-value")
    monkeypatch.setenv("SAMPLEGEN_SECRET_PROBE", "s3cret-value")
    spec, prepared = env
    checkout = fixture_repo.checkout(tmp_path / "repo")
    [run] = sandbox.run_cycle(prepared, spec, checkout, _one_state(["hostile/test_net.py", "hostile/test_env.py"]))
    report = parse_junit(run.junit_xml)
    outcomes = {n: r.outcome for n, r in report.tests.items()}
    print(run.console[-3000:])
    assert outcomes == {
        "hostile/test_net.py::test_reaches_the_network": Outcome.failed,
        "hostile/test_net.py::test_reaches_an_ip": Outcome.failed,
        "hostile/test_env.py::test_no_host_secrets": Outcome.passed,
        "hostile/test_env.py::test_not_root": Outcome.passed,
        "hostile/test_env.py::test_env_is_read_only": Outcome.passed,
    }
    assert "Network is unreachable" in run.console or "name resolution" in run.console


def test_timeout_kills_container_and_rejects(sandbox, env, fixture_repo, tmp_path, docker_client, no_leftovers):
    """Through the real validation entry point: the slow PR is rejected with code ``timeout``."""
    spec, prepared = env
    settings = Settings.from_env(cache_dir=tmp_path / "cache", samples_dir=tmp_path / "samples")
    repo = fixture_repo
    split = split_diff(pr_diff(repo.path, repo.base, repo.heads["slow"]))
    pr = PullRequest(
        repo="fixture/calc",
        number=3,
        title="slow",
        base_commit=repo.base,
        merge_commit=repo.heads["slow"],
        clone_url=str(repo.path),
        source="git-history",
    )
    analysis = Analysis(
        instance_id="fixture__calc-3",
        pr=pr,
        mirror=str(repo.path),
        language="python",
        test_framework="pytest",
        install_method=spec.install_method,
        files_at_base=0,
    )
    checkout = fixture_repo.checkout(tmp_path / "plan")
    plan = build_plan(analysis.instance_id, split, checkout, [], 5)
    environment = Environment(spec=spec, prepared=prepared, plan=plan, dockerfile="", run_sh="")
    started = time.monotonic()
    with pytest.raises(Rejected) as info:
        validate(settings, sandbox, analysis, environment)
    elapsed = time.monotonic() - started
    print(f"rejected after {elapsed:.1f}s: {info.value}")
    assert info.value.rejection.code == "timeout"
    assert elapsed < 60
    assert not eng.list_managed_containers(docker_client, analysis.instance_id)


def test_timeout_state_run(sandbox, env, fixture_repo, tmp_path, no_leftovers):
    spec, prepared = env
    checkout = fixture_repo.checkout(tmp_path / "repo")
    plan = _one_state(["hostile/test_slow.py"], timeout_s=4)
    plan.states.append(StateSpec(name="pre_patch", targets=["tests/test_calc.py"]))
    started = time.monotonic()
    runs = sandbox.run_cycle(prepared, spec, checkout, plan)
    assert time.monotonic() - started < 60
    assert len(runs) == 1, "the cycle stops at the timed-out state"
    assert runs[0].timed_out and runs[0].exit_code is None
    assert "[killed" in runs[0].console


def test_failure_inside_the_cycle_removes_the_container(sandbox, env, fixture_repo, tmp_path, monkeypatch, docker_client, no_leftovers):
    spec, prepared = env
    checkout = fixture_repo.checkout(tmp_path / "repo")
    seen = []

    def boom(box, plan, state):
        seen.append(box.name)
        raise RuntimeError("simulated crash in the middle of a state")

    monkeypatch.setattr(sandbox, "_state", boom)
    with pytest.raises(RuntimeError, match="simulated crash"):
        sandbox.run_cycle(prepared, spec, checkout, _one_state(["tests/test_calc.py"]))
    assert seen
    assert not [c for c in eng.list_managed_containers(docker_client) if c.name in seen]


def test_run_container_limits(docker_client, base_image, no_leftovers):
    limits = eng.RunLimits(memory="512m", pids=128, cpus=0.5)
    with eng.managed_container(docker_client, base_image, role="probe", instance_id="calc-limits", limits=limits,
                               command=["sleep", "120"]) as box:
        box.reload()
        host = box.attrs["HostConfig"]
        assert host["Memory"] == 512 * 1024 * 1024
        assert host["PidsLimit"] == 128
        assert host["NanoCpus"] == 500_000_000
        assert box.labels[eng.LABEL_INSTANCE] == "calc-limits" and box.labels[eng.LABEL_ROLE] == "probe"
        res = eng.exec_timed(docker_client, box, ["id", "-u"], timeout_s=30, user=limits.user)
        assert res.output.strip() == "65534"
        res = eng.exec_timed(docker_client, box, ["cat", "/proc/net/dev"], timeout_s=30)
        ifaces = [ln.split(":")[0].strip() for ln in res.output.splitlines()[2:]]
        assert ifaces == ["lo"], res.output


def test_resolve_sandbox_kind(docker_client, monkeypatch):
    assert eng.resolve_sandbox_kind("auto") == "docker"
    assert eng.resolve_sandbox_kind("local") == "local"
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    assert eng.resolve_sandbox_kind("auto") == "local"
    assert eng.resolve_sandbox_kind("docker") == "docker"
    with pytest.raises(ValueError):
        eng.resolve_sandbox_kind("vm")


def test_prune_env_images(docker_client, base_image, tmp_path):
    import uuid

    fp = "prunetest" + uuid.uuid4().hex[:8]
    (tmp_path / "Dockerfile").write_text(f"FROM {base_image}\nRUN echo {fp} > /fp\n")
    labels = eng.labels_for("env", None, **{eng.LABEL_FINGERPRINT: fp})
    docker_client.images.build(path=str(tmp_path), tag=eng.env_image_tag(fp), labels=labels, rm=True)
    dry = eng.prune_env_images(docker_client, dry_run=True)
    assert any(fp in name for name in dry.removed)
    assert eng.image_exists(docker_client, eng.env_image_tag(fp)), "dry run removed something"
    kept = eng.prune_env_images(docker_client, keep=1, fingerprints={fp})
    assert not kept.removed and eng.image_exists(docker_client, eng.env_image_tag(fp))
    res = eng.prune_env_images(docker_client, fingerprints={fp})
    assert len(res.removed) == 1 and fp in res.removed[0]
    assert not eng.image_exists(docker_client, eng.env_image_tag(fp))
