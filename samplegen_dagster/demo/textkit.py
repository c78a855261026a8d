'''Build ``acme/textkit``: a small text-utilities package whose history holds one PR of each kind.

The same builder serves ``samplegen demo`` (so a fresh machine writes real samples with
no network) and the test-suite (so assertions name exact tests and reasons). Commit dates
are fixed, so the history -- and every SHA -- is identical wherever it is built.

PRs on ``main`` (first-parent):

==  ======  ==========================================================  ==========================
#   merged  what                                                        expected
==  ======  ==========================================================  ==========================
1   merge   naturalsize rounds 999_950 to "1000.0 kB"; parametrized     accepted; ids with spaces
            ids with spaces and brackets                                and brackets
2   squash  slugify drops accented letters; unittest-style TestCase     accepted
3   squash  shorten() docstring and type hints only                    rejected: no_test_changes
4   merge   more tests for latest_version that already pass            rejected: no_fail_to_pass
5   merge   wrap.py renamed to wrapping.py, shorten off-by-one fix,     accepted
            binary test fixture and binary source table
6   merge   slugify separator change that breaks an existing test      rejected: pass_to_fail
==  ======  ==========================================================  ==========================
'''

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = "acme/textkit"
ACCEPTED = (1, 2, 5)
REJECTED = {3: "no_test_changes", 4: "no_fail_to_pass", 6: "pass_to_fail"}

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "textkit"
version = "{version}"
description = "Small text utilities: human-readable sizes, slugs, shortening."
requires-python = ">=3.9"
dependencies = []

[project.optional-dependencies]
test = ["pytest>=7"]

[tool.setuptools.packages.find]
include = ["textkit*"]

[tool.setuptools.package-data]
textkit = ["data/*.bin"]
"""

INIT = '''"""textkit: small text utilities."""

from textkit.latest import latest_version
from textkit.sizes import naturalsize
from textkit.slug import slugify
from textkit.{wrap_module} import shorten

__all__ = ["latest_version", "naturalsize", "shorten", "slugify"]
'''

SIZES_V1 = '''"""Human-readable file sizes."""

UNITS = ("kB", "MB", "GB", "TB", "PB")


def naturalsize(value: float) -> str:
    """Format a number of bytes as a decimal (SI) size: ``naturalsize(3000) == "3.0 kB"``."""
    value = float(value)
    if abs(value) < 1000:
        return f"{int(value)} Bytes" if value != 1 else "1 Byte"
    for unit in UNITS:
        value /= 1000
        if abs(value) < 1000 or unit == UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")
'''

SIZES_V2 = '''"""Human-readable file sizes."""

UNITS = ("kB", "MB", "GB", "TB", "PB")


def naturalsize(value: float) -> str:
    """Format a number of bytes as a decimal (SI) size: ``naturalsize(3000) == "3.0 kB"``."""
    value = float(value)
    if abs(value) < 1000:
        return f"{int(value)} Bytes" if value != 1 else "1 Byte"
    for unit in UNITS:
        value /= 1000
        # Round first: 999.95 kB prints as "1000.0 kB" unless it moves to the next unit.
        if abs(round(value, 1)) < 1000 or unit == UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")
'''

TEST_SIZES_V1 = '''import pytest

from textkit.sizes import naturalsize


def test_bytes():
    assert naturalsize(0) == "0 Bytes"
    assert naturalsize(1) == "1 Byte"
    assert naturalsize(999) == "999 Bytes"


@pytest.mark.parametrize("value, expected", [(3000, "3.0 kB"), (4_500_000, "4.5 MB")])
def test_units(value, expected):
    assert naturalsize(value) == expected
'''

TEST_SIZES_V2 = TEST_SIZES_V1 + '''

@pytest.mark.parametrize(
    "value, expected",
    [(999_950, "1.0 MB"), (999_949, "999.9 kB"), (999_950_000, "1.0 GB")],
    ids=["just below 1 MB [rounds up]", "below 1 MB [stays]", "just below 1 GB [rounds up]"],
)
def test_unit_boundaries(value, expected):
    assert naturalsize(value) == expected
'''

SLUG_V1 = '''"""URL slugs."""

import re


def slugify(text: str, separator: str = "-") -> str:
    """Lower-case ``text`` and join its words with ``separator``: ``"Hello World" -> "hello-world"``."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return separator.join(words)
'''

SLUG_V2 = '''"""URL slugs."""

import re
import unicodedata


def slugify(text: str, separator: str = "-") -> str:
    """Lower-case ``text`` and join its words with ``separator``: ``"Hello World" -> "hello-world"``."""
    # Decompose accented letters (é -> e + combining accent) and drop the accents,
    # instead of dropping the letters themselves.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", text.lower())
    return separator.join(words)
'''

SLUG_V3 = SLUG_V2.replace('separator: str = "-"', 'separator: str = "_"')

TEST_SLUG_V1 = '''import unittest

from textkit.slug import slugify


class SlugifyTests(unittest.TestCase):
    def test_words(self):
        self.assertEqual(slugify("Hello, World!"), "hello-world")

    def test_separator(self):
        self.assertEqual(slugify("a b c", separator="."), "a.b.c")
'''

TEST_SLUG_V2 = TEST_SLUG_V1 + '''
    def test_accents_are_transliterated(self):
        self.assertEqual(slugify("Crème Brûlée"), "creme-brulee")

    def test_only_accents(self):
        self.assertEqual(slugify("Ééé"), "eee")
'''

TEST_SLUG_V3 = TEST_SLUG_V2 + '''
    def test_default_separator_is_underscore(self):
        self.assertEqual(slugify("snake case please"), "snake_case_please")
'''

WRAP_V1 = '''"""Shortening text for one-line displays."""


def shorten(text, width, placeholder="..."):
    """Collapse whitespace and cut ``text`` to at most ``width`` characters, ending in ``placeholder``."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return text[: width - len(placeholder) + 1] + placeholder
'''

WRAP_V1_DOC = '''"""Shortening text for one-line displays."""


def shorten(text: str, width: int, placeholder: str = "...") -> str:
    """Collapse whitespace and cut ``text`` to at most ``width`` characters.

    When ``text`` is longer than ``width`` it is cut and ends in ``placeholder``;
    the placeholder counts towards ``width``.
    """
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return text[: width - len(placeholder) + 1] + placeholder
'''

WRAPPING_V2 = WRAP_V1_DOC.replace("width - len(placeholder) + 1", "width - len(placeholder)")

TEST_WRAP_V1 = '''from textkit.{module} import shorten


def test_short_text_is_unchanged():
    assert shorten("hello", 10) == "hello"


def test_whitespace_is_collapsed():
    assert shorten("a   b\\n c", 10) == "a b c"
'''

TEST_WRAP_V2 = TEST_WRAP_V1.replace("{module}", "wrapping") + '''

def test_cut_text_fits_width():
    assert shorten("The quick brown fox", 10) == "The qui..."
    assert len(shorten("The quick brown fox", 10)) == 10


def test_binary_fixture_roundtrip():
    from pathlib import Path

    raw = (Path(__file__).parent / "data" / "sample.bin").read_bytes()
    assert raw[:4] == b"\\x00TK\\x01"
    text = raw[4:].decode("latin-1")
    assert len(shorten(text, 12)) == 12
'''

LATEST = '''"""Pick the newest of several version strings."""


def _key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in version.split("."))


def latest_version(versions):
    """The highest of ``versions`` by numeric components: ``["1.9", "1.10"] -> "1.10"``."""
    if not versions:
        raise ValueError("no versions given")
    return max(versions, key=_key)
'''

LATEST_V2 = LATEST.replace('    """The highest', '    """Return the highest').replace(
    "    return max(versions, key=_key)", "    versions = list(versions)\n    return max(versions, key=_key)"
)

TEST_LATEST_V1 = '''from textkit.latest import latest_version


def test_numeric_ordering():
    assert latest_version(["1.9", "1.10"]) == "1.10"
'''

TEST_LATEST_V2 = TEST_LATEST_V1 + '''

def test_single_version():
    assert latest_version(["0.1"]) == "0.1"


def test_generator_input():
    assert latest_version(v for v in ["2.0", "10.0", "9.9"]) == "10.0"
'''

README = "# textkit\n\nSmall text utilities: `naturalsize`, `slugify`, `shorten`, `latest_version`.\n"

TABLE_V1 = bytes([0, 1, 2, 3, 255, 254]) + b"width-table-v1" + bytes(range(0, 32))
TABLE_V2 = bytes([0, 1, 2, 3, 255, 254]) + b"width-table-v2" + bytes(range(32, 0, -1))
SAMPLE_BIN = b"\x00TK\x01" + "Grüße aus Köln, très bien".encode("latin-1")


class _Repo:
    def __init__(self, path: Path):
        self.path = path
        self.tick = 0

    def git(self, *args: str) -> str:
        self.tick += 1
        stamp = f"{1_700_000_000 + self.tick * 3600} +0000"
        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
        }
        return subprocess.run(["git", *args], cwd=self.path, env=env, check=True, capture_output=True, text=True).stdout

    def write(self, files: dict[str, str | bytes | None]) -> None:
        for rel, content in files.items():
            target = self.path / rel
            if content is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")

    def commit(self, message: str, files: dict[str, str | bytes | None], author: str = "Dana Maintainer <dana@acme.test>") -> None:
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--author", author, "-m", message)

    def merge_pr(self, number: int, branch: str, user: str, title: str, body: str, commits: list[tuple[str, dict]]) -> None:
        self.git("checkout", "-q", "-b", branch)
        for message, files in commits:
            self.commit(message, files, author=f"{user} <{user}@users.test>")
        self.git("checkout", "-q", "main")
        msg = f"Merge pull request #{number} from {user}/{branch}\n\n{title}\n\n{body}".rstrip()
        self.git("merge", "-q", "--no-ff", "-m", msg, branch)
        self.git("branch", "-q", "-D", branch)

    def squash_pr(self, number: int, title: str, body: str, files: dict, user: str) -> None:
        self.commit(f"{title} (#{number})\n\n{body}".rstrip(), files, author=f"{user} <{user}@users.test>")


def build(dest: Path, *, bare: bool = False) -> Path:
    """Create the repository at ``dest`` (replacing it); return the path to use as its URL."""
    dest = Path(dest)
    work = dest.with_name(dest.name + ".work") if bare else dest
    for p in {dest, work}:
        shutil.rmtree(p, ignore_errors=True)
    work.mkdir(parents=True)
    r = _Repo(work)
    r.git("init", "-q", "-b", "main")
    r.git("config", "user.name", "Dana Maintainer")
    r.git("config", "user.email", "dana@acme.test")
    r.commit(
        "Initial import of textkit",
        {
            "pyproject.toml": PYPROJECT.format(version="0.1.0"),
            "README.md": README,
            "textkit/__init__.py": INIT.format(wrap_module="wrap"),
            "textkit/sizes.py": SIZES_V1,
            "textkit/slug.py": SLUG_V1,
            "textkit/wrap.py": WRAP_V1,
            "textkit/latest.py": LATEST,
            "textkit/data/table.bin": TABLE_V1,
            "tests/__init__.py": "",
            "tests/test_sizes.py": TEST_SIZES_V1,
            "tests/test_slug.py": TEST_SLUG_V1,
            "tests/test_wrap.py": TEST_WRAP_V1.replace("{module}", "wrap"),
            "tests/test_latest.py": TEST_LATEST_V1,
        },
    )
    r.merge_pr(
        1,
        "fix-size-rounding",
        "alice",
        "Fix naturalsize rounding just below a unit boundary",
        "naturalsize(999_950) returns '1000.0 kB'; it should move to the next unit and return '1.0 MB'.",
        [
            ("Add failing boundary cases for naturalsize", {"tests/test_sizes.py": TEST_SIZES_V2}),
            ("Round before choosing the unit", {"textkit/sizes.py": SIZES_V2}),
        ],
    )
    r.squash_pr(
        2,
        "Transliterate accented characters in slugify",
        "slugify('Crème Brûlée') returned 'cr-me-br-l-e': accented letters were dropped.\n"
        "Normalize to NFKD and strip the combining marks instead.",
        {"textkit/slug.py": SLUG_V2, "tests/test_slug.py": TEST_SLUG_V2, "pyproject.toml": PYPROJECT.format(version="0.1.1")},
        user="bob",
    )
    r.squash_pr(3, "Document shorten() and add type hints", "", {"textkit/wrap.py": WRAP_V1_DOC}, user="carol")
    r.merge_pr(
        4,
        "latest-tests",
        "erin",
        "Cover latest_version with more inputs",
        "Adds tests for single versions and generator input; small tidy-up in latest.py.",
        [("More latest_version tests", {"tests/test_latest.py": TEST_LATEST_V2, "textkit/latest.py": LATEST_V2})],
    )
    r.git("checkout", "-q", "-b", "wrapping-module")
    r.git("mv", "textkit/wrap.py", "textkit/wrapping.py")
    r.git("mv", "tests/test_wrap.py", "tests/test_wrapping.py")
    r.git("commit", "-q", "--author", "frank <frank@users.test>", "-m", "Rename wrap to wrapping")
    r.commit(
        "Fix shorten() exceeding width by one; binary width table v2",
        {
            "textkit/wrapping.py": WRAPPING_V2,
            "textkit/__init__.py": INIT.format(wrap_module="wrapping"),
            "textkit/data/table.bin": TABLE_V2,
            "tests/test_wrapping.py": TEST_WRAP_V2,
            "tests/data/sample.bin": SAMPLE_BIN,
        },
        author="frank <frank@users.test>",
    )
    r.git("checkout", "-q", "main")
    r.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #5 from frank/wrapping-module\n\nshorten() returns one character more than width\n\n"
        "shorten('The quick brown fox', 10) returned 11 characters. Also renames textkit.wrap to textkit.wrapping.",
        "wrapping-module",
    )
    r.git("branch", "-q", "-D", "wrapping-module")
    r.merge_pr(
        6,
        "underscore-slugs",
        "grace",
        "Use underscores as the default slug separator",
        "Our URLs use snake_case.",
        [("Default separator '_'", {"textkit/slug.py": SLUG_V3, "tests/test_slug.py": TEST_SLUG_V3})],
    )
    if bare:
        subprocess.run(["git", "clone", "-q", "--bare", str(work), str(dest)], check=True)
        shutil.rmtree(work)
    return dest


def repos_yaml(url: str | Path) -> str:
    return f"repositories:\n  - repo: {REPO}\n    url: {url}\n"
