"""Pure selection rules over ``Candidate`` models.

``decide`` applies the rules in the order of ``REASONS``. Each rule reads only the fields
it needs; when a field is still ``None`` (not fetched) the rule is skipped and
``decide(..., partial=True)`` reports ``None`` ("cannot tell yet") instead of accepting.
That lets ``select`` reject most PRs from listing data before spending API requests on
file lists. ``score`` orders accepted candidates; higher is better.
"""

from __future__ import annotations

import re

from samplegen_dagster.patches.classify import is_test_path
from samplegen_dagster.selection.models import REASONS, Candidate, CandidateFile, Decision, FileKind, FunnelReport, SelectionRules

_REVERT_RE = re.compile(r'^\s*revert\b|^\s*"?revert "|\bthis reverts commit [0-9a-f]{7,}', re.IGNORECASE | re.MULTILINE)
_BUMP_RE = re.compile(
    r"^\s*(?:(?:chore|build|ci|deps)\((?:deps|deps-dev|dependencies)\)|\[?deps?\]?:|bump\s+\S+\s+from\s|"
    r"update (?:dependency|module) \S+ to v?\d|\[snyk\]|\[pre-commit\.ci\]|pin dependencies|lock file maintenance)",
    re.IGNORECASE,
)


def file_kind(path: str) -> FileKind:
    if is_test_path(path):
        return "test"
    if path.endswith(".py") or path.endswith(".pyi"):
        return "source"
    return "other"


def candidate_file(path: str, status: str = "modified", additions: int = 0, deletions: int = 0) -> CandidateFile:
    return CandidateFile(path=path, status=status, additions=additions, deletions=deletions, kind=file_kind(path))


def is_revert(c: Candidate) -> bool:
    return bool(_REVERT_RE.search(c.title) or _REVERT_RE.search(c.body or ""))


def is_bot_or_bump(c: Candidate, rules: SelectionRules) -> bool:
    login = (c.author or "").lower().removesuffix("[bot]")
    if c.author_is_bot or (c.author or "").lower().endswith("[bot]") or login in {b.lower() for b in rules.bot_logins}:
        return True
    if {lbl.lower() for lbl in c.labels} & {d.lower() for d in rules.dependency_labels}:
        return True
    return bool(_BUMP_RE.search(c.title))


def _counts(c: Candidate) -> tuple[int, int, int]:
    files = c.files or []
    src = [f for f in files if f.kind == "source"]
    tests = [f for f in files if f.kind == "test"]
    return len(src), len(tests), sum(f.additions + f.deletions for f in src)


def decide(c: Candidate, rules: SelectionRules, *, partial: bool = False) -> Decision | None:
    """The decision for ``c``; with ``partial`` returns ``None`` when only fetched details can tell."""

    def reject(reason: str, detail: str) -> Decision:
        assert reason in REASONS, reason
        n_src, n_test, lines = _counts(c) if c.files is not None else (None, None, None)
        return Decision(
            repo=c.repo, number=c.number, title=c.title, accepted=False, reason=reason, detail=detail,  # type: ignore[arg-type]
            source_files=n_src, test_files=n_test, source_lines=lines, linked_issues=c.linked_issues,
        )

    if not c.merged or c.draft:
        return reject("not_merged", "closed without being merged" if not c.draft else "draft PR")
    # language None means the source cannot tell (offline git history): not a rejection
    if rules.languages and c.language is not None and c.language not in rules.languages:
        return reject("not_python", f"repository language is {c.language or 'none'}, not {'/'.join(rules.languages)}")
    if rules.exclude_reverts and is_revert(c):
        return reject("revert", "reverts an earlier change")
    if rules.exclude_bots and is_bot_or_bump(c, rules):
        return reject("bot_or_dependency_bump", f"author {c.author or '?'} / title {c.title[:60]!r}")
    if c.fetch_error:
        return reject("fetch_failed", c.fetch_error)
    if c.files is None:
        if partial:
            return None
        return reject("fetch_failed", "changed files were not fetched")
    n_src, n_test, lines = _counts(c)
    if n_src < rules.min_source_files:
        return reject("no_source_changes", f"{n_src} non-test Python files changed")
    if rules.require_tests and n_test == 0:
        return reject("no_test_changes", "no test file changed")
    if n_src > rules.max_source_files:
        return reject("too_many_source_files", f"{n_src} source files > {rules.max_source_files}")
    if lines > rules.max_source_lines:
        return reject("too_many_source_lines", f"{lines} source lines changed > {rules.max_source_lines}")
    if rules.linked_issue == "required" and not c.linked_issues:
        if c.commit_messages is None and partial:
            return None  # the link may still be in a commit message
        return reject("no_linked_issue", "no 'fixes #N' in title, body or commit messages")
    s = score(c, rules)
    return Decision(
        repo=c.repo, number=c.number, title=c.title, accepted=True, detail=f"score {s:.2f}", score=s,
        source_files=n_src, test_files=n_test, source_lines=lines, linked_issues=c.linked_issues,
    )


def score(c: Candidate, rules: SelectionRules) -> float:
    """Higher is better: a linked issue, new tests, and a small focused source change.

    linked issue +2 (only when ``linked_issue`` is not ``ignored``), a test file added +0.5,
    then minus the fraction of the line and file budgets used (each at most 1).
    """
    n_src, _, lines = _counts(c)
    s = 0.0
    if c.linked_issues and rules.linked_issue != "ignored":
        s += 2.0
    if any(f.kind == "test" and f.status == "added" for f in c.files or []):
        s += 0.5
    s -= min(lines / rules.max_source_lines, 1.0)
    s -= min(max(n_src - 1, 0) / rules.max_source_files, 1.0)
    return round(s, 4)


def funnel(
    repo: str, decisions: list[Decision], rules: SelectionRules, error: str | None = None, fatal: bool = False
) -> FunnelReport:
    """Rank accepted decisions, apply the per-repo cap, and count rejections per reason."""
    accepted = sorted((d for d in decisions if d.accepted), key=lambda d: (-d.score, d.number))
    if rules.max_accepted_per_repo is not None:
        for d in accepted[rules.max_accepted_per_repo:]:
            d.accepted = False
            d.reason = "over_repo_limit"
            d.detail = f"score {d.score:.2f} ranks below the best {rules.max_accepted_per_repo}"
        accepted = accepted[: rules.max_accepted_per_repo]
    by_reason = {r: 0 for r in REASONS}
    for d in decisions:
        if not d.accepted and d.reason:
            by_reason[d.reason] += 1
    return FunnelReport(
        repo=repo,
        rules=rules,
        examined=len(decisions),
        accepted=[d.number for d in accepted],
        rejected_by_reason=by_reason,
        decisions=sorted(decisions, key=lambda d: d.number),
        error=error,
        fatal=fatal,
    )
