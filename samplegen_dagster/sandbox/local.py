"""The local sandbox: virtualenvs on this machine.

Environments: ``<cache>/envs/<fingerprint>/`` holds the dependencies of every PR that
shares a fingerprint, built once (under a file lock, ready-marker written last, removed
if the build fails). The project itself is *not* left installed there: it is installed to
learn its dynamic dependencies, then uninstalled, because each PR needs its own checkout.

Runs: each cycle gets a throwaway *overlay* virtualenv whose ``.pth`` adds the shared
environment's site-packages, and the checkout is installed editable into the overlay
only. PRs sharing an environment can then run at once without touching each other, and
the shared environment is never modified after it is built.

This sandbox isolates nothing but files: it is for trusted repositories and development.
The docker sandbox is the one for untrusted code.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator

from samplegen_dagster.environment.detect import installed_project_name
from samplegen_dagster.patches.split import PatchError, apply_patch, check_apply
from samplegen_dagster.sandbox.base import CyclePlan, EnvSpec, PreparedEnv, SandboxError, StateRun, failure_line, StateSpec
from samplegen_dagster.sources.mirror import GitError, git
from samplegen_dagster.validation.commands import (
    PINNED_ENV,
    PLUGIN_DIR,
    coverage_json_argv,
    coverage_report_argv,
    display,
    pytest_argv,
)

READY = ".samplegen-ready.json"
_PYTHON_PREFIXES = sorted(
    {p for p in {sys.base_prefix, sys.prefix, os.path.realpath(sys.base_prefix)} if len(p) > 1}, key=len, reverse=True
)
# Variables never passed to repository code: credentials and our own configuration.
_SECRET_MARKERS = ("TOKEN", "SECRET", "PASSWORD", "API_KEY", "CREDENTIAL", "AWS_", "GITHUB_", "SAMPLEGEN_")


def scrubbed_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not any(m in k.upper() for m in _SECRET_MARKERS)
        and k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "COVERAGE_PROCESS_START", "DAGSTER_HOME")
        and not k.startswith(("PYTEST_", "COV_CORE_"))
    }
    env.update(PINNED_ENV)
    env.update(extra or {})
    return env


def run(argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float | None) -> tuple[int | None, str, bool, float]:
    """Run ``argv`` in its own process group; on timeout kill the whole group. (code, output, timed_out, seconds)"""
    start = time.monotonic()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode("utf-8", "replace"), False, time.monotonic() - start
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return None, out.decode("utf-8", "replace"), True, time.monotonic() - start


def _python_for(version: str) -> str:
    if version == f"{sys.version_info.major}.{sys.version_info.minor}":
        return sys.executable
    found = shutil.which(f"python{version}")
    if not found:
        raise SandboxError(f"Python {version} is not installed on this machine (needed by the local sandbox)")
    return found


def site_packages(venv: Path) -> Path:
    found = sorted((venv / "lib").glob("python3*/site-packages"))
    if not found:
        raise SandboxError(f"no site-packages in {venv}")
    return found[0]


class LocalSandbox:
    name = "local"

    def __init__(self, cache_dir: Path, install_timeout_s: int = 1800, pip_args: list[str] | None = None):
        self.envs_dir = Path(cache_dir) / "envs"
        self.scratch = Path(cache_dir) / "scratch"
        self.install_timeout_s = install_timeout_s
        self.pip_args = pip_args or []

    # -- environments ---------------------------------------------------------------
    def env_path(self, fingerprint: str) -> Path:
        return self.envs_dir / fingerprint

    def prepare(self, spec: EnvSpec, checkout: Path) -> PreparedEnv:
        path = self.env_path(spec.fingerprint)
        self.envs_dir.mkdir(parents=True, exist_ok=True)
        with open(self.envs_dir / f"{spec.fingerprint}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (path / READY).is_file():
                return PreparedEnv(sandbox=self.name, fingerprint=spec.fingerprint, location=str(path), reused=True)
            shutil.rmtree(path, ignore_errors=True)
            start = time.monotonic()
            log_path = self.envs_dir / f"{spec.fingerprint}.install.log"
            try:
                self._build(spec, checkout, path, log_path)
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise
            return PreparedEnv(
                sandbox=self.name,
                fingerprint=spec.fingerprint,
                location=str(path),
                reused=False,
                build_seconds=round(time.monotonic() - start, 2),
                log_path=str(log_path),
            )

    def _build(self, spec: EnvSpec, checkout: Path, path: Path, log_path: Path) -> None:
        env = scrubbed_env()
        log: list[str] = []

        def step(argv: list[str], what: str, cwd: Path = checkout) -> str:
            code, out, timed_out, secs = run(argv, cwd=cwd, env=env, timeout=self.install_timeout_s)
            log.append(f"$ {display(argv)}\n{out}\n[exit {code}, {secs:.1f}s]\n")
            log_path.write_text("".join(log), encoding="utf-8")
            if timed_out:
                raise SandboxError(f"environment install timed out after {self.install_timeout_s}s while {what}")
            if code:
                raise SandboxError(f"environment install failed while {what}: {failure_line(out)} (log: {log_path})")
            return out

        step([_python_for(spec.python_version), "-m", "venv", str(path)], "creating the virtualenv")
        py = str(path / "bin" / "python")
        pip = [py, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *self.pip_args]
        reqs = list(dict.fromkeys(spec.build_requires + ["pip>=23", "wheel"] + spec.packages))
        step([*pip, *reqs], "installing test dependencies")
        if spec.project_installable:
            # Install the project to pull in its dynamic dependencies, then remove the project itself.
            target = spec.install_target(str(checkout))
            report = path / ".project-install.json"
            step([*pip, "--report", str(report), target], "installing the project's dependencies")
            name = installed_project_name(report.read_text() if report.is_file() else None) or spec.project_name
            if name:
                step([py, "-m", "pip", "uninstall", "-y", name], "removing the project from the shared environment")
        freeze = step([py, "-m", "pip", "freeze", "--all"], "recording installed packages")
        (path / READY).write_text(json.dumps({"spec": spec.model_dump(), "freeze": freeze.splitlines()}, indent=2))

    # -- validation cycle ------------------------------------------------------------
    def run_cycle(self, env: PreparedEnv, spec: EnvSpec, checkout: Path, plan: CyclePlan) -> list[StateRun]:
        self.scratch.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{plan.instance_id}.", dir=self.scratch))
        try:
            py, install_log = self._overlay(Path(env.location), spec, checkout, work)
            runs: list[StateRun] = []
            for i, state in enumerate(plan.states):
                run_state = self._state(py, checkout, plan, state, work / state.name)
                if i == 0 and install_log:
                    run_state.console = install_log + run_state.console
                # Logs name the checkout /repo and the run directory $RUN, never this machine's paths.
                run_state.console = self._scrub(run_state.console, env, work, checkout)
                run_state.argv = [self._scrub(a, env, work, checkout) for a in run_state.argv]
                runs.append(run_state)
                if run_state.apply_error or run_state.timed_out:
                    break
            return runs
        finally:
            shutil.rmtree(work, ignore_errors=True)

    # -- sessions (trajectories) --------------------------------------------------------
    @contextmanager
    def session(self, env: PreparedEnv, spec: EnvSpec, checkout: Path, plan: CyclePlan) -> Iterator["LocalSession"]:
        """A step-by-step session on ``checkout`` (at base) in the same overlay virtualenv a cycle uses."""
        self.scratch.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{plan.instance_id}.session.", dir=self.scratch))
        try:
            py, _ = self._overlay(Path(env.location), spec, checkout, work)
            base_python = Path(_python_for(spec.python_version)).resolve().parent.parent
            session = LocalSession(self, py, env, Path(checkout), plan, work, python_prefixes=[str(base_python), sys.base_prefix])
            session.checkpoint()
            yield session
        finally:
            shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def _scrub(text: str, env: PreparedEnv, work: Path, checkout: Path) -> str:
        """Name this machine's paths by role: the run dir, the shared env, the checkout, the interpreter."""
        text = text.replace(str(work), "$RUN").replace(env.location, "$ENV").replace(str(checkout), "/repo")
        for prefix in _PYTHON_PREFIXES:  # standard-library frames in tracebacks
            text = text.replace(prefix + "/", "$PYTHON/")
        return text

    def _overlay(self, shared: Path, spec: EnvSpec, checkout: Path, work: Path) -> tuple[str, str]:
        overlay = work / "venv"
        code, out, _, _ = run(
            [_python_for(spec.python_version), "-m", "venv", "--without-pip", str(overlay)], cwd=work, env=scrubbed_env(), timeout=120
        )
        if code:
            raise SandboxError(f"could not create the run virtualenv: {out.strip()[-300:]}")
        (site_packages(overlay) / "_samplegen_shared_env.pth").write_text(
            f"import site; site.addsitedir({str(site_packages(shared))!r})\n", encoding="utf-8"
        )
        py = str(overlay / "bin" / "python")
        if not spec.project_installable:
            return py, ""
        target = spec.install_target(str(checkout))
        pip = [py, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *self.pip_args]
        env = scrubbed_env()
        # The shared env holds the build backend, so no isolation (and no download) is needed;
        # the isolated build is the fallback for backends that want more at build time.
        attempts = [[*pip, "--no-build-isolation", "-e", target], [*pip, "-e", target]]
        logs = []
        for argv in attempts:
            code, out, timed_out, secs = run(argv, cwd=checkout, env=env, timeout=self.install_timeout_s)
            logs.append(f"$ {display(argv)}\n{out.strip()}\n[exit {code}, {secs:.1f}s]\n")
            if code == 0:
                return py, "== project install ==\n" + logs[-1] + "\n"
        raise SandboxError(f"could not install the project at base: {failure_line(out)}")

    def _state(self, py: str, checkout: Path, plan: CyclePlan, state, out_dir: Path) -> StateRun:
        out_dir.mkdir(parents=True, exist_ok=True)
        result = StateRun(name=state.name)
        try:
            check_apply(checkout, *((name, plan.patches.get(name, "")) for name in state.apply_before))
        except PatchError as e:
            result.apply_error = str(e)
            return result
        if not state.targets:
            result.skipped_reason = "no test targets exist in this state"
            return result
        junit = out_dir / "junit.xml"
        data_file = out_dir / ".coverage"
        env = scrubbed_env({**plan.env, "PYTHONPATH": str(PLUGIN_DIR), "COVERAGE_FILE": str(data_file)})
        argv = pytest_argv(py, state.targets, str(junit), coverage=state.coverage)
        result.argv = argv
        code, out, timed_out, secs = run(argv, cwd=checkout, env=env, timeout=plan.timeout_s)
        result.exit_code, result.timed_out, result.duration_s = code, timed_out, round(secs, 3)
        result.console = f"$ {display(argv)}\n{out}"
        if timed_out:
            result.console += f"\n[killed: the test run exceeded {plan.timeout_s}s]\n"
        if junit.is_file():
            result.junit_xml = junit.read_text(encoding="utf-8", errors="replace")
        if state.coverage and data_file.is_file():
            cov_json = out_dir / "coverage.json"
            run(coverage_json_argv(py, str(data_file), str(cov_json)), cwd=checkout, env=env, timeout=300)
            if cov_json.is_file():
                result.coverage_json = cov_json.read_text(encoding="utf-8")
            _, report, _, _ = run(coverage_report_argv(py, str(data_file), plan.coverage_include), cwd=checkout, env=env, timeout=300)
            result.console += "\n== coverage ==\n" + report
        return result


class LocalSession:
    """``SandboxSession`` over a local checkout; checkpoints are commits in the throwaway clone."""

    executed_in = "local"

    def __init__(self, sandbox: LocalSandbox, py: str, env: PreparedEnv, checkout: Path, plan: CyclePlan, work: Path,
                 python_prefixes: list[str] | None = None):
        self._sandbox, self._py, self._env, self.checkout, self._plan, self._work = sandbox, py, env, checkout, plan, work
        # The interpreter's installation shows up in tracebacks of the standard library: named $PYTHON.
        self._python_prefixes = sorted({p for p in python_prefixes or [] if len(p) > 1}, key=len, reverse=True)
        self._runs = 0

    def _path(self, rel: str) -> Path:
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or ".." in parts:
            raise ValueError(f"path outside the checkout: {rel}")
        return self.checkout.joinpath(*parts) if parts else self.checkout

    def read(self, path: str) -> bytes:
        return self._path(path).read_bytes()

    def list(self, directory: str) -> list[str]:
        d = self._path(directory)
        if not d.is_dir():
            raise FileNotFoundError(directory)
        return sorted(p.name + ("/" if p.is_dir() else "") for p in d.iterdir() if p.name != ".git")

    def write(self, path: str, data: bytes) -> None:
        target = self._path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def apply_patch(self, text: str) -> str | None:
        try:
            apply_patch(self.checkout, text)
        except GitError as e:
            return str(e)
        return None

    def run_tests(self, targets: list[str], name: str, coverage: bool = False) -> StateRun:
        self._runs += 1
        state = StateSpec(name=name, targets=list(targets), coverage=coverage)
        run_state = self._sandbox._state(self._py, self.checkout, self._plan, state, self._work / f"{self._runs:03d}-{name}")
        scrub = self._sandbox._scrub
        run_state.console = scrub(run_state.console, self._env, self._work, self.checkout)
        run_state.argv = [scrub(a, self._env, self._work, self.checkout) for a in run_state.argv]
        return run_state

    def diff(self) -> str:
        git("add", "-A", cwd=self.checkout)
        return git("-c", "core.quotepath=off", "diff", "--cached", "--no-color", "-M", "HEAD", cwd=self.checkout)

    def checkpoint(self) -> None:
        git("add", "-A", cwd=self.checkout)
        git("commit", "-q", "--allow-empty", "--no-verify", "-m", "samplegen session checkpoint", cwd=self.checkout)

    def reset(self) -> None:
        git("reset", "-q", "--hard", "HEAD", cwd=self.checkout)
        git("clean", "-fdq", cwd=self.checkout)
