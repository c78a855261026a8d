"""Per-test ids and outcomes from real pytest runs' JUnit XML, compared with pytest's own ids."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from samplegen_dagster.validation.commands import PLUGIN_DIR, pytest_argv
from samplegen_dagster.validation.junit import Outcome, parse_junit

FILES = {
    "tests/__init__.py": "",
    "tests/test_params.py": """
        import pytest

        @pytest.mark.parametrize("v", [1, 2], ids=["one [a b]", "two::x y"])
        def test_ids(v):
            assert v == 1

        @pytest.mark.parametrize("s", ["a b", "c[d]", "e.f/g"])
        def test_values(s):
            assert s

        def test_skip():
            pytest.skip("not today")

        @pytest.mark.xfail(reason="known")
        def test_xfail():
            assert False

        @pytest.fixture
        def broken():
            raise RuntimeError("fixture broke")

        def test_fixture_error(broken):
            pass
    """,
    "tests/test_unit.py": """
        import unittest

        class MathTests(unittest.TestCase):
            def test_add(self):
                self.assertEqual(1 + 1, 2)

            def test_fail(self):
                self.assertEqual(1 + 1, 3)

        class TestOuter:
            class TestInner:
                def test_deep(self):
                    pass
    """,
    "tests/base_cases.py": """
        class SharedCases:
            def test_shared(self):
                assert self.value == 1
    """,
    "tests/test_inherit.py": """
        from tests.base_cases import SharedCases

        class TestConcrete(SharedCases):
            value = 1
    """,
    "tests/sub.dir/test_dotted.py": """
        def test_in_dotted_dir():
            pass
    """,
    "tests/test_broken_import.py": """
        import module_that_does_not_exist

        def test_never():
            pass
    """,
}

EXPECTED = {
    "tests/test_params.py::test_ids[one [a b]]": Outcome.passed,
    "tests/test_params.py::test_ids[two::x y]": Outcome.failed,
    "tests/test_params.py::test_values[a b]": Outcome.passed,
    "tests/test_params.py::test_values[c[d]]": Outcome.passed,
    "tests/test_params.py::test_values[e.f/g]": Outcome.passed,
    "tests/test_params.py::test_skip": Outcome.skipped,
    "tests/test_params.py::test_xfail": Outcome.skipped,
    "tests/test_params.py::test_fixture_error": Outcome.error,
    "tests/test_unit.py::MathTests::test_add": Outcome.passed,
    "tests/test_unit.py::MathTests::test_fail": Outcome.failed,
    "tests/test_unit.py::TestOuter::TestInner::test_deep": Outcome.passed,
    "tests/test_inherit.py::TestConcrete::test_shared": Outcome.passed,
    "tests/sub.dir/test_dotted.py::test_in_dotted_dir": Outcome.passed,
    "tests/test_broken_import.py": Outcome.error,
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("proj")
    for rel, text in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return root


def run_pytest(root: Path, junit: Path, plugin: bool) -> None:
    argv = pytest_argv(sys.executable, ["tests"], str(junit), coverage=False)
    env = {**os.environ, "PYTHONPATH": str(PLUGIN_DIR) if plugin else ""}
    if not plugin:
        argv = [a for a in argv if a != "samplegen_nodeids"]
        argv.remove("-p") if argv.count("-p") > 2 else None
    subprocess.run(argv, cwd=root, env=env, capture_output=True)


def collected_ids(root: Path) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout
    return {line for line in out.splitlines() if "::" in line}


def test_ids_and_outcomes_match_pytest(project, tmp_path):
    junit = tmp_path / "junit.xml"
    run_pytest(project, junit, plugin=True)
    report = parse_junit(junit.read_text())
    assert {n: r.outcome for n, r in report.tests.items()} == EXPECTED
    # every id we report for a collected test is one pytest itself prints
    pytest_ids = collected_ids(project)
    assert {n for n in report.tests if "::" in n} == pytest_ids
    assert report.collection_errors == ["tests/test_broken_import.py"]
    assert report.counts() == {"passed": 8, "failed": 2, "error": 2, "skipped": 2}


def test_ids_rebuilt_without_plugin(project, tmp_path):
    """A report from a run without the plugin still yields exact ids for ordinary layouts."""
    junit = tmp_path / "junit.xml"
    argv = [
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir=.", f"--junitxml={junit}",
        "-o", "junit_family=xunit1", "tests/test_params.py", "tests/test_unit.py",
    ]
    subprocess.run(argv, cwd=project, capture_output=True)
    report = parse_junit(junit.read_text())
    expected = {n: o for n, o in EXPECTED.items() if n.startswith(("tests/test_params.py", "tests/test_unit.py"))}
    assert {n: r.outcome for n, r in report.tests.items()} == expected


def test_malformed_xml_is_a_readable_error():
    from samplegen_dagster.validation.junit import JUnitError

    with pytest.raises(JUnitError, match="not well-formed"):
        parse_junit("<testsuite><testcase")
    assert parse_junit("").tests == {}
