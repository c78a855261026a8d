"""Detect how to install a Python repository's test environment, without running its code.

Sources, in the order a maintainer would look: PEP 621 ``[project]`` with test-ish extras
(``test``, ``tests``, ``testing``; ``dev`` only when none of those exist), PEP 735
``[dependency-groups]`` (same names), ``setup.cfg`` / ``setup.py`` ``extras_require``,
requirements files whose names say test or dev (plus ``requirements.txt``), and
``[testenv] deps`` in ``tox.ini``. pytest, pytest-cov and coverage are always added: every
sample is validated under pytest, unittest-style suites included.

The fingerprint hashes what decides the installed packages (the dependency-relevant parts
of ``pyproject.toml``, the other dependency files whole, the spec, the Python version) and
nothing else, so a version bump or a ``[tool.pytest]`` tweak keeps sharing one environment.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import re
import sys
import tomllib
from pathlib import Path

from samplegen_dagster.sandbox.base import EnvSpec

TEST_EXTRA_NAMES = ("test", "tests", "testing")
DEV_EXTRA_NAMES = ("dev", "develop", "development")
ALWAYS = ["pytest", "pytest-cov", "coverage[toml]"]
# What a backend asks for, through get_requires_for_build_editable, beyond [build-system].requires.
# Sandboxes install the project editable without build isolation (and, in containers, without
# network), so these must already be in the environment.
EDITABLE_BUILD_REQUIRES = {"hatchling.build": ["editables"], "pdm.backend": ["editables"]}
REQ_FILE_PATTERNS = (
    "requirements.txt",
    "requirements-test*.txt",
    "requirements_test*.txt",
    "requirements-dev*.txt",
    "requirements_dev*.txt",
    "test-requirements*.txt",
    "test_requirements*.txt",
    "dev-requirements*.txt",
    "requirements/test*.txt",
    "requirements/dev*.txt",
    "requirements/base.txt",
    "requirements/requirements-test*.txt",
)


def host_python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pick(names: list[str]) -> list[str]:
    by_norm = {_norm(n): n for n in names}
    picked = [by_norm[n] for n in TEST_EXTRA_NAMES if n in by_norm]
    if not picked:
        picked = [by_norm[n] for n in DEV_EXTRA_NAMES if n in by_norm][:1]
    return picked


def _group_requirements(groups: dict, name: str, seen: set[str] | None = None) -> list[str]:
    seen = seen or set()
    if name in seen:
        return []
    seen.add(name)
    out: list[str] = []
    for item in groups.get(name, []):
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and "include-group" in item:
            out.extend(_group_requirements(groups, item["include-group"], seen))
    return out


def _read_requirements(root: Path, rel: str, seen: set[str] | None = None) -> tuple[list[str], list[str]]:
    """Requirement lines of a requirements file, following ``-r``; returns (requirements, files read)."""
    seen = seen or set()
    path = (root / rel).resolve()
    if rel in seen or not path.is_file() or root.resolve() not in path.parents:
        return [], []
    seen.add(rel)
    reqs, files = [], [rel]
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ", "-c ", "--constraint ")):
            inc = line.split(None, 1)[1].strip()
            inc_rel = str((Path(rel).parent / inc).as_posix())
            sub, sub_files = _read_requirements(root, inc_rel, seen)
            if line.startswith(("-r", "--requirement")):
                reqs.extend(sub)
            files.extend(sub_files)
            continue
        if line.startswith("-e") or line in {".", "./"} or line.startswith(("-", "file:", "./", "../")):
            continue  # the project itself, editable paths and pip options are handled elsewhere
        reqs.append(line)
    return reqs, files


def _tox_deps(root: Path) -> tuple[list[str], list[str]]:
    ini = root / "tox.ini"
    if not ini.is_file():
        return [], []
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        cp.read_string(ini.read_text(encoding="utf-8", errors="replace"))
    except configparser.Error:
        return [], ["tox.ini"]
    if not cp.has_section("testenv"):
        return [], ["tox.ini"]
    deps, files = [], ["tox.ini"]
    for line in cp.get("testenv", "deps", fallback="").splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#") or "{" in line:
            continue  # factor-conditional or substituted deps depend on the tox env; skip them
        if ":" in line.split(" ")[0] and not re.match(r"^[A-Za-z0-9_.\-\[\]]+\s*[<>=!~]", line):
            continue  # "py311: foo" style factor prefixes
        if line.startswith(("-r", "--requirement")):
            sub, sub_files = _read_requirements(root, line.split(None, 1)[1] if " " in line else line[2:])
            deps.extend(sub)
            files.extend(sub_files)
            continue
        if line.startswith("-"):
            continue
        deps.append(line)
    return deps, files


def _setup_extras(root: Path) -> list[str]:
    names: list[str] = []
    cfg = root / "setup.cfg"
    if cfg.is_file():
        cp = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            cp.read_string(cfg.read_text(encoding="utf-8", errors="replace"))
            if cp.has_section("options.extras_require"):
                names.extend(cp.options("options.extras_require"))
        except configparser.Error:
            pass
    setup_py = root / "setup.py"
    if setup_py.is_file():
        text = setup_py.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"""['"]([A-Za-z0-9_.-]+)['"]\s*:\s*\[""", text):
            names.append(m.group(1))
    return names


def detect_env(root: Path, python_version: str | None = None) -> EnvSpec:
    """Read ``root``'s dependency files into an ``EnvSpec`` with its fingerprint."""
    python_version = python_version or host_python_version()
    hashed: dict[str, str] = {}
    requirements: list[str] = []
    extras: list[str] = []
    groups: list[str] = []
    req_files: list[str] = []
    build_requires: list[str] = []
    project_name = None
    method = "none"
    installable = False

    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            data = {}
        project = data.get("project") or {}
        build = data.get("build-system") or {}
        dep_groups = data.get("dependency-groups") or {}
        relevant = {
            "build-system": build,
            "project": {k: v for k, v in project.items() if k in ("name", "dependencies", "optional-dependencies", "requires-python", "dynamic")},
            "dependency-groups": dep_groups,
        }
        hashed["pyproject.toml"] = json.dumps(relevant, sort_keys=True, default=str)
        build_requires = list(build.get("requires") or [])
        build_requires += EDITABLE_BUILD_REQUIRES.get(build.get("build-backend", ""), [])
        if project or build:
            method, installable = "pyproject", True
            project_name = project.get("name")
            requirements.extend(project.get("dependencies") or [])
            optional = project.get("optional-dependencies") or {}
            extras = _pick(list(optional))
            for extra in extras:
                for req in optional[extra]:
                    # self-references such as "pkg[dev]" inside an extra are the project itself
                    if project_name and _norm(re.split(r"[\[<>=!~; ]", req, maxsplit=1)[0]) == _norm(project_name):
                        continue
                    requirements.append(req)
        groups = _pick(list(dep_groups))
        for g in groups:
            requirements.extend(_group_requirements(dep_groups, g))

    for name in ("setup.py", "setup.cfg"):
        if (root / name).is_file():
            hashed[name] = (root / name).read_text(encoding="utf-8", errors="replace")
            if method == "none":
                method, installable = "setup.py", True
    if method == "setup.py" or (installable and not extras):
        extras = extras or _pick(_setup_extras(root))
    if (root / "setup.py").is_file() and not build_requires:
        build_requires = ["setuptools", "wheel"]

    found: list[str] = []
    for pattern in REQ_FILE_PATTERNS:
        found.extend(sorted(str(p.relative_to(root).as_posix()) for p in root.glob(pattern) if p.is_file()))
    for rel in dict.fromkeys(found):
        reqs, files = _read_requirements(root, rel)
        if files:
            req_files.append(rel)
            requirements.extend(reqs)
            for f in files:
                hashed[f] = (root / f).read_text(encoding="utf-8", errors="replace")
    if method == "none" and req_files:
        method = "requirements"

    tox, tox_files = _tox_deps(root)
    for f in tox_files:
        hashed[f] = (root / f).read_text(encoding="utf-8", errors="replace")
    requirements.extend(tox)

    packages = list(ALWAYS)
    requirements = list(dict.fromkeys(r.strip() for r in requirements if r.strip()))
    spec_core = {
        "python": python_version,
        "method": method,
        "extras": extras,
        "groups": groups,
        "requirements": requirements,
        "packages": packages,
        "build_requires": build_requires,
        "files": hashed,
    }
    fingerprint = hashlib.sha256(json.dumps(spec_core, sort_keys=True).encode()).hexdigest()[:16]
    return EnvSpec(
        python_version=python_version,
        install_method=method,
        project_name=project_name,
        project_installable=installable,
        extras=extras,
        dependency_groups=groups,
        requirement_files=req_files,
        packages=packages + requirements,
        build_requires=build_requires,
        dependency_files=sorted(hashed),
        fingerprint=fingerprint,
    )


def installed_project_name(report_json: str | None) -> str | None:
    """The distribution name pip installed from a local directory, from ``pip install --report``."""
    if not report_json:
        return None
    try:
        data = json.loads(report_json)
    except ValueError:
        return None
    for item in data.get("install", []):
        info = item.get("download_info") or {}
        if "dir_info" in info or str(info.get("url", "")).startswith("file://"):
            return (item.get("metadata") or {}).get("name")
    return None
