"""The sandbox interface: build an environment, then run the validation states in it.

The validation phase never runs repository code itself. It hands a sandbox an
``EnvSpec`` (what to install, from ``environment``) and a ``CyclePlan`` (which patches to
apply before each state and which tests to run, from ``validation``); the sandbox returns
one ``StateRun`` per state with the raw artifacts (JUnit XML, coverage JSON, the console
log). Parsing those artifacts is the validation phase's job, so every sandbox yields
results that are compared the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field


class EnvSpec(BaseModel):
    """How to install a repository's test environment. ``fingerprint`` names it for reuse."""

    python_version: str = Field(description="X.Y the environment is built with")
    install_method: str = Field(description="pyproject | setup.py | requirements | none")
    project_name: str | None = Field(default=None, description="distribution name, when the repo is a package")
    project_installable: bool = Field(default=False, description="pip can install the checkout itself")
    extras: list[str] = Field(default_factory=list, description="extras installed with the project (test, tests, dev...)")
    dependency_groups: list[str] = Field(default_factory=list, description="PEP 735 groups installed")
    requirement_files: list[str] = Field(default_factory=list, description="requirements files, repo-relative")
    packages: list[str] = Field(default_factory=list, description="extra requirement strings (tox deps, pytest, pytest-cov)")
    build_requires: list[str] = Field(default_factory=list, description="[build-system] requires, for no-isolation installs")
    dependency_files: list[str] = Field(default_factory=list, description="files hashed into the fingerprint")
    fingerprint: str = Field(description="hash of dependency files + python version + this spec")

    def install_target(self, path: str) -> str:
        """What pip installs for the project at ``path``: ``path[extra,...]``."""
        return path + (f"[{','.join(self.extras)}]" if self.extras else "")


class PreparedEnv(BaseModel):
    sandbox: str = Field(description="which sandbox built it (local, docker)")
    fingerprint: str
    location: str = Field(description="virtualenv path or image tag")
    reused: bool = Field(description="an existing environment was reused, nothing was installed")
    build_seconds: float = 0.0
    log_path: str | None = Field(default=None, description="install log, when something was built")


class StateSpec(BaseModel):
    """One state of the validation cycle."""

    name: str = Field(description="pre_tests | pre_patch | post_patch")
    apply_before: list[str] = Field(default_factory=list, description="patch names applied (in order) just before this state")
    targets: list[str] = Field(default_factory=list, description="pytest targets, repo-relative; empty = nothing to run")
    coverage: bool = False


class CyclePlan(BaseModel):
    instance_id: str
    patches: dict[str, str] = Field(description="patch name (tests.patch, fix.patch) -> patch text")
    states: list[StateSpec]
    timeout_s: int = Field(description="wall-clock limit of one state's test run")
    env: dict[str, str] = Field(default_factory=dict, description="pinned environment (TZ, PYTHONHASHSEED, locale)")
    coverage_include: list[str] = Field(default_factory=list, description="files the coverage report lists (the fix's source files)")


class StateRun(BaseModel):
    name: str
    argv: list[str] = Field(default_factory=list, description="the test command as run")
    exit_code: int | None = None
    timed_out: bool = False
    skipped_reason: str | None = Field(default=None, description="why no test ran (no targets), when none did")
    apply_error: str | None = Field(default=None, description="a patch failed to apply before this state")
    duration_s: float = 0.0
    console: str = Field(default="", description="combined stdout/stderr of the test run")
    junit_xml: str | None = Field(default=None, description="pytest's JUnit XML report text")
    coverage_json: str | None = Field(default=None, description="`coverage json --show-contexts` text")


class SandboxSession(Protocol):
    """A live checkout in a sandbox that steps act on one at a time (the trajectories' executor).

    The checkout starts at base. Paths are repo-relative; observations returned by
    ``run_tests`` are scrubbed like validation logs (no machine paths).
    """

    executed_in: str

    def read(self, path: str) -> bytes:
        """The file's current bytes; raises ``FileNotFoundError``."""
        ...

    def list(self, directory: str) -> list[str]:
        """Sorted entry names of ``directory`` (directories end in ``/``); ``.git`` is hidden."""
        ...

    def write(self, path: str, data: bytes) -> None: ...

    def apply_patch(self, text: str) -> str | None:
        """``git apply`` a patch (latin-1 text); the error line when it does not apply, else None."""
        ...

    def run_tests(self, targets: list[str], name: str, coverage: bool = False) -> StateRun:
        """Run pytest on ``targets`` exactly as validation does (same argv, JUnit XML)."""
        ...

    def diff(self) -> str:
        """``git diff`` of the work tree against the last checkpoint (new files included)."""
        ...

    def checkpoint(self) -> None:
        """Make the current tree the state ``reset`` returns to."""
        ...

    def reset(self) -> None: ...


class SandboxError(RuntimeError):
    """The sandbox could not do its part (install failed, engine unreachable); one readable line."""


@runtime_checkable
class Sandbox(Protocol):
    name: str

    def prepare(self, spec: EnvSpec, checkout: Path) -> PreparedEnv:
        """Build (or reuse) the environment for ``spec``; ``checkout`` is the repo at base."""
        ...

    def run_cycle(self, env: PreparedEnv, spec: EnvSpec, checkout: Path, plan: CyclePlan) -> list[StateRun]:
        """Run ``plan``'s states in order on ``checkout`` (at base), applying patches between them."""
        ...


def supports_sessions(sandbox: object) -> bool:
    """Optional capability: ``sandbox.session(env, spec, checkout, plan)`` -> context manager of a ``SandboxSession``."""
    return callable(getattr(sandbox, "session", None))


_NOISE = ("hint:", "note:", "[end of output]", "╰─>", "×", "See above", "WARNING:")


def failure_line(output: str, limit: int = 300) -> str:
    """The most telling line of a failed command's output, for a one-line error.

    pip and build backends end with boilerplate ("hint: See above for details."); the cause
    is the last ``...Error: ...`` / ``ERROR: ...`` line before it.
    """
    lines = [ln.strip() for ln in output.strip().splitlines() if ln.strip()]
    telling = [ln for ln in lines if not ln.startswith(_NOISE) and ("Error" in ln or ln.startswith(("ERROR", "error:")))]
    chosen = (telling or [ln for ln in lines if not ln.startswith(_NOISE)] or lines or ["no output"])[-1]
    return chosen[:limit]
