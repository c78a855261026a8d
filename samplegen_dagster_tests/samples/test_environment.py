"""Environment detection on real file layouts, and the fingerprint's stability."""

import textwrap
from pathlib import Path

from samplegen_dagster.environment.detect import detect_env
from samplegen_dagster.environment.render import render_dockerfile


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return root


PYPROJECT = """
    [build-system]
    requires = ["hatchling"]
    build-backend = "hatchling.build"

    [project]
    name = "demo"
    version = "{version}"
    dependencies = ["requests>=2"]

    [project.optional-dependencies]
    tests = ["pytest>=7", "freezegun", "demo[docs]"]
    docs = ["sphinx"]
    dev = ["black"]

    [dependency-groups]
    test = ["hypothesis", {{include-group = "lint"}}]
    lint = ["ruff"]

    [tool.pytest.ini_options]
    addopts = "{addopts}"
"""


def test_pyproject_extras_groups_and_tox(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": PYPROJECT.format(version="1.0", addopts="-q"),
            "requirements-dev.txt": "-r requirements-test.txt\nmypy\n",
            "requirements-test.txt": "pytest-timeout  # comment\n-e .\n",
            "tox.ini": "[tox]\nenvlist = py311\n[testenv]\ndeps =\n    responses\n    py311: oldthing\n    {env:EXTRA:}\ncommands = pytest\n",
        },
    )
    spec = detect_env(tmp_path, python_version="3.11")
    assert spec.install_method == "pyproject" and spec.project_name == "demo" and spec.project_installable
    assert spec.extras == ["tests"]  # a test extra wins over dev; the self-reference demo[docs] is skipped
    assert spec.dependency_groups == ["test"]
    assert spec.build_requires == ["hatchling"]
    for req in ("requests>=2", "pytest>=7", "freezegun", "hypothesis", "ruff", "pytest-timeout", "mypy", "responses", "pytest-cov"):
        assert req in spec.packages, req
    assert "demo[docs]" not in spec.packages and "oldthing" not in spec.packages and "sphinx" not in spec.packages
    assert spec.requirement_files == ["requirements-test.txt", "requirements-dev.txt"]
    assert set(spec.dependency_files) == {"pyproject.toml", "requirements-dev.txt", "requirements-test.txt", "tox.ini"}


def test_fingerprint_ignores_version_and_tool_config_but_not_dependencies(tmp_path):
    a = write(tmp_path / "a", {"pyproject.toml": PYPROJECT.format(version="1.0", addopts="-q")})
    b = write(tmp_path / "b", {"pyproject.toml": PYPROJECT.format(version="2.0", addopts="-x")})
    c = write(tmp_path / "c", {"pyproject.toml": PYPROJECT.format(version="1.0", addopts="-q").replace("requests>=2", "requests>=2.31")})
    fa, fb, fc = (detect_env(p, python_version="3.11").fingerprint for p in (a, b, c))
    assert fa == fb
    assert fa != fc
    assert detect_env(a, python_version="3.12").fingerprint != fa


def test_setup_py_and_requirements_only(tmp_path):
    write(tmp_path / "s", {"setup.py": "from setuptools import setup\nsetup(name='x', extras_require={'testing': ['pytest'], 'doc': []})\n"})
    spec = detect_env(tmp_path / "s", python_version="3.11")
    assert spec.install_method == "setup.py" and spec.extras == ["testing"] and spec.build_requires == ["setuptools", "wheel"]
    write(tmp_path / "r", {"requirements.txt": "flask==3.0\n", "test-requirements.txt": "pytest\n"})
    spec = detect_env(tmp_path / "r", python_version="3.11")
    assert spec.install_method == "requirements" and not spec.project_installable
    assert "flask==3.0" in spec.packages and spec.requirement_files == ["requirements.txt", "test-requirements.txt"]


def test_dockerfile_is_portable_and_layers_dependencies_first(tmp_path):
    write(tmp_path, {"pyproject.toml": PYPROJECT.format(version="1.0", addopts="-q")})
    spec = detect_env(tmp_path, python_version="3.11")
    text = render_dockerfile(spec, instance_id="o__r-1", repo_url="https://example.invalid/o/r.git", base_commit="a" * 40, base_image="python:3.11-slim")
    lines = text.splitlines()
    assert "ARG BASE_IMAGE=python:3.11-slim" in lines and "FROM ${BASE_IMAGE}" in lines
    deps = next(i for i, l in enumerate(lines) if l.startswith("RUN pip install") and "hatchling" in l)
    assert deps < lines.index("COPY . /sample") < next(i for i, l in enumerate(lines) if l.startswith("ARG REPO_URL"))
    assert "RUN pip install -e '.[tests]'" in lines
