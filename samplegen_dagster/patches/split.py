"""Split a PR diff into a tests patch and a fix (source) patch.

The diff is ``git diff --binary -M --full-index base merge``, kept as bytes (decoded as
latin-1, a lossless byte<->str mapping) so binary literals and non-UTF-8 files survive
byte for byte. unidiff parses it to know each file's paths and kind (rename, binary, new,
deleted, lines added/removed); the raw text of each file's section is cut at its
``diff --git`` header, because unidiff does not re-emit binary payloads. Renames are
classified by both old and new path: a file moved into or out of a test directory is a
test change only when both sides are test paths.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field
from unidiff import PatchSet

from samplegen_dagster.patches.classify import is_test_path
from samplegen_dagster.sources.mirror import GitError, git

_HEADER = re.compile(r"^diff --git ", re.M)


class FileChange(BaseModel):
    path: str = Field(description="path after the change (before, for deletions)")
    old_path: str | None = Field(default=None, description="path before a rename")
    kind: str = Field(description="modified | added | deleted | renamed | binary")
    is_test: bool
    binary: bool = False
    added: int = 0
    removed: int = 0


class SplitPatches(BaseModel):
    fix_patch: str = Field(description="source changes (latin-1 decoded bytes)")
    tests_patch: str = Field(description="test changes (latin-1 decoded bytes)")
    files: list[FileChange]

    @property
    def fix_files(self) -> list[FileChange]:
        return [f for f in self.files if not f.is_test]

    @property
    def test_files(self) -> list[FileChange]:
        return [f for f in self.files if f.is_test]


class PatchError(ValueError):
    pass


def _strip(p: str | None) -> str | None:
    if p is None or p == "/dev/null":
        return None
    return p[2:] if p[:2] in ("a/", "b/") else p


def pr_diff(repo_dir: Path, base: str, head: str) -> str:
    """The PR's diff as latin-1 text (bytes preserved)."""
    return git(
        "-c", "core.quotepath=off", "diff", "--binary", "-M", "--full-index", "--no-color", "--no-ext-diff", base, head,
        cwd=repo_dir,
        encoding="latin-1",
    )


def split_diff(diff: str) -> SplitPatches:
    starts = [m.start() for m in _HEADER.finditer(diff)]
    chunks = [diff[s:e] for s, e in zip(starts, starts[1:] + [len(diff)])]
    parsed = list(PatchSet(diff))
    if len(parsed) != len(chunks):
        raise PatchError(f"diff has {len(chunks)} file sections but unidiff parsed {len(parsed)}")
    files, fix, tests = [], [], []
    for chunk, pf in zip(chunks, parsed):
        old, new = _strip(pf.source_file), _strip(pf.target_file)
        if pf.is_rename:
            kind = "renamed"
        elif pf.is_added_file:
            kind = "added"
        elif pf.is_removed_file:
            kind = "deleted"
        else:
            kind = "modified"
        path = new or old or pf.path
        if pf.is_rename:
            test = is_test_path(old or "") and is_test_path(new or "")
        else:
            test = is_test_path(path)
        files.append(
            FileChange(
                path=path,
                old_path=old if pf.is_rename else None,
                kind=kind,
                is_test=test,
                binary=bool(pf.is_binary_file),
                added=pf.added,
                removed=pf.removed,
            )
        )
        (tests if test else fix).append(chunk)
    return SplitPatches(fix_patch="".join(fix), tests_patch="".join(tests), files=files)


def apply_patch(repo_dir: Path, text: str) -> None:
    """``git apply`` one patch (latin-1 text, bytes preserved) to the work tree; ``GitError`` if it does not apply."""
    git("apply", "--binary", "--whitespace=nowarn", "-", cwd=repo_dir, input=text.encode("latin-1"))


def check_apply(repo_dir: Path, *patches: tuple[str, str]) -> None:
    """Apply ``(name, text)`` patches in order to the work tree of ``repo_dir``; raise on the first failure."""
    for name, text in patches:
        if not text:
            continue
        try:
            apply_patch(repo_dir, text)
        except GitError as e:
            raise PatchError(f"{name} does not apply: {e}") from None
