"""The docker sandbox: environments are images, validation runs inside containers.

Layers (the same split the sample's Dockerfile has):

1. **base image** - ``SAMPLEGEN_BASE_IMAGE``, else ``python:<X.Y>-slim``.
2. **env image** ``samplegen-env:<fingerprint>`` - the Dockerfile's dependency layer (a
   virtualenv at ``/opt/venv`` with the spec's build requirements, test packages and
   requirements), built once per fingerprint with ``docker build``; then, exactly as the
   local sandbox does, the checkout at base is installed once (in a networked build
   container) to pull in dynamic dependencies, the project itself is uninstalled, and the
   result is committed under the same tag. Every PR sharing the fingerprint reuses it;
   nothing is installed again.
3. **per-PR run** - a fresh container from the env image, *without network*, limited in
   memory / pids / CPU, with no host environment: the checkout (at base, from the host
   cache) is copied in with ``put_archive``, the project is installed editable and offline
   (``--no-index``: a missing dependency fails loudly instead of being downloaded), then
   each state applies its patches and runs the same pytest argv as the local sandbox as
   an unprivileged user; JUnit XML and coverage JSON come out with ``get_archive``. A state
   that exceeds the wall-clock limit gets its container killed. The container is removed
   in ``finally`` whatever happened, and it self-destructs (``sleep`` + auto-remove) if this
   process dies first.

The repository's own ``git clone`` in the Dockerfile is for users rebuilding the sample;
the sandbox copies the host checkout in instead (test repositories are local paths).
"""

from __future__ import annotations

import fcntl
import json
import os
import logging
import shlex
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator

from samplegen_dagster.sandbox import engine as eng
from samplegen_dagster.environment.detect import installed_project_name
from samplegen_dagster.sandbox.base import CyclePlan, EnvSpec, PreparedEnv, SandboxError, StateRun, StateSpec, failure_line
from samplegen_dagster.validation.commands import (
    PINNED_ENV,
    PLUGIN_DIR,
    coverage_json_argv,
    coverage_report_argv,
    display,
    pytest_argv,
)

log = logging.getLogger(__name__)

VENV = "/opt/venv"
PY = f"{VENV}/bin/python"
REPO_DIR = "/repo"  # where the sample Dockerfile puts it too
OUT_DIR = "/samplegen-run"  # shown as $RUN in logs, like the local sandbox's run directory
TOOLS_DIR = "/opt/samplegen"
PLUGIN_IN_CONTAINER = f"{TOOLS_DIR}/pytest_plugin"
SANDBOX_UID = 65534
# The sample Dockerfile copies an optional ``samplegen-ca.crt`` from its build context to
# /etc/samplegen/ (and points pip and git at it); the env build puts the configured bundle there.
CA_FILE_IN_CONTEXT = "samplegen-ca.crt"
CA_IN_IMAGE_BY_SAMPLE = "/etc/samplegen/samplegen-ca.crt"
# Build context names the dependency layer copies; the checkout itself never enters the build.
EXCLUDE_FROM_COPY = (".git", ".tox", ".nox", ".venv", "venv", ".mypy_cache", ".pytest_cache", "__pycache__")


def _q(items: list[str]) -> str:
    return " ".join(shlex.quote(i) for i in items)


def ca_dockerfile_lines(ca_in_context: str | None, *, copied_to: str | None = None) -> list[str]:
    """Dockerfile lines that give pip and requests an extra CA bundle (empty when none).
    ``copied_to``: the Dockerfile already copies the bundle there; only point at it."""
    if not ca_in_context:
        return []
    path = copied_to or eng.CA_PATH_IN_IMAGE
    copy = [] if copied_to else [f"COPY {ca_in_context} {path}"]
    return copy + [f"ENV PIP_CERT={path} REQUESTS_CA_BUNDLE={path}"]


def dependency_dockerfile(spec: EnvSpec, base_image_default: str, ca_in_context: str | None = None) -> str:
    """The dependency layer of the sample's Dockerfile: identical for every PR with ``spec.fingerprint``.

    Taken from the sample's own Dockerfile (``environment.render``), cut before the layer
    that copies the sample and clones the repository; the CA bundle lines, when one is
    configured, go right after ``FROM``. Falls back to an equivalent built-in layer.
    """
    text = None
    try:
        from samplegen_dagster.environment.render import render_dockerfile

        full = render_dockerfile(spec, instance_id="env", repo_url="-", base_commit="-", base_image=base_image_default)
        lines = full.splitlines()
        cut = next((i for i, ln in enumerate(lines) if ln.startswith("COPY . /sample")), None)
        if cut is not None:
            while cut > 0 and lines[cut - 1].startswith("#"):
                cut -= 1
            body = [ln for ln in lines[:cut] if not ln.startswith("# Build from") and not ln.startswith("# env:")]
            text = "\n".join(body).rstrip() + "\n"
    except Exception as exc:  # renderer missing or changed: keep working
        log.debug("sample Dockerfile renderer unusable (%s); using the built-in dependency layer", exc)
    if text is None:
        reqs = list(dict.fromkeys(spec.build_requires + ["pip>=23", "wheel"] + spec.packages))
        text = "\n".join(
            [
                f"ARG BASE_IMAGE={base_image_default}",
                "FROM ${BASE_IMAGE}",
                "ENV " + " ".join(f"{k}={v}" for k, v in PINNED_ENV.items()),
                f"RUN python3 -m venv {VENV}",
                f"ENV VIRTUAL_ENV={VENV} PATH={VENV}/bin:$PATH",
                f"RUN pip install {_q(reqs)}",
            ]
        ) + "\n"
    if ca_in_context:
        lines = text.splitlines()
        if CA_FILE_IN_CONTEXT in text and ca_in_context == CA_FILE_IN_CONTEXT:
            # the sample Dockerfile copies the bundle itself: set the variables before the venv
            at = next((i for i, ln in enumerate(lines) if ln.startswith("RUN python3 -m venv")), len(lines) - 1)
            while at > 0 and lines[at - 1].startswith("#"):
                at -= 1
            ca = ca_dockerfile_lines(ca_in_context, copied_to=CA_IN_IMAGE_BY_SAMPLE)
        else:
            at = next(i for i, ln in enumerate(lines) if ln.startswith("FROM ")) + 1
            ca = ca_dockerfile_lines(ca_in_context)
        text = "\n".join(lines[:at] + ca + lines[at:]) + "\n"
    return text


class DockerSandbox:
    """``Sandbox`` running builds and validation in containers of a Docker-API engine."""

    name = "docker"

    def __init__(
        self,
        cache_dir: Path,
        *,
        base_image: str = "",
        ca_bundle: Path | None = None,
        install_timeout_s: int = 1800,
        test_timeout_s: int = 900,
        limits: eng.RunLimits | None = None,
        client=None,
        pip_args: list[str] | None = None,
    ):
        self.work_dir = Path(cache_dir) / "docker"
        self.base_image = base_image
        self.ca_bundle = Path(ca_bundle) if ca_bundle else None
        self.install_timeout_s = install_timeout_s
        self.test_timeout_s = test_timeout_s
        self.limits = limits or eng.RunLimits()
        self.pip_args = list(pip_args or [])
        self._client = client
        # Observability for tests and benchmarks: what this instance actually did.
        self.builds: list[str] = []  # env image tags built (not reused)

    @classmethod
    def from_settings(cls, settings, client=None) -> "DockerSandbox":
        return cls(
            settings.cache_dir,
            base_image=settings.base_image,
            ca_bundle=settings.ca_bundle,
            install_timeout_s=settings.install_timeout_s,
            test_timeout_s=settings.test_timeout_s,
            client=client,
        )

    # -- engine ---------------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            # HTTP read timeout above every wall-clock limit: the limits are enforced by the
            # exec watchdog (kill), never by a dropped connection.
            self._client = eng.engine_client(timeout_s=max(self.install_timeout_s, self.test_timeout_s) + 300)
            if self._client is None:
                raise SandboxError("no container engine answers (set DOCKER_HOST, or run scripts/setup-container-engine.sh)")
        return self._client

    def base_image_for(self, spec: EnvSpec) -> str:
        return self.base_image or f"python:{spec.python_version}-slim"

    # -- environments ---------------------------------------------------------------
    def prepare(self, spec: EnvSpec, checkout: Path) -> PreparedEnv:
        with _engine_errors("building the environment image"):
            return self._prepare(spec, checkout)

    def _prepare(self, spec: EnvSpec, checkout: Path) -> PreparedEnv:
        tag = eng.env_image_tag(spec.fingerprint)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        with open(self.work_dir / f"{spec.fingerprint}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if eng.image_exists(self.client, tag):
                return PreparedEnv(sandbox=self.name, fingerprint=spec.fingerprint, location=tag, reused=True)
            start = time.monotonic()
            log_path = self.work_dir / f"{spec.fingerprint}.build.log"
            self._build(spec, Path(checkout), tag, log_path)
            self.builds.append(tag)
            return PreparedEnv(
                sandbox=self.name,
                fingerprint=spec.fingerprint,
                location=tag,
                reused=False,
                build_seconds=round(time.monotonic() - start, 2),
                log_path=str(log_path),
            )

    def _build(self, spec: EnvSpec, checkout: Path, tag: str, log_path: Path) -> None:
        client = self.client
        log_lines: list[str] = []

        def note(text: str) -> None:
            log_lines.append(text if text.endswith("\n") else text + "\n")
            log_path.write_text("".join(log_lines), encoding="utf-8")

        stage_tag = f"{tag}-deps"
        labels = eng.labels_for("env", None, **{eng.LABEL_FINGERPRINT: spec.fingerprint, eng.LABEL_PYTHON: spec.python_version})
        with tempfile.TemporaryDirectory(prefix="samplegen-envctx.", dir=self.work_dir) as ctx:
            ca_name = None
            if self.ca_bundle:
                if not self.ca_bundle.is_file():
                    raise SandboxError(f"SAMPLEGEN_CA_BUNDLE {self.ca_bundle} is not a file")
                shutil.copyfile(self.ca_bundle, Path(ctx) / CA_FILE_IN_CONTEXT)
                ca_name = CA_FILE_IN_CONTEXT
            dockerfile = dependency_dockerfile(spec, f"python:{spec.python_version}-slim", ca_name)
            (Path(ctx) / "Dockerfile").write_text(dockerfile, encoding="utf-8")
            base = self.base_image_for(spec)
            note(f"== docker build (dependency layer) FROM {base} -> {stage_tag} ==\n{dockerfile}")
            try:
                _image, stream = client.images.build(
                    path=ctx,
                    tag=stage_tag,
                    buildargs={"BASE_IMAGE": base},
                    labels=labels,
                    rm=True,
                    forcerm=True,
                    pull=False,
                )
                for chunk in stream:
                    if "stream" in chunk:
                        note(chunk["stream"].rstrip("\n"))
            except Exception as exc:  # BuildError carries the build log
                for chunk in getattr(exc, "build_log", None) or []:
                    if isinstance(chunk, dict) and "stream" in chunk:
                        note(chunk["stream"].rstrip("\n"))
                note(f"[build failed: {exc}]")
                _remove_image(client, stage_tag)
                raise SandboxError(f"building the dependency image failed: {str(exc).strip()[:300]} (log: {log_path})") from exc

        try:
            self._install_dynamic_deps(spec, checkout, stage_tag, tag, labels, note, log_path)
        finally:
            _remove_image(client, stage_tag)

    def _install_dynamic_deps(self, spec, checkout, stage_tag, tag, labels, note, log_path) -> None:
        """Install the checkout once to pull in dependencies only its build knows (setup.py
        ``install_requires``, dynamic metadata), uninstall the project, commit as the env image."""
        client = self.client
        build_limits = eng.RunLimits(
            memory=self.limits.memory, pids=self.limits.pids, cpus=float(os.cpu_count() or 1), network=True, user=None
        )
        with eng.managed_container(
            client, stage_tag, role="env-build", limits=build_limits, command=["sleep", str(self.install_timeout_s + 600)]
        ) as box:

            def step(argv: list[str], what: str, env: dict[str, str] | None = None) -> str:
                res = eng.exec_timed(client, box, argv, timeout_s=self.install_timeout_s, environment=env)
                note(f"$ {display(argv)}\n{res.output}\n[exit {res.exit_code}, {res.duration_s:.1f}s]")
                if res.timed_out:
                    raise SandboxError(f"environment install timed out after {self.install_timeout_s}s while {what}")
                if res.exit_code:
                    raise SandboxError(f"environment install failed while {what}: {failure_line(res.output)} (log: {log_path})")
                return res.output

            if spec.project_installable:
                src = f"{TOOLS_DIR}/src"
                step(["mkdir", "-p", TOOLS_DIR], "preparing")
                eng.put_directory(box, checkout, TOOLS_DIR, "src", exclude=EXCLUDE_FROM_COPY)
                target = spec.install_target(src)
                report = f"{TOOLS_DIR}/project-install.json"
                pip = [PY, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *self.pip_args]
                step([*pip, "--report", report, target], "installing the project's dependencies", env=_scm_env())
                name = installed_project_name(eng.read_file(box, report)) or spec.project_name
                if name:
                    step([PY, "-m", "pip", "uninstall", "-y", name], "removing the project from the shared environment")
                step(["rm", "-rf", src, report, "/root/.cache/pip"], "cleaning up")
            freeze = step([PY, "-m", "pip", "freeze", "--all"], "recording installed packages")
            version = step([PY, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], "checking python").strip()
            if version != spec.python_version:
                note(f"[warning] the base image has Python {version}, the spec asks for {spec.python_version}")
            manifest = json.dumps({"spec": spec.model_dump(), "freeze": freeze.splitlines(), "python": version}, indent=2)
            eng.put_files(box, TOOLS_DIR, {"env.json": manifest})
            repo, _, image_tag = tag.rpartition(":")
            changes = [f'LABEL {k}="{v}"' for k, v in labels.items()] + ['CMD ["python3"]']
            box.commit(repository=repo, tag=image_tag, changes=changes, pause=True)
            note(f"== committed {tag} ==")

    # -- validation cycle -------------------------------------------------------------
    def run_cycle(self, env: PreparedEnv, spec: EnvSpec, checkout: Path, plan: CyclePlan) -> list[StateRun]:
        with _engine_errors("running the validation cycle"):
            return self._run_cycle(env, spec, checkout, plan)

    def _run_cycle(self, env: PreparedEnv, spec: EnvSpec, checkout: Path, plan: CyclePlan) -> list[StateRun]:
        client = self.client
        checkout = Path(checkout)
        budget = self.install_timeout_s + plan.timeout_s * max(len(plan.states), 1) + 300
        with eng.managed_container(
            client,
            env.location,
            role="run",
            instance_id=plan.instance_id,
            limits=self.limits,
            command=["sleep", str(budget)],
            extra_labels={eng.LABEL_FINGERPRINT: env.fingerprint},
        ) as box:
            install_log = self._setup_run(box, spec, checkout, plan)
            runs: list[StateRun] = []
            for i, state in enumerate(plan.states):
                run_state = self._state(box, plan, state)
                if i == 0 and install_log:
                    run_state.console = install_log + run_state.console
                # Logs name the run directory $RUN, as the local sandbox's do.
                run_state.console = run_state.console.replace(OUT_DIR, "$RUN")
                run_state.argv = [a.replace(OUT_DIR, "$RUN") for a in run_state.argv]
                runs.append(run_state)
                if run_state.apply_error or run_state.timed_out:
                    break
            return runs

    def _root(self, box, argv: list[str], timeout_s: float, env: dict[str, str] | None = None, workdir: str = REPO_DIR) -> eng.ExecResult:
        return eng.exec_timed(self.client, box, argv, timeout_s=timeout_s, environment=env, workdir=workdir)

    def _user_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {**PINNED_ENV, "HOME": "/tmp", "PATH": f"{VENV}/bin:/usr/local/bin:/usr/bin:/bin", "VIRTUAL_ENV": VENV}
        env.update(extra or {})
        return env

    def _setup_run(self, box, spec: EnvSpec, checkout: Path, plan: CyclePlan) -> str:
        """Copy the checkout and the pytest plugin in, install the project offline; the install log."""
        res = self._root(box, ["mkdir", "-p", OUT_DIR, TOOLS_DIR], 60, workdir="/")
        if res.exit_code != 0:
            raise SandboxError(f"could not prepare the run container: {res.output.strip()[-300:]}")
        owner = {"uid": SANDBOX_UID, "gid": SANDBOX_UID}
        eng.put_directory(box, checkout, "/", REPO_DIR.strip("/"), exclude=(".git",), **owner)
        eng.put_directory(box, PLUGIN_DIR, TOOLS_DIR, "pytest_plugin", exclude=("__pycache__",))
        if not spec.project_installable:
            self._root(box, ["chown", "-R", f"{SANDBOX_UID}:{SANDBOX_UID}", REPO_DIR, OUT_DIR], 300, workdir="/")
            return ""
        target = spec.install_target(REPO_DIR)
        pip = [PY, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-index", "--no-build-isolation"]
        attempts = [[*pip, "-e", target], [*pip, "--no-deps", "-e", target]]
        env = self._user_env(_scm_env())
        logs: list[str] = []
        for argv in attempts:
            res = self._root(box, argv, self.install_timeout_s, env=env)
            logs.append(f"$ {display(argv)}\n{res.output.strip()}\n[exit {res.exit_code}, {res.duration_s:.1f}s]\n")
            if res.exit_code == 0:
                # the editable install wrote egg-info/build files as root: hand the tree to the test user
                self._root(box, ["chown", "-R", f"{SANDBOX_UID}:{SANDBOX_UID}", REPO_DIR, OUT_DIR], 300)
                return "== project install ==\n" + "".join(logs) + "\n"
            if res.timed_out:
                break
        raise SandboxError(f"could not install the project at base in the container: {failure_line(res.output)}")

    def _put_patch(self, box, name: str, text: str) -> str:
        eng.put_files(box, OUT_DIR, {name: text.encode("latin-1", "replace")}, uid=SANDBOX_UID, gid=SANDBOX_UID)
        return f"{OUT_DIR}/{name}"

    def _as_user(self, box, argv: list[str], timeout_s: float, env: dict[str, str]) -> eng.ExecResult:
        return eng.exec_timed(
            self.client, box, argv, timeout_s=timeout_s, user=self.limits.user or "", environment=env, workdir=REPO_DIR
        )

    def _state(self, box, plan: CyclePlan, state: StateSpec, out_name: str | None = None, keep_alive: bool = False) -> StateRun:
        """One state. ``keep_alive`` (sessions): the wall-clock limit is enforced inside the
        container (``timeout -s KILL``) so the container survives for the next step; the
        container is still killed if that fails to stop the run."""
        result = StateRun(name=state.name)
        env = self._user_env()
        for name in state.apply_before:
            text = plan.patches.get(name, "")
            if not text:
                continue
            patch_file = self._put_patch(box, name, text)
            res = self._as_user(box, ["git", "apply", "--binary", "--whitespace=nowarn", patch_file], 300, env)
            if res.exit_code != 0:
                last = [ln for ln in res.output.strip().splitlines() if ln.strip()][-1:] or [f"exit {res.exit_code}"]
                result.apply_error = f"{name} does not apply: git apply failed: {last[0]}"
                return result
        if not state.targets:
            result.skipped_reason = "no test targets exist in this state"
            return result
        out = f"{OUT_DIR}/{out_name or state.name}"
        junit = f"{out}/junit.xml"
        data_file = f"{out}/.coverage"
        env = self._user_env({**plan.env, "PYTHONPATH": PLUGIN_IN_CONTAINER, "COVERAGE_FILE": data_file})
        argv = pytest_argv(PY, state.targets, junit, coverage=state.coverage)
        result.argv = argv
        # Each exec costs a round trip to the engine: the output directory is made by the same one.
        mkdir = ["sh", "-c", 'mkdir -p "$0" && exec "$@"', out]
        if keep_alive:
            res = self._as_user(box, [*mkdir, "timeout", "-s", "KILL", str(plan.timeout_s), *argv], plan.timeout_s + 30, env)
            if not res.timed_out and res.exit_code in (124, 137) and res.duration_s >= plan.timeout_s:
                res.timed_out, res.exit_code = True, None
        else:
            res = self._as_user(box, [*mkdir, *argv], plan.timeout_s, env)
        result.exit_code, result.timed_out, result.duration_s = res.exit_code, res.timed_out, round(res.duration_s, 3)
        result.console = f"$ {display(argv)}\n{res.output}"
        if res.killed:
            result.console += f"\n[killed: the test run exceeded {plan.timeout_s}s; its container was killed]\n"
            return result  # the container is gone; nothing to collect
        if res.timed_out:
            result.console += f"\n[killed: the test run exceeded {plan.timeout_s}s]\n"
        result.junit_xml = eng.read_file(box, junit)
        if state.coverage:
            cov_json = f"{out}/coverage.json"
            include = list(getattr(plan, "coverage_include", []) or [])
            both = (
                f"{shlex.join(coverage_json_argv(PY, data_file, cov_json))} >/dev/null 2>&1; "
                f"exec {shlex.join(coverage_report_argv(PY, data_file, include))}"
            )
            rep = self._as_user(box, ["sh", "-c", both], 600, env)
            result.coverage_json = eng.read_file(box, cov_json)
            result.console += "\n== coverage ==\n" + rep.output
        return result


    # -- sessions (trajectories) ------------------------------------------------------
    @contextmanager
    def session(self, env: PreparedEnv, spec: EnvSpec, checkout: Path, plan: CyclePlan) -> Iterator["DockerSession"]:
        """A step-by-step session (``SandboxSession``) in a run container like a cycle's: no
        network, limits, unprivileged steps; removed on exit whatever happens."""
        client = self.client
        with _engine_errors("starting a session"), eng.managed_container(
            client,
            env.location,
            role="session",
            instance_id=plan.instance_id,
            limits=self.limits,
            command=["sleep", str(max(6 * 3600, self.install_timeout_s + 20 * plan.timeout_s))],
            extra_labels={eng.LABEL_FINGERPRINT: env.fingerprint},
        ) as box:
            self._setup_run(box, spec, Path(checkout), plan)
            session = DockerSession(self, box, plan)
            session.start()
            yield session


class DockerSession:
    """``SandboxSession`` over ``/repo`` in a container; checkpoints are commits of a
    throwaway git repository made in the container (the host checkout is never touched)."""

    executed_in = "docker"
    _GIT = ["git", "-c", "user.name=samplegen", "-c", "user.email=samplegen@localhost", "-c", "core.quotepath=off"]

    def __init__(self, sandbox: DockerSandbox, box, plan: CyclePlan):
        self._sb, self._box, self._plan = sandbox, box, plan
        self._runs = 0
        self._python_prefix = ""

    def _check(self, rel: str) -> str:
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or ".." in parts:
            raise ValueError(f"path outside the checkout: {rel}")
        return str(PurePosixPath(REPO_DIR, *parts))

    def _run(self, argv: list[str], timeout_s: float = 300) -> eng.ExecResult:
        res = self._sb._as_user(self._box, argv, timeout_s, self._sb._user_env())
        if res.killed:
            raise SandboxError(f"session container killed: {display(argv)} exceeded {timeout_s}s")
        return res

    def _git(self, *commands: list[str], output: bool = False) -> eng.ExecResult:
        """Git commands in one exec (``&&``); stderr is dropped, stdout kept only for ``output``."""
        git = shlex.join(self._GIT)
        parts = [f"{git} {shlex.join(c)}" for c in commands]
        script = " && ".join(p + ("" if output and i == len(parts) - 1 else " >/dev/null") + " 2>/dev/null" for i, p in enumerate(parts))
        res = self._run(["sh", "-c", script])
        if res.exit_code != 0:
            raise SandboxError(f"git {commands[-1][0]} failed in the session (exit {res.exit_code})")
        return res

    def start(self) -> None:
        res = self._run([PY, "-c", "import sys; print(sys.base_prefix)"])
        self._python_prefix = res.output.strip() if res.exit_code == 0 else ""
        self._git(["init", "-q"], *self._checkpoint_commands())

    @staticmethod
    def _checkpoint_commands() -> list[list[str]]:
        return [["add", "-A"], ["commit", "-q", "--allow-empty", "--no-verify", "-m", "samplegen session checkpoint"]]

    def read(self, path: str) -> bytes:
        return eng.read_bytes(self._box, self._check(path))

    def list(self, directory: str) -> list[str]:
        target = self._check(directory)
        script = '[ -d "$0" ] || exit 3; exec find "$0" -mindepth 1 -maxdepth 1 -printf "%f\\t%Y\\n"'
        res = self._run(["sh", "-c", script, target])
        if res.exit_code == 3:
            raise FileNotFoundError(directory)
        if res.exit_code != 0:
            raise SandboxError(f"listing {directory} failed: {res.output.strip()[-300:]}")
        entries = []
        for line in res.output.splitlines():
            name, _, kind = line.rpartition("\t")
            if name and name != ".git":
                entries.append(name + ("/" if kind == "d" else ""))
        return sorted(entries)

    def write(self, path: str, data: bytes) -> None:
        target = PurePosixPath(self._check(path))
        res = self._run(["mkdir", "-p", str(target.parent)])
        if res.exit_code != 0:
            raise SandboxError(f"cannot create {target.parent}: {res.output.strip()[-300:]}")
        eng.put_files(self._box, str(target.parent), {target.name: data}, uid=SANDBOX_UID, gid=SANDBOX_UID)

    def apply_patch(self, text: str) -> str | None:
        self._sb._put_patch(self._box, "session.patch", text)
        res = self._run(["git", "apply", "--binary", "--whitespace=nowarn", f"{OUT_DIR}/session.patch"])
        if res.exit_code != 0:
            last = [ln for ln in res.output.strip().splitlines() if ln.strip()][-1:] or [f"exit {res.exit_code}"]
            return f"git apply failed: {last[0]}"
        return None

    def run_tests(self, targets: list[str], name: str, coverage: bool = False) -> StateRun:
        self._runs += 1
        state = StateSpec(name=name, targets=list(targets), coverage=coverage)
        run = self._sb._state(self._box, self._plan, state, out_name=f"{self._runs:03d}-{name}", keep_alive=True)
        run.console = run.console.replace(OUT_DIR, "$RUN")
        if self._python_prefix and self._python_prefix != "/":
            run.console = run.console.replace(self._python_prefix + "/lib/python", "$PYTHON/lib/python")
        run.argv = [a.replace(OUT_DIR, "$RUN") for a in run.argv]
        return run

    def diff(self) -> str:
        return self._git(["add", "-A"], ["diff", "--cached", "--no-color", "-M", "HEAD"], output=True).output

    def checkpoint(self) -> None:
        self._git(*self._checkpoint_commands())

    def reset(self) -> None:
        self._git(["reset", "-q", "--hard", "HEAD"], ["clean", "-fdq"])


@contextmanager
def _engine_errors(what: str) -> Iterator[None]:
    """Engine failures (image gone, engine down) as one readable ``SandboxError`` line."""
    from docker.errors import DockerException
    from requests.exceptions import RequestException

    try:
        yield
    except (DockerException, RequestException) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SandboxError(f"container engine error while {what}: {first[:300]}") from exc


def _scm_env() -> dict[str, str]:
    # The checkout is copied without .git (a --shared clone's objects live on the host), so
    # setuptools-scm / hatch-vcs builds get a fixed version instead of failing.
    return {"SETUPTOOLS_SCM_PRETEND_VERSION": "0.0.0+samplegen"}


def _remove_image(client, tag: str) -> None:
    try:
        client.images.remove(tag, force=True)
    except Exception:
        pass
