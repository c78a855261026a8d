"""Step-by-step sessions (the trajectories' executor) in the docker sandbox behave like the
local sandbox's, so trajectories need not fall back to running on the host."""

from __future__ import annotations

import pytest

from samplegen_dagster.environment.detect import detect_env
from samplegen_dagster.patches.split import pr_diff, split_diff
from samplegen_dagster.sandbox import engine as eng
from samplegen_dagster.sandbox.base import supports_sessions
from samplegen_dagster.sandbox.docker import DockerSandbox
from samplegen_dagster.sandbox.local import LocalSandbox
from samplegen_dagster.validation.junit import parse_junit
from samplegen_dagster.validation.plan import build_plan

pytestmark = pytest.mark.docker


def _script(session, split):
    """The same steps on either sandbox; returns what each step observed."""
    seen = {}
    seen["list_root"] = session.list("")
    seen["list_tests"] = session.list("tests")
    with pytest.raises(FileNotFoundError):
        session.list("nope")
    with pytest.raises(FileNotFoundError):
        session.read("nope.py")
    with pytest.raises(IsADirectoryError):
        session.read("tests")
    seen["read"] = session.read("calc/__init__.py")
    seen["apply_bad"] = session.apply_patch("diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n") is not None
    assert session.apply_patch(split.tests_patch) is None
    run = session.run_tests(["tests/test_calc.py"], "reproduce")
    seen["reproduce"] = {n: r.outcome.value for n, r in parse_junit(run.junit_xml).tests.items()}
    seen["argv"] = run.argv[1:]
    session.checkpoint()
    session.write("calc/__init__.py", seen["read"].replace(b"return a - b  # bug 1", b"return a + b"))
    session.write("notes/new.txt", b"scratch\n")
    seen["diff"] = session.diff()
    run = session.run_tests(["tests/test_calc.py"], "verify")
    seen["verify"] = {n: r.outcome.value for n, r in parse_junit(run.junit_xml).tests.items()}
    session.reset()
    seen["after_reset"] = session.read("calc/__init__.py") == seen["read"]
    seen["list_after_reset"] = session.list("")
    return seen


def test_docker_session_matches_local(docker_client, base_image, ca_bundle, fixture_repo, tmp_path, no_leftovers):
    docker = DockerSandbox(tmp_path / "docker-cache", base_image=base_image, ca_bundle=ca_bundle, client=docker_client)
    local = LocalSandbox(tmp_path / "local-cache")
    assert supports_sessions(docker)
    split = split_diff(pr_diff(fixture_repo.path, fixture_repo.base, fixture_repo.heads["pr1"]))
    results = {}
    for name, sandbox in (("docker", docker), ("local", local)):
        checkout = fixture_repo.checkout(tmp_path / f"{name}-repo")
        spec = detect_env(checkout)
        prepared = sandbox.prepare(spec, checkout)
        plan = build_plan("calc-pr1", split, checkout, [], 60)
        with sandbox.session(prepared, spec, checkout, plan) as session:
            assert session.executed_in == name
            results[name] = _script(session, split)
    d, lo = results["docker"], results["local"]
    # build/ and *.egg-info/ are by-products of the editable install; whether they appear
    # depends on the setuptools version each environment got (the base image's vs the host's)
    for res in (d, lo):
        for key in ("list_root", "list_after_reset"):
            res[key] = [e for e in res[key] if e != "build/" and not e.endswith(".egg-info/")]
    print(d["diff"])
    assert d["reproduce"]["tests/test_calc.py::test_add"] == "failed"
    assert d["verify"]["tests/test_calc.py::test_add"] == "passed"
    for key in ("list_root", "list_tests", "read", "apply_bad", "reproduce", "argv", "verify", "after_reset", "list_after_reset"):
        assert d[key] == lo[key], key
    # the same change, as git shows it (blob hashes aside)
    strip = lambda text: [ln for ln in text.splitlines() if not ln.startswith("index ")]  # noqa: E731
    assert strip(d["diff"]) == strip(lo["diff"])
    assert not eng.list_managed_containers(docker_client, "calc-pr1")


def test_session_timeout_keeps_the_session(docker_client, base_image, ca_bundle, fixture_repo, tmp_path, no_leftovers):
    import time

    from samplegen_dagster.sandbox.base import CyclePlan

    docker = DockerSandbox(tmp_path / "docker-cache", base_image=base_image, ca_bundle=ca_bundle, client=docker_client)
    checkout = fixture_repo.checkout(tmp_path / "repo")
    spec = detect_env(checkout)
    prepared = docker.prepare(spec, checkout)
    plan = CyclePlan(instance_id="calc-session-timeout", patches={}, states=[], timeout_s=4)
    with docker.session(prepared, spec, checkout, plan) as session:
        started = time.monotonic()
        run = session.run_tests(["hostile/test_slow.py"], "slow")
        assert run.timed_out and run.exit_code is None and time.monotonic() - started < 40
        net = session.run_tests(["hostile/test_net.py"], "network")
        assert {r.outcome.value for r in parse_junit(net.junit_xml).tests.values()} == {"failed"}
        assert "tests/" in session.list("")
