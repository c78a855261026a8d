"""Linked-issue parsing and answer-leak stripping (pure functions)."""

from __future__ import annotations

import pytest

from samplegen_dagster.sources.github_text import linked_issues, patch_lines, split_ref, strip_leaks


@pytest.mark.parametrize("text, expected", [
    ("Fixes #12", ["#12"]),
    ("closes #1, #2 and #3", ["#1", "#2", "#3"]),
    ("Resolved: #7", ["#7"]),
    ("This fixed acme/other#5 and FIXES acme/calc#9", ["acme/other#5", "#9"]),
    ("resolves https://github.com/acme/other/issues/44", ["acme/other#44"]),
    ("See #12, related to #13", []),
    ("prefix#12 fixes", []),
    ("Fixes #12 and fixes #12 again", ["#12"]),
    ("suffixes #4", []),
])
def test_linked_issues(text, expected):
    assert linked_issues("acme/calc", text) == expected


def test_linked_issues_across_title_body_and_commits_in_order():
    assert linked_issues("acme/calc", "Fix thing (fixes #3)", None, "msg\n\nCloses #1", "resolves #3") == ["#3", "#1"]
    assert split_ref("#3", "acme/calc") == ("acme/calc", 3)
    assert split_ref("x/y#4", "acme/calc") == ("x/y", 4)


PATCH = "@@ -1,3 +1,3 @@\n def add(a, b):\n-    return a - b\n+    return a + b  # the real sum\n"


def test_pasted_own_diff_is_removed_other_code_is_kept():
    own = patch_lines([PATCH])
    text = (
        "add is broken\n\n```python\n>>> add(2, 3)\n-1\n```\n\n"
        "Proposed:\n```diff\n-    return a - b\n+    return a + b  # the real sum\n```\n"
        "Also unrelated:\n```diff\n-    x = compute_old_thing()\n+    x = compute_new_thing()\n```\n"
    )
    out, removed = strip_leaks(text, own_lines=own, changed_paths={"calc/ops.py"}, pr_number=1)
    assert ">>> add(2, 3)" in out and "compute_new_thing" in out
    assert "return a + b" not in out
    assert removed == ["code block containing this PR's diff"]


def test_diff_header_naming_a_changed_file_is_removed():
    text = "see\n```\ndiff --git a/calc/ops.py b/calc/ops.py\nindex 1..2\n```\nend"
    out, removed = strip_leaks(text, own_lines=set(), changed_paths={"calc/ops.py"})
    assert out == "see\nend" and len(removed) == 1


@pytest.mark.parametrize("line", [
    "Fixed in #1.", "This was fixed by PR #1", "resolved via https://github.com/acme/calc/pull/1",
    "Fixed with abc1234", "closed by pull request 1",
])
def test_fix_announcements_are_removed(line):
    out, removed = strip_leaks(f"Bug report\n{line}\nmore", own_lines=set(), changed_paths=set(), pr_number=1,
                               merge_commit="abc1234def")
    assert out == "Bug report\nmore" and len(removed) == 1


def test_ordinary_text_is_untouched():
    text = "Fix the docs in #12? It is fixed in place by the loader.\n```\n+ not a diff\n```"
    out, removed = strip_leaks(text, own_lines={"not a diff"}, changed_paths=set(), pr_number=1)
    assert (out, removed) == (text, [])
