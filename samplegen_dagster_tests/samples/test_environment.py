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
    assert spec.build_requires == ["hatchling", "editables"]  # what hatchling needs for editable builds
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


def test_failure_line_picks_the_cause_not_the_boilerplate():
    from samplegen_dagster.sandbox.base import failure_line

    pip_output = """
      File "x/wheel.py", line 550, in build_editable_detection
        from editables import EditableProject
    ModuleNotFoundError: No module named 'editables'
    [end of output]
    note: This error originates from a subprocess, and is likely not a problem with pip.
    error: metadata-generation-failed
    × Encountered error while generating package metadata.
    hint: See above for details.
    """
    assert failure_line(pip_output) == "error: metadata-generation-failed"
    assert failure_line("ERROR: No matching distribution found for nope==9\n") == "ERROR: No matching distribution found for nope==9"
    assert failure_line("") == "no output"


def test_hatchling_project_installs_editable_without_build_isolation(tmp_path):
    """Sandboxes install the project with --no-build-isolation (containers have no network):
    the environment must hold what hatchling's editable build asks for (`editables`)."""
    from samplegen_dagster.sandbox.base import CyclePlan, StateSpec
    from samplegen_dagster.sandbox.local import LocalSandbox

    root = write(
        tmp_path / "proj",
        {
            "pyproject.toml": """
                [build-system]
                requires = ["hatchling"]
                build-backend = "hatchling.build"

                [project]
                name = "hatchdemo"
                version = "0.1.0"
            """,
            "src/hatchdemo/__init__.py": "def answer():\n    return 42\n",
            "tests/test_answer.py": "from hatchdemo import answer\n\ndef test_answer():\n    assert answer() == 42\n",
        },
    )
    spec = detect_env(root)
    assert "editables" in spec.build_requires
    sandbox = LocalSandbox(tmp_path / "cache")  # its own cache: the demo's shared one must hold one env
    env = sandbox.prepare(spec, root)
    plan = CyclePlan(instance_id="acme__hatchdemo-1", patches={}, states=[StateSpec(name="pre_tests", targets=["tests/test_answer.py"])], timeout_s=300)
    (run,) = sandbox.run_cycle(env, spec, root, plan)
    assert "== project install ==" in run.console and "--no-build-isolation" in run.console.split("== project install ==")[1].splitlines()[1]
    assert 'testcase classname="tests.test_answer"' in run.junit_xml and "<failure" not in run.junit_xml
