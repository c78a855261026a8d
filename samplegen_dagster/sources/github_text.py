"""Pure text rules for GitHub PRs: linked issues, and answer leaks in problem statements.

Nothing here talks to GitHub; ``sources.github`` feeds it titles, bodies, commit messages
and patches, and the tests exercise it directly.

* ``linked_issues`` finds GitHub's closing keywords (``fixes``/``closes``/``resolves`` and
  their inflections) followed by ``#N``, ``owner/repo#N`` or an issue URL. References to
  the PR's own repository are normalised to ``#N``; others stay ``owner/repo#N``.
* ``strip_leaks`` removes what would hand a solver the answer: fenced code blocks that are
  (mostly) the PR's own diff, and lines saying where the fix landed ("fixed in #123",
  "fixed by abc1234"). It returns what it removed so the caller can record it.
"""

from __future__ import annotations

import re

_KEYWORD = r"(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)"
_REF = r"(?:(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<name>[A-Za-z0-9._-]+))?#(?P<num>\d+)"
_URL_REF = r"https?://[^\s/]+/(?P<uowner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<uname>[A-Za-z0-9._-]+)/issues/(?P<unum>\d+)"
_ONE_REF = rf"(?:{_URL_REF}|{_REF})"
# keyword, optional colon, then one reference; a following ", #M" / "and #M" list is
# handled by _LIST_TAIL so "fixes #1, #2 and #3" links all three.
_LINK_RE = re.compile(rf"\b{_KEYWORD}\b:?\s+{_ONE_REF}", re.IGNORECASE)
_LIST_TAIL_RE = re.compile(rf"^\s*(?:,|and|&)\s*{_ONE_REF}", re.IGNORECASE)


def _norm(repo: str, owner: str | None, name: str | None, num: str) -> str:
    if owner and name and f"{owner}/{name}".lower() != repo.lower():
        return f"{owner}/{name}#{int(num)}"
    return f"#{int(num)}"


def _ref_of(m: re.Match[str], repo: str) -> str:
    if m.group("unum"):
        return _norm(repo, m.group("uowner"), m.group("uname"), m.group("unum"))
    return _norm(repo, m.group("owner"), m.group("name"), m.group("num"))


def linked_issues(repo: str, *texts: str | None) -> list[str]:
    """Issues a PR says it closes, in order of first mention, without duplicates."""
    found: list[str] = []
    for text in texts:
        for m in _LINK_RE.finditer(text or ""):
            refs = [_ref_of(m, repo)]
            rest = (text or "")[m.end():]
            while (tail := _LIST_TAIL_RE.match(rest)) is not None:
                refs.append(_ref_of(tail, repo))
                rest = rest[tail.end():]
            for ref in refs:
                if ref not in found:
                    found.append(ref)
    return found


def split_ref(ref: str, repo: str) -> tuple[str, int]:
    """``#N`` -> (repo, N); ``owner/name#N`` -> (owner/name, N)."""
    other, _, num = ref.partition("#")
    return (other or repo), int(num)


def patch_lines(patches: list[str | None]) -> set[str]:
    """The added and removed lines of a PR's file patches, stripped, ignoring trivial ones."""
    lines: set[str] = set()
    for patch in patches:
        for line in (patch or "").splitlines():
            if line[:1] in "+-" and not line.startswith(("+++", "---")):
                body = line[1:].strip()
                if len(body) >= 6:
                    lines.add(body)
    return lines


_FENCE_RE = re.compile(r"^(?P<fence>```|~~~)[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$\n?", re.MULTILINE | re.DOTALL)


def _is_own_diff(block: str, own_lines: set[str], changed_paths: set[str]) -> bool:
    lines = block.splitlines()
    for line in lines:
        if line.startswith("diff --git "):
            parts = line.split()
            paths = {p.removeprefix("a/").removeprefix("b/") for p in parts[2:4]}
            if paths & changed_paths:
                return True
    changes = [ln[1:].strip() for ln in lines if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    changes = [c for c in changes if len(c) >= 6]
    if len(changes) < 2:
        return False
    looks_like_diff = any(ln.startswith("@@ ") for ln in lines) or len(changes) * 2 >= len(lines)
    overlap = sum(1 for c in changes if c in own_lines)
    return looks_like_diff and overlap * 2 >= len(changes)


def strip_leaks(
    text: str,
    *,
    own_lines: set[str],
    changed_paths: set[str],
    pr_number: int | None = None,
    merge_commit: str | None = None,
) -> tuple[str, list[str]]:
    """Remove pasted copies of the PR's diff and "fixed in ..." lines; return (text, removed)."""
    removed: list[str] = []

    def drop_block(m: re.Match[str]) -> str:
        if _is_own_diff(m.group("body"), own_lines, changed_paths):
            removed.append("code block containing this PR's diff")
            return ""
        return m.group(0)

    text = _FENCE_RE.sub(drop_block, text or "")

    targets = [r"#\d+", r"https?://\S+/pull/\d+"]
    if pr_number is not None:
        targets.append(rf"(?:PR|pull request)\s*#?{pr_number}\b")
    if merge_commit:
        targets.append(re.escape(merge_commit[:7]) + r"[0-9a-f]*")
    fixed_re = re.compile(
        rf"\b(?:fixed|resolved|closed|addressed|solved|fix(?:ed)?)\s+(?:in|by|via|with)\s+(?:PR\s*|pull request\s*)?(?:{'|'.join(targets)})",
        re.IGNORECASE,
    )
    kept: list[str] = []
    for line in text.splitlines():
        if fixed_re.search(line):
            removed.append(f"line announcing the fix: {line.strip()[:80]}")
            continue
        kept.append(line)
    out = "\n".join(kept)
    out = re.sub(r"\n{3,}", "\n\n", out).strip("\n")
    return out, removed
