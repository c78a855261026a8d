"""Discovery: repository list -> PR partition keys, shared by ``samplegen discover`` and the sensor.

``source_for`` picks the PR source for a repository entry; ``discover`` asks each source
for merged PRs and returns instance ids. A repository that fails (unreachable URL, bad
history) is reported and skipped: one bad repository never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from samplegen_dagster.ids import instance_id
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.base import PRSource, PullRequestRef
from samplegen_dagster.sources.git_history import GitHistorySource
from samplegen_dagster.sources.mirror import GitError, ensure_mirror
from samplegen_dagster.sources.repos_file import RepoEntry, load_repos_file


def source_for(entry: RepoEntry, settings: Settings, *, refresh: bool = False) -> PRSource:
    """The PR source for ``entry``: GitHub's API for ``source: github`` (or a GitHub URL while
    ``GITHUB_TOKEN`` is set), else the offline git-history source."""
    from samplegen_dagster.sources.github import github_source_for, wants_github

    if wants_github(entry):
        return github_source_for(entry, settings)
    return GitHistorySource(lambda e: ensure_mirror(settings.cache_dir, e.repo, e.url, refresh=refresh))


@dataclass
class DiscoveryResult:
    refs: list[PullRequestRef] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # repo -> one readable line
    funnels: dict[str, str] = field(default_factory=dict)  # repo -> selection funnel summary (GitHub entries)

    @property
    def keys(self) -> list[str]:
        return [instance_id(r.repo, r.number) for r in self.refs]


def discover(settings: Settings, repos_file: Path | None = None, *, refresh: bool = True) -> DiscoveryResult:
    """Offline entries: every merged PR in their history (each is judged by the pipeline).
    GitHub entries: only the PRs the selection funnel accepts (``selection``), because a
    busy repository has thousands of merged PRs and the funnel is cheap."""
    from samplegen_dagster.selection.models import SelectionRules
    from samplegen_dagster.selection.run import select_repository, summary_line
    from samplegen_dagster.sources.github import wants_github

    repos = load_repos_file(repos_file or settings.repos_file)
    result = DiscoveryResult()
    for entry in repos.repositories:
        try:
            if wants_github(entry):
                report = select_repository(entry, settings, SelectionRules())
                result.funnels[entry.repo] = summary_line(report)
                if report.error:
                    result.errors[entry.repo] = report.error
                result.refs.extend(PullRequestRef(repo=entry.repo, number=n) for n in report.accepted)
            else:
                result.refs.extend(source_for(entry, settings, refresh=refresh).list_merged(entry))
        except (GitError, ValueError, RuntimeError) as e:
            result.errors[entry.repo] = str(e)
    return result
