"""Fixtures for the docker sandbox tests: an engine (never started here), a fixture repo.

Connecting: ``DOCKER_HOST`` as the docker SDK reads it; when it is unset and
``.samplegen/engine.env`` (written by ``scripts/setup-container-engine.sh``) exists, that
file's variables are used. No engine -> the tests skip with a loud reason, or FAIL when
``SAMPLEGEN_REQUIRE_DOCKER=1`` (CI sets it, so a broken engine can't pass as "skipped").
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from samplegen_dagster.sandbox import engine as eng

ROOT = Path(__file__).resolve().parents[2]
ENGINE_ENV = ROOT / ".samplegen" / "engine.env"
DEFAULT_BASE = "localhost/samplegen-base:bookworm"


def _engine_env() -> dict[str, str]:
    """The variables ``scripts/setup-container-engine.sh`` wrote, if it ran here."""
    values: dict[str, str] = {}
    if ENGINE_ENV.is_file():
        for line in ENGINE_ENV.read_text().splitlines():
            line = line.strip().removeprefix("export ").strip()
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip().strip('"')
    return values


def _load_engine_env() -> None:
    """Use the engine the setup script configured when the shell did not source its env file.
    Only what connecting needs: SAMPLEGEN_BASE_IMAGE is read by the ``base_image`` fixture and
    never exported, so other tests' rendered Dockerfiles keep their default base image."""
    if os.environ.get("DOCKER_HOST"):
        return
    file = _engine_env()
    for key in ("DOCKER_HOST", "SAMPLEGEN_CA_BUNDLE"):
        if file.get(key):
            os.environ.setdefault(key, file[key])


def _unavailable(reason: str):
    msg = f"DOCKER SANDBOX TESTS NOT RUN: {reason} (run scripts/setup-container-engine.sh and source .samplegen/engine.env)"
    if os.environ.get("SAMPLEGEN_REQUIRE_DOCKER") == "1":
        pytest.fail(msg + " - SAMPLEGEN_REQUIRE_DOCKER=1, so this is a failure", pytrace=False)
    pytest.skip(msg)


def pytest_report_header(config):
    """Say in the log which engine the docker tests use (or that there is none)."""
    import docker

    host = os.environ.get("DOCKER_HOST") or _engine_env().get("DOCKER_HOST")
    client = None
    try:
        client = docker.DockerClient(base_url=host, timeout=10) if host else docker.from_env(timeout=10)
        client.ping()
    except Exception:
        client = None
    host = host or "(default socket)"
    if client is None:
        return f"docker sandbox: NO ENGINE at {host} (SAMPLEGEN_REQUIRE_DOCKER={os.environ.get('SAMPLEGEN_REQUIRE_DOCKER', '')})"
    try:
        v = client.version()
        comps = [c.get("Name") for c in v.get("Components", []) if c.get("Name")]
        name = "podman" if any("podman" in (c or "").lower() for c in comps) else "docker"
        return f"docker sandbox: {name} {v.get('Version')} (API {v.get('ApiVersion')}) at {host}, base image {os.environ.get('SAMPLEGEN_BASE_IMAGE') or _engine_env().get('SAMPLEGEN_BASE_IMAGE') or DEFAULT_BASE}"
    finally:
        client.close()


def pytest_terminal_summary(terminalreporter):
    """One line in every log that says whether the Docker-path tests ran, e.g. under ``-q``."""
    counts: dict[str, int] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        nodeids = {
            r.nodeid
            for r in terminalreporter.stats.get(outcome, [])
            if "sandbox_docker/" in getattr(r, "nodeid", "") and "test_docker_units" not in r.nodeid
        }
        if nodeids:
            counts[outcome] = len(nodeids)
    if counts:
        host = os.environ.get("DOCKER_HOST", "(default socket)")
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        terminalreporter.write_sep("-", f"docker sandbox tests against {host}: {summary}")


@pytest.fixture(scope="session")
def docker_client():
    _load_engine_env()
    client = eng.engine_client(timeout_s=1800)
    if client is None:
        _unavailable(f"no container engine answers at DOCKER_HOST={os.environ.get('DOCKER_HOST', '(unset)')}")
    yield client
    client.close()


@pytest.fixture(scope="session")
def base_image(docker_client) -> str:
    image = os.environ.get("SAMPLEGEN_BASE_IMAGE") or _engine_env().get("SAMPLEGEN_BASE_IMAGE") or DEFAULT_BASE
    if not eng.image_exists(docker_client, image):
        _unavailable(f"base image {image} is not in the engine (no registry is assumed)")
    return image


@pytest.fixture(scope="session")
def ca_bundle() -> Path | None:
    value = os.environ.get("SAMPLEGEN_CA_BUNDLE")
    return Path(value) if value else None


@pytest.fixture
def no_leftovers(docker_client):
    """Asserts that the test left no samplegen container behind."""
    before = {c.id for c in eng.list_managed_containers(docker_client)}
    yield
    after = [c for c in eng.list_managed_containers(docker_client) if c.id not in before]
    assert not after, f"containers left behind: {[c.name for c in after]}"


# ------------------------------------------------------------------ fixture repository


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": "/dev/null",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


BASE_FILES = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "calc"
        version = "0.1.0"
        dependencies = ["six"]

        [tool.setuptools]
        packages = ["calc"]
    """,
    "calc/__init__.py": """
        import six


        def add(a, b):
            return a - b  # bug 1


        def mul(a, b):
            return a * b


        def neg(a):
            return a  # bug 2


        def kind():
            return "text" if isinstance("x", six.string_types) else "other"
    """,
    "tests/__init__.py": "",
    "tests/test_calc.py": """
        from calc import kind, mul


        def test_mul():
            assert mul(2, 3) == 6


        def test_kind():
            assert kind() == "text"
    """,
    # Not targeted by the PRs; used directly by the isolation tests.
    "hostile/test_net.py": """
        import socket


        def test_reaches_the_network():
            socket.create_connection(("pypi.org", 443), timeout=5).close()


        def test_reaches_an_ip():
            socket.create_connection(("1.1.1.1", 53), timeout=5).close()
    """,
    "hostile/test_env.py": """
        import os
        from pathlib import Path


        def test_no_host_secrets():
            leaked = [k for k, v in os.environ.items() if "TOKEN" in k or "SECRET" in k or v == "s3cret-value"]
            assert not leaked


        def test_not_root():
            assert os.getuid() != 0


        def test_env_is_read_only():
            target = Path("/opt/venv/samplegen-write-probe")
            try:
                target.write_text("x")
            except OSError:
                return
            raise AssertionError("the shared environment is writable by the test user")
    """,
    "hostile/test_slow.py": """
        import time


        def test_sleeps_forever():
            time.sleep(600)
    """,
}

PR1_FILES = {  # fixes add; adds its test
    "calc/__init__.py": BASE_FILES["calc/__init__.py"].replace("return a - b  # bug 1", "return a + b"),
    "tests/test_calc.py": BASE_FILES["tests/test_calc.py"]
    + """

        def test_add():
            from calc import add

            assert add(2, 3) == 5
    """,
}

PR2_FILES = {  # fixes neg; adds its test in a new module
    "calc/__init__.py": BASE_FILES["calc/__init__.py"].replace("return a  # bug 2", "return -a"),
    "tests/test_neg.py": """
        from calc import neg


        def test_neg():
            assert neg(2) == -2


        def test_neg_zero():
            assert neg(0) == 0
    """,
}


PR_SLOW_FILES = {  # its new test sleeps past any sane limit
    "calc/__init__.py": BASE_FILES["calc/__init__.py"].replace("return a * b", "return b * a"),
    "tests/test_slow.py": """
        import time


        def test_slow():
            time.sleep(600)
    """,
}


class FixtureRepo:
    def __init__(self, path: Path):
        self.path = path
        _write(path, BASE_FILES)
        git("init", "-q", "-b", "main", cwd=path)
        git("add", "-A", cwd=path)
        git("commit", "-qm", "base", cwd=path)
        self.base = git("rev-parse", "HEAD", cwd=path)
        self.heads = {}
        for name, files in (("pr1", PR1_FILES), ("pr2", PR2_FILES), ("slow", PR_SLOW_FILES)):
            git("checkout", "-q", "-b", name, self.base, cwd=path)
            _write(path, files)
            git("add", "-A", cwd=path)
            git("commit", "-qm", name, cwd=path)
            self.heads[name] = git("rev-parse", "HEAD", cwd=path)
        git("checkout", "-q", "main", cwd=path)

    def checkout(self, dest: Path) -> Path:
        """A fresh working tree at base (sandboxes apply patches in it)."""
        subprocess.run(["git", "clone", "-q", "--shared", str(self.path), str(dest)], check=True)
        git("checkout", "-q", "--detach", self.base, cwd=dest)
        return dest


@pytest.fixture(scope="session")
def fixture_repo(tmp_path_factory) -> FixtureRepo:
    return FixtureRepo(tmp_path_factory.mktemp("fixture-repo") / "calc")
