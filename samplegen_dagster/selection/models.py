"""Models of candidate selection; their JSON schemas live in ``schemas/selection``.

A ``Candidate`` is what a source knows about one PR before any cloning. Fields that cost
an extra API request per PR (``files``, ``commit_messages``) are ``None`` until fetched,
so the cheap rules can reject most PRs from the listing alone.

Rejection reasons form a fixed vocabulary (``REASONS``), checked in this order; a
candidate's ``reason`` is the first rule it fails:

==========================  ===========================================================
``not_merged``              closed without merging (or a draft)
``not_python``              repository language is not one of ``languages``
``revert``                  title/body say it reverts an earlier commit or PR
``bot_or_dependency_bump``  author is a bot, or title/labels mark a dependency update
``fetch_failed``            the PR's files could not be read (one line in ``detail``)
``no_source_changes``       no non-test Python file changed
``no_test_changes``         no test file changed
``too_many_source_files``   more than ``max_source_files`` source files changed
``too_many_source_lines``   more than ``max_source_lines`` source lines added + deleted
``no_linked_issue``         no ``fixes #N`` link and ``linked_issue`` is ``required``
``over_repo_limit``         passed every rule but ranked below ``max_accepted_per_repo``
==========================  ===========================================================
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RejectionReason = Literal[
    "not_merged",
    "not_python",
    "revert",
    "bot_or_dependency_bump",
    "fetch_failed",
    "no_source_changes",
    "no_test_changes",
    "too_many_source_files",
    "too_many_source_lines",
    "no_linked_issue",
    "over_repo_limit",
]
REASONS: tuple[str, ...] = RejectionReason.__args__  # type: ignore[attr-defined]

FileKind = Literal["source", "test", "other"]


class CandidateFile(BaseModel):
    path: str
    status: str = "modified"
    additions: int = 0
    deletions: int = 0
    kind: FileKind = Field(description="source: non-test .py file; test: test path; other: docs, config, data")


class Candidate(BaseModel):
    """One PR as seen by selection. ``None`` means "not fetched yet"."""

    repo: str = Field(description="owner/name")
    number: int
    title: str
    body: str = ""
    author: str | None = None
    author_is_bot: bool = False
    labels: list[str] = Field(default_factory=list)
    merged: bool
    draft: bool = False
    created_at: datetime | None = None
    merged_at: datetime | None = None
    merge_commit: str | None = None
    language: str | None = Field(default=None, description="repository's primary language as the source reports it")
    files: list[CandidateFile] | None = None
    commit_messages: list[str] | None = None
    linked_issues: list[str] = Field(default_factory=list, description="'#N' or 'owner/repo#N'")
    fetch_error: str | None = Field(default=None, description="why details could not be fetched")


class SelectionRules(BaseModel):
    """Configurable rules; defaults suit SWE-bench-style samples."""

    model_config = ConfigDict(extra="forbid")

    min_source_files: int = Field(default=1, ge=1)
    max_source_files: int = Field(default=3, ge=1)
    max_source_lines: int = Field(default=200, ge=1, description="additions + deletions over source files")
    require_tests: bool = True
    linked_issue: Literal["required", "preferred", "ignored"] = "preferred"
    languages: list[str] = Field(default_factory=lambda: ["Python"], description="empty: any language")
    exclude_reverts: bool = True
    exclude_bots: bool = True
    bot_logins: list[str] = Field(
        default_factory=lambda: ["dependabot", "renovate", "pre-commit-ci", "github-actions", "snyk-bot", "pyup-bot"]
    )
    dependency_labels: list[str] = Field(default_factory=lambda: ["dependencies", "deps", "dependency"])
    max_candidates: int = Field(default=100, ge=1, description="newest merged/closed PRs examined per repository")
    max_accepted_per_repo: int | None = Field(default=None, ge=1, description="keep only the best-scored N")


class Decision(BaseModel):
    repo: str
    number: int
    title: str
    accepted: bool
    reason: RejectionReason | None = Field(default=None, description="first failed rule; None when accepted")
    detail: str = Field(default="", description="one readable line explaining the reason or the score")
    score: float = 0.0
    source_files: int | None = None
    test_files: int | None = None
    source_lines: int | None = None
    linked_issues: list[str] = Field(default_factory=list)


class FunnelReport(BaseModel):
    repo: str
    rules: SelectionRules
    examined: int
    accepted: list[int] = Field(description="accepted PR numbers, best score first")
    rejected_by_reason: dict[str, int] = Field(description="every reason in REASONS, zero included")
    decisions: list[Decision]
    error: str | None = Field(default=None, description="repository-level failure (missing repo, bad token...)")
    fatal: bool = Field(default=False, description="the error would fail every repository alike (token, rate limit)")
