"""A patch as the edits an agent would make, one unit at a time.

Each unit is a small patch that applies (with ``git apply``) on top of the units before it:

* ``hunk`` - one hunk of a modified (or renamed) text file: an edit of one region;
* ``rename`` - the move of a renamed file (its hunks follow as ``hunk`` units on the new path);
* ``add`` / ``delete`` - a whole text file created or removed;
* ``binary`` - a binary file's change, applied as its ``GIT binary patch`` section.

Patches are latin-1 text (bytes preserved), as ``patches.split`` produces them.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field
from unidiff import PatchSet

from samplegen_dagster.patches.split import _HEADER, _strip

UnitKind = Literal["hunk", "rename", "add", "delete", "binary"]


class EditUnit(BaseModel):
    kind: UnitKind
    path: str = Field(description="path the unit leaves behind (the new path of a rename)")
    old_path: str | None = Field(default=None, description="path before a rename")
    patch: str = Field(description="patch text applying just this unit")
    old_text: str = Field(default="", description="the region before (context + removed lines), hunks only")
    new_text: str = Field(default="", description="the region after (context + added lines), hunks only")
    target_start: int = 0
    target_length: int = 0
    added_lines: list[int] = Field(default_factory=list, description="line numbers of added lines in the file after the whole patch")


def _sections(patch: str) -> list[str]:
    starts = [m.start() for m in _HEADER.finditer(patch)]
    return [patch[s:e] for s, e in zip(starts, starts[1:] + [len(patch)])]


def _region(hunk, keep: str) -> str:
    lines = [ln.value for ln in hunk if ln.line_type in (" ", keep)]
    return "".join(lines)


def _hunk_unit(path: str, hunk) -> EditUnit:
    header = f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
    return EditUnit(
        kind="hunk",
        path=path,
        patch=header + str(hunk),
        old_text=_region(hunk, "-"),
        new_text=_region(hunk, "+"),
        target_start=hunk.target_start,
        target_length=hunk.target_length,
        added_lines=[ln.target_line_no for ln in hunk if ln.line_type == "+"],
    )


def edit_units(patch: str) -> list[EditUnit]:
    units: list[EditUnit] = []
    for section in _sections(patch):
        pf = list(PatchSet(section))[0]
        old, new = _strip(pf.source_file), _strip(pf.target_file)
        path = new or old or pf.path
        if pf.is_binary_file or "GIT binary patch" in section:
            units.append(EditUnit(kind="binary", path=path, old_path=old if pf.is_rename else None, patch=section))
        elif pf.is_added_file:
            units.append(EditUnit(kind="add", path=path, patch=section, new_text="".join(_region(h, "+") for h in pf),
                                  added_lines=[ln.target_line_no for h in pf for ln in h if ln.line_type == "+"]))
        elif pf.is_removed_file:
            units.append(EditUnit(kind="delete", path=old or path, patch=section))
        else:
            if pf.is_rename:
                head = section.split("\n--- ", 1)[0] if len(pf) else section
                head = "\n".join(ln for ln in head.splitlines() if not ln.startswith(("index ", "similarity ", "dissimilarity "))) + "\n"
                units.append(EditUnit(kind="rename", path=path, old_path=old, patch=head))
            units.extend(_hunk_unit(path, h) for h in pf)
    return units


def reverse_hunk_patch(unit: EditUnit) -> str:
    """The patch undoing a ``hunk`` unit (added lines removed, removed lines restored)."""
    if unit.kind != "hunk":
        raise ValueError("only hunk units are reversed")
    head, _, body = unit.patch.partition("\n@@ ")
    first, _, rest = body.partition("\n")
    m = re.match(r"-(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)", first)
    if not m:
        raise ValueError(f"not a hunk header: {first!r}")
    ss, sl, ts, tl, tail = m.groups()
    swapped = []
    for line in rest.splitlines(keepends=True):
        if line.startswith("+"):
            swapped.append("-" + line[1:])
        elif line.startswith("-"):
            swapped.append("+" + line[1:])
        else:
            swapped.append(line)
    new_first = f"-{ts}" + (f",{tl}" if tl is not None else "") + f" +{ss}" + (f",{sl}" if sl is not None else "") + f" @@{tail}"
    return head + "\n@@ " + new_first + "\n" + "".join(swapped)
