"""Splitting real diffs: every kind of change must survive the round trip."""

import subprocess
from pathlib import Path

import pytest

from samplegen_dagster.patches.split import PatchError, check_apply, pr_diff, split_diff
from samplegen_dagster_tests.conftest import init_repo


def sh(cwd: Path, *args: str) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    r = tmp_path / "r"
    init_repo(r)
    files = {
        "pkg/core.py": "def f():\n    return 1\n",
        "pkg/old_name.py": "X = 1\n" * 20,
        "pkg/latest.py": "def latest():\n    return 0\n",
        "pkg/gone.py": "Y = 2\n",
        "pkg/icon.bin": bytes(range(256)) * 4,
        "pkg/latin1.py": "# caf\xe9\nZ = 1\n".encode("latin-1"),
        "tests/test_core.py": "def test_f():\n    pass\n",
        "tests/test_gone.py": "def test_gone():\n    pass\n",
        "tests/data/blob.bin": b"\x00\x01\x02" * 50,
    }
    for rel, content in files.items():
        p = r / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode())
    sh(r, "git", "add", "-A")
    sh(r, "git", "commit", "-qm", "base")
    # The "PR": modify, rename (with edit), add, delete, binary modify/add, non-UTF-8 edit.
    (r / "pkg/core.py").write_text("def f():\n    return 2\n")
    sh(r, "git", "mv", "pkg/old_name.py", "pkg/new_name.py")
    (r / "pkg/new_name.py").write_text("X = 1\n" * 19 + "X = 3\n")
    (r / "pkg/latest.py").write_text("def latest():\n    return 1\n")
    (r / "pkg/added.py").write_text("A = 1\n")
    sh(r, "git", "rm", "-q", "pkg/gone.py", "tests/test_gone.py")
    (r / "pkg/icon.bin").write_bytes(bytes(range(255, -1, -1)) * 4)
    (r / "pkg/new.bin").write_bytes(b"\x00\xff" * 64)
    (r / "pkg/latin1.py").write_bytes("# caf\xe9 cr\xe8me\nZ = 2\n".encode("latin-1"))
    (r / "tests/test_core.py").write_text("def test_f():\n    assert True\n")
    (r / "tests/data/blob.bin").write_bytes(b"\x00\x09" * 70)
    (r / "tests/test_new.py").write_text("def test_new():\n    pass\n")
    sh(r, "git", "add", "-A")
    sh(r, "git", "commit", "-qm", "pr")
    return r


def tree(r: Path, rev: str) -> dict[str, bytes]:
    out = {}
    for path in sh(r, "git", "ls-tree", "-r", "--name-only", rev).split("\n"):
        if path:
            out[path] = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=r, capture_output=True, check=True).stdout
    return out


def worktree(r: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(r)): p.read_bytes() for p in r.rglob("*") if p.is_file() and ".git" not in p.relative_to(r).parts
    }


def test_split_classifies_and_round_trips(repo):
    split = split_diff(pr_diff(repo, "HEAD~1", "HEAD"))
    kinds = {f.path: (f.kind, f.is_test, f.binary) for f in split.files}
    assert kinds == {
        "pkg/core.py": ("modified", False, False),
        "pkg/new_name.py": ("renamed", False, False),
        "pkg/latest.py": ("modified", False, False),
        "pkg/added.py": ("added", False, False),
        "pkg/gone.py": ("deleted", False, False),
        "pkg/icon.bin": ("modified", False, True),
        "pkg/new.bin": ("added", False, True),
        "pkg/latin1.py": ("modified", False, False),
        "tests/test_core.py": ("modified", True, False),
        "tests/test_gone.py": ("deleted", True, False),
        "tests/data/blob.bin": ("modified", True, True),
        "tests/test_new.py": ("added", True, False),
    }
    assert next(f for f in split.files if f.kind == "renamed").old_path == "pkg/old_name.py"
    # Apply tests then fix on a clean checkout of the base: the result is the PR's tree, byte for byte.
    sh(repo, "git", "checkout", "-q", "HEAD~1")
    check_apply(repo, ("tests.patch", split.tests_patch), ("fix.patch", split.fix_patch))
    assert worktree(repo) == tree(repo, "main")


def test_tests_patch_alone_touches_only_tests(repo):
    split = split_diff(pr_diff(repo, "HEAD~1", "HEAD"))
    sh(repo, "git", "checkout", "-q", "HEAD~1")
    before = worktree(repo)
    check_apply(repo, ("tests.patch", split.tests_patch))
    after = worktree(repo)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert changed == {"tests/test_core.py", "tests/test_gone.py", "tests/data/blob.bin", "tests/test_new.py"}


def test_patch_that_does_not_apply_is_reported(repo):
    split = split_diff(pr_diff(repo, "HEAD~1", "HEAD"))
    # On the PR's own tree the fix is already there, so it cannot apply again.
    with pytest.raises(PatchError, match="fix.patch does not apply"):
        check_apply(repo, ("fix.patch", split.fix_patch))
