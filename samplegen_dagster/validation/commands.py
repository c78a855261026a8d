"""The exact commands a sandbox runs for one validation state.

Every sandbox (and the sample's ``run.sh``) uses these, so the local and container paths
run the same pytest invocation: node ids recorded into JUnit XML by the bundled plugin,
``--rootdir`` pinned to the checkout so ids are repo-relative, the cache and random-order
plugins off, per-test coverage contexts where coverage is wanted, and a pinned
environment (``TZ=UTC``, ``PYTHONHASHSEED=0``, a UTF-8 locale).
"""

from __future__ import annotations

from pathlib import Path

PLUGIN_DIR = Path(__file__).parent / "pytest_plugin"
PLUGIN_NAME = "samplegen_nodeids"

PINNED_ENV = {
    "TZ": "UTC",
    "PYTHONHASHSEED": "0",
    "LC_ALL": "C.UTF-8",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PIP_NO_INPUT": "1",
    "NO_COLOR": "1",
    "PY_COLORS": "0",
}


def pytest_argv(python: str, targets: list[str], junit_path: str, *, coverage: bool, rootdir: str = ".") -> list[str]:
    argv = [
        python,
        "-m",
        "pytest",
        "-p",
        PLUGIN_NAME,
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-rA",
        # A module that fails to import (typically: new tests importing a function the fix adds)
        # must not abort the session and hide every other test's result.
        "--continue-on-collection-errors",
        "--tb=short",
        "--color=no",
        f"--rootdir={rootdir}",
        f"--junitxml={junit_path}",
        "-o",
        "junit_family=xunit1",
    ]
    if coverage:
        argv += ["--cov=.", "--cov-context=test", "--cov-report="]
    return argv + ["--", *targets] if targets else argv


def coverage_json_argv(python: str, data_file: str, out: str) -> list[str]:
    return [python, "-m", "coverage", "json", "--show-contexts", f"--data-file={data_file}", "-o", out, "-q"]


def coverage_report_argv(python: str, data_file: str, include: list[str]) -> list[str]:
    argv = [python, "-m", "coverage", "report", "-m", f"--data-file={data_file}"]
    if include:
        argv.append("--include=" + ",".join(include))
    return argv


def display(argv: list[str]) -> str:
    import shlex

    return " ".join(shlex.quote(a) for a in argv)
