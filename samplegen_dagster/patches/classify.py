"""Is this path part of the tests? Decided on whole path components and file names.

A path is a test path when

* one of its directories is a test directory: ``test``, ``tests``, ``testing``,
  ``__tests__``, ``testdata``/``test_data``/``test-data`` (so fixtures and data files
  under them count too), or
* its file name is a test module or pytest support file: ``test_*.py``, ``*_test.py``,
  ``*_tests.py``, ``tests.py``, ``conftest.py``.

Substrings never count: ``latest.py``, ``attest.py``, ``contest/`` and ``testimony.py``
are source.
"""

from __future__ import annotations

from pathlib import PurePosixPath

TEST_DIRS = frozenset({"test", "tests", "testing", "__tests__", "testdata", "test_data", "test-data"})


def is_test_path(path: str) -> bool:
    parts = PurePosixPath(path).parts
    if not parts:
        return False
    if any(p.lower() in TEST_DIRS for p in parts[:-1]):
        return True
    name = parts[-1].lower()
    if name in {"conftest.py", "tests.py", "test.py"}:
        return True
    if name.endswith(".py"):
        stem = name[:-3]
        return stem.startswith("test_") or stem.endswith("_test") or stem.endswith("_tests")
    return False


def is_test_module(path: str) -> bool:
    """A file pytest would collect as a test module (by the default ``python_files`` rules)."""
    name = PurePosixPath(path).name
    if not name.endswith(".py") or name in {"conftest.py", "__init__.py"}:
        return False
    stem = name[:-3]
    return stem.startswith("test_") or stem.endswith("_test") or name == "tests.py"
