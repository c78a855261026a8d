"""Repository facts read from a checkout: language, test framework.

Language is the one with most source files tracked by git (by extension); the test
framework is pytest when pytest configuration or imports are present, ``unittest`` when
test modules only use ``unittest`` (such suites are still run under pytest, which
collects ``TestCase`` classes natively).
"""

from __future__ import annotations

import configparser
import re
import tomllib
from collections import Counter
from pathlib import Path, PurePosixPath

from samplegen_dagster.patches.classify import is_test_path
from samplegen_dagster.sources.mirror import git

EXTENSIONS = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".rb": "ruby",
    ".php": "php",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cs": "csharp",
    ".kt": "kotlin",
    ".swift": "swift",
}


def tracked_files(root: Path) -> list[str]:
    return [p for p in git("ls-files", "-z", cwd=root).split("\0") if p]


def detect_language(files: list[str]) -> str:
    counts = Counter(EXTENSIONS[s] for f in files if (s := PurePosixPath(f).suffix.lower()) in EXTENSIONS)
    return counts.most_common(1)[0][0] if counts else "unknown"


def _has_pytest_config(root: Path) -> bool:
    if (root / "pytest.ini").is_file() or (root / "conftest.py").is_file():
        return True
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "pytest" in (tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool") or {}):
                return True
        except tomllib.TOMLDecodeError:
            pass
    for name, section in (("setup.cfg", "tool:pytest"), ("tox.ini", "pytest")):
        if (root / name).is_file():
            cp = configparser.ConfigParser(interpolation=None, strict=False)
            try:
                cp.read_string((root / name).read_text(encoding="utf-8", errors="replace"))
            except configparser.Error:
                continue
            if cp.has_section(section):
                return True
    return False


def detect_test_framework(root: Path, files: list[str]) -> str:
    if _has_pytest_config(root):
        return "pytest"
    uses_pytest = uses_unittest = False
    for f in files:
        if f.endswith(".py") and is_test_path(f):
            try:
                text = (root / f).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            uses_pytest |= bool(re.search(r"^\s*(import pytest|from pytest )", text, re.M)) or "conftest" in f
            uses_unittest |= bool(re.search(r"^\s*(import unittest|from unittest )", text, re.M))
    if uses_pytest:
        return "pytest"
    if uses_unittest:
        return "unittest"
    return "pytest"
