import pytest

from samplegen_dagster.patches.classify import is_test_module, is_test_path


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_x.py",
        "test/helpers.py",
        "pkg/testing/utils.py",
        "tests/fixtures/data.json",
        "tests/data/sample.bin",
        "src/pkg/tests/conftest.py",
        "conftest.py",
        "pkg/test_api.py",
        "pkg/api_test.py",
        "app/tests.py",
        "Tests/TestSomething.py",
        "pkg/testdata/input.txt",
    ],
)
def test_test_paths(path):
    assert is_test_path(path)


@pytest.mark.parametrize(
    "path",
    ["latest.py", "pkg/attest.py", "contest/solver.py", "testimony.py", "pkg/latest_test_results.md", "src/protest/x.py", "docs/testing.md", "README.md"],
)
def test_substrings_are_source(path):
    assert not is_test_path(path)


def test_test_modules():
    assert is_test_module("tests/test_a.py")
    assert is_test_module("pkg/a_test.py")
    assert not is_test_module("tests/conftest.py")
    assert not is_test_module("tests/__init__.py")
    assert not is_test_module("tests/helpers.py")
