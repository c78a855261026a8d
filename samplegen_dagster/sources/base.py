"""The PR source interface and the pull-request model every later phase reads.

A source answers two questions for one repository entry: which merged PRs exist
(``list_merged``, cheap, used by discovery and the sensor) and what one PR is
(``get``: commits, text, dates). Sources do not clone: the mirror (``sources.mirror``)
does that, keyed by the clone URL a source reports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from samplegen_dagster.sources.repos_file import RepoEntry


class PullRequestRef(BaseModel):
    """What discovery needs: enough to name a partition and say why it exists."""

    repo: str
    number: int
    title: str = ""
    merge_commit: str | None = None


class ChangedFile(BaseModel):
    path: str
    additions: int = 0
    deletions: int = 0
    status: str = "modified"


class PullRequest(BaseModel):
    """A merged PR, as far as a source can tell. Commits are full SHAs."""

    repo: str = Field(description="owner/name")
    number: int
    title: str
    body: str = ""
    author: str | None = None
    labels: list[str] = Field(default_factory=list)
    base_commit: str = Field(description="commit the PR's changes apply to (merge's first parent, or squash's parent)")
    merge_commit: str = Field(description="commit that carries the PR's changes on the target branch")
    created_at: datetime | None = None
    merged_at: datetime | None = None
    problem_statement: str = ""
    problem_statement_source: Literal["issue", "pull_request", "commit_message"] = "commit_message"
    hints_text: str = ""
    linked_issues: list[str] = Field(default_factory=list, description="'#N' or 'owner/repo#N'")
    changed_files: list[ChangedFile] = Field(default_factory=list)
    clone_url: str
    source: str = Field(description="which PRSource produced this (git-history, github)")


class SourceError(RuntimeError):
    """A source could not answer; the message is one readable line."""


@runtime_checkable
class PRSource(Protocol):
    name: str

    def list_merged(self, entry: RepoEntry) -> list[PullRequestRef]:
        """Merged PRs of the repository, restricted to ``entry.prs`` when given."""
        ...

    def get(self, entry: RepoEntry, number: int) -> PullRequest:
        """One merged PR; raises ``SourceError`` when it is unknown or not merged."""
        ...
