"""Run the funnel for one repository: list candidates, fetch details only where needed, decide.

A source that implements ``CandidateSource`` (the GitHub source does) hands out cheap
listing-level candidates and fills in files and commit messages on request. Any other
``PRSource`` (the offline git-history source) is adapted by ``PRSourceCandidates``, which
builds full candidates from ``get``.

Failures are contained: a repository-level ``SourceError`` (missing repo, bad token, rate
limit) becomes ``FunnelReport.error`` with no decisions; a failure on one PR becomes that
PR's ``fetch_failed`` decision and the others go on.
"""

from __future__ import annotations

from typing import Callable, Protocol, runtime_checkable

from samplegen_dagster.selection.models import Candidate, Decision, FunnelReport, SelectionRules
from samplegen_dagster.selection.rules import candidate_file, decide, funnel
from samplegen_dagster.sources.base import PRSource, PullRequest, SourceError
from samplegen_dagster.sources.github_text import linked_issues
from samplegen_dagster.sources.repos_file import RepoEntry


@runtime_checkable
class CandidateSource(Protocol):
    def list_candidates(self, entry: RepoEntry, limit: int) -> list[Candidate]:
        """Newest closed PRs (merged or not) with listing data only; ``files`` is ``None``."""
        ...

    def fill_candidate(self, entry: RepoEntry, candidate: Candidate) -> Candidate:
        """``candidate`` with ``files``, ``commit_messages`` and ``linked_issues`` filled in."""
        ...


def candidate_from_pull_request(pr: PullRequest, language: str | None = None) -> Candidate:
    return Candidate(
        repo=pr.repo, number=pr.number, title=pr.title, body=pr.body, author=pr.author, labels=pr.labels,
        merged=True, created_at=pr.created_at, merged_at=pr.merged_at, merge_commit=pr.merge_commit,
        language=language,
        files=[candidate_file(f.path, f.status, f.additions, f.deletions) for f in pr.changed_files],
        commit_messages=[],
        linked_issues=pr.linked_issues or linked_issues(pr.repo, pr.title, pr.body),
    )


class PRSourceCandidates:
    """Adapts a plain ``PRSource``: every merged PR it lists becomes a full candidate."""

    def __init__(self, source: PRSource):
        self.source = source

    def list_candidates(self, entry: RepoEntry, limit: int) -> list[Candidate]:
        out: list[Candidate] = []
        for ref in self.source.list_merged(entry)[:limit]:
            try:
                out.append(candidate_from_pull_request(self.source.get(entry, ref.number)))
            except SourceError as e:
                out.append(Candidate(repo=entry.repo, number=ref.number, title=ref.title, merged=True, fetch_error=str(e)))
        return out

    def fill_candidate(self, entry: RepoEntry, candidate: Candidate) -> Candidate:
        return candidate


def select(
    source: PRSource | CandidateSource,
    entry: RepoEntry,
    rules: SelectionRules,
    log: Callable[[str], None] = lambda _msg: None,
) -> FunnelReport:
    """The funnel for ``entry``; never raises ``SourceError``."""
    cs: CandidateSource = source if isinstance(source, CandidateSource) else PRSourceCandidates(source)  # type: ignore[assignment]
    try:
        candidates = cs.list_candidates(entry, rules.max_candidates)
    except SourceError as e:
        log(f"{entry.repo}: {e}")
        return funnel(entry.repo, [], rules, error=str(e), fatal=bool(getattr(e, "fatal", False)))
    if entry.prs:
        wanted = set(entry.prs)
        candidates = [c for c in candidates if c.number in wanted]
    decisions: list[Decision] = []
    for c in candidates:
        d = decide(c, rules, partial=True)
        if d is None:
            try:
                c = cs.fill_candidate(entry, c)
            except SourceError as e:
                # repository-wide failures (rate limit, token) would fail every PR alike: stop here
                if getattr(e, "fatal", False):
                    log(f"{entry.repo}: {e}")
                    return funnel(entry.repo, decisions, rules, error=str(e), fatal=True)
                c = c.model_copy(update={"fetch_error": str(e)})
            d = decide(c, rules)
        assert d is not None
        decisions.append(d)
    report = funnel(entry.repo, decisions, rules)
    log(f"{entry.repo}: examined {report.examined}, accepted {len(report.accepted)}")
    return report
