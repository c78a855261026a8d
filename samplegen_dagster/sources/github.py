"""The GitHub API PR source (PyGithub), beside the offline git-history source.

Layout:

* ``GitHubConfig`` — API URL, token (a ``SecretStr``: never printed), cache dir, retry and
  pagination knobs. ``GitHubConfig.from_env`` reads ``GITHUB_TOKEN`` / ``GITHUB_API_URL``.
* ``GitHubSource`` — implements ``PRSource`` (``list_merged``, ``get``) and the selection
  funnel's ``CandidateSource`` (``list_candidates``, ``fill_candidate``).
* ``GitHubPullRequest`` — ``PullRequest`` plus GitHub-only fields (GitHub's ``base.sha``,
  what leak stripping removed, which linked issues could not be read).
* ``github_source_for(entry, settings)`` — what ``sources.discovery.source_for`` calls.

Robustness lives in three places: PyGithub's ``GithubRetry`` (wrapped by ``_Retry`` to say
in the log when and why it waits) retries 5xx with backoff, honours ``Retry-After`` on
403/429 secondary limits and waits for the primary limit's reset up to
``max_rate_limit_wait_s``; ``github_cache`` answers unchanged GETs from disk via ETags;
``_api`` turns every remaining failure into a ``GitHubError`` with one readable line
(``fatal`` when it would fail every other request too: token, rate limit, network).

The token is only ever handed to PyGithub's ``Auth.Token``; it is not logged, not stored
in the cache, and not part of any model this module returns.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlparse

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubException import (
    BadCredentialsException,
    RateLimitExceededException,
    RateLimitExceededExceedsMaxWait,
    UnknownObjectException,
)
from pydantic import BaseModel, Field, SecretStr

from samplegen_dagster.selection.models import Candidate
from samplegen_dagster.selection.rules import candidate_file
from samplegen_dagster.sources.base import ChangedFile, PullRequest, PullRequestRef, SourceError
from samplegen_dagster.sources.github_cache import HttpCache, install_cache
from samplegen_dagster.sources.github_text import linked_issues, patch_lines, split_ref, strip_leaks
from samplegen_dagster.sources.repos_file import RepoEntry

DEFAULT_API_URL = "https://api.github.com"
_logger = logging.getLogger(__name__)


class GitHubError(SourceError):
    """One readable line; ``fatal`` when retrying other PRs of the same run is pointless."""

    def __init__(self, message: str, *, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal


class GitHubConfig(BaseModel):
    api_url: str = Field(default=DEFAULT_API_URL, description="REST API root; GitHub Enterprise: https://HOST/api/v3")
    token: SecretStr | None = Field(default=None, description="GITHUB_TOKEN")
    cache_dir: Path | None = Field(default=None, description="ETag cache root; None disables conditional requests")
    per_page: int = Field(default=100, ge=1, le=100)
    retries: int = Field(default=5, ge=0, description="retries for 5xx and rate-limited requests")
    backoff_factor: float = Field(default=1.0, ge=0, description="5xx backoff: factor * 2**(n-1) seconds")
    secondary_rate_wait_s: float = Field(default=60.0, ge=0, description="wait on a secondary limit without Retry-After")
    max_rate_limit_wait_s: float = Field(default=900.0, ge=0, description="longest wait for a primary limit reset")
    seconds_between_requests: float = Field(default=0.25, ge=0, description="PyGithub's throttle")
    timeout_s: int = Field(default=30, ge=1)
    max_listed: int | None = Field(
        default=1000, ge=1, description="newest closed PRs list_merged walks (None: all; big repositories have 10k+)"
    )

    @classmethod
    def from_env(cls, cache_dir: Path | None = None, **overrides: Any) -> "GitHubConfig":
        token = os.environ.get("GITHUB_TOKEN") or None
        values: dict[str, Any] = {
            "api_url": os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL,
            "token": token,
            "cache_dir": cache_dir,
        }
        values.update(overrides)
        return cls.model_validate(values)


class GitHubPullRequest(PullRequest):
    """A merged PR from the API; the extra fields are GitHub-only."""

    github_base_sha: str | None = Field(default=None, description="GitHub's base.sha (tip of the base branch when opened)")
    leaks_removed: list[str] = Field(default_factory=list, description="what strip_leaks removed from the statement")
    unreadable_issues: list[str] = Field(default_factory=list, description="linked issues that could not be fetched")
    first_commit_at: datetime | None = None


class _Retry(GithubRetry):
    """``GithubRetry`` that reports each wait through ``notify`` (one line per wait).

    It also retries a ``429`` that has no ``Retry-After``, which GitHub may send for the
    primary limit: it waits until ``X-RateLimit-Reset`` (or ``secondary_rate_wait``), like
    ``GithubRetry`` does for a ``403``. Waits longer than ``max_rate_limit_wait`` raise
    ``RateLimitExceededExceedsMaxWait`` instead.
    """

    def __init__(self, notify: Callable[[str], None] | None = None, **kwargs: Any):
        self.notify = notify
        forcelist = list(kwargs.get("status_forcelist", range(500, 600)))
        kwargs["status_forcelist"] = sorted(set(forcelist) | {429})
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> "_Retry":
        kw["notify"] = self.notify
        return super().new(**kw)  # type: ignore[return-value]

    def _say(self, message: str) -> None:
        if self.notify is not None:
            self.notify(message)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):  # type: ignore[override]
        if response is None:
            return super().increment(method, url, response, error, _pool, _stacktrace)
        path = urlparse(url or "").path or "?"
        status, headers = response.status, response.headers
        if status in (403, 429) and headers.get("Retry-After"):
            self._say(f"GitHub secondary rate limit on {path}: retrying after {headers['Retry-After']}s")
        elif status in (403, 429) and headers.get("X-RateLimit-Remaining") == "0":
            reset = _reset_time(headers)
            wait = max((reset - datetime.now(timezone.utc)).total_seconds(), 0) + 1 if reset else self.secondary_rate_wait
            if self.max_rate_limit_wait is not None and wait > self.max_rate_limit_wait:
                if status == 429:  # GithubRetry only knows 403; make 429 end the same way
                    raise RateLimitExceededExceedsMaxWait(429, {"message": "API rate limit exceeded"}, dict(headers), wait=wait)
            else:
                self._say(f"GitHub primary rate limit exhausted: waiting {wait:.0f}s until reset at "
                          f"{reset:%H:%M:%S} UTC" if reset else f"GitHub rate limit on {path}: waiting {wait:.0f}s")
                if status == 429:
                    retry = super().increment(method, url, response, error, _pool, _stacktrace)
                    retry.get_backoff_time = lambda: wait  # type: ignore[method-assign]
                    return retry
        elif status >= 500:
            self._say(f"GitHub API answered {status} on {path}: retrying")
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    for k, v in dict(headers).items():
        if k.lower() == name.lower():
            return v
    return None


def _reset_time(headers: Any) -> datetime | None:
    value = _header(headers, "X-RateLimit-Reset")
    if value and str(value).isdigit():
        return datetime.fromtimestamp(int(value), timezone.utc)
    return None


def _message(e: GithubException) -> str:
    data = e.data
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return str(data or e.message or "")[:200]


class GitHubSource:
    name = "github"

    def __init__(self, config: GitHubConfig, log: Callable[[str], None] | None = None):
        self.config = config
        self.log = log or _logger.info
        self._gh: Github | None = None
        self._repos: dict[str, Any] = {}
        self._listed: dict[tuple[str, int], Any] = {}
        self.cache = HttpCache(config.cache_dir / "github-http") if config.cache_dir else None

    # -- plumbing ---------------------------------------------------------------------

    def _client(self) -> Github:
        if self._gh is None:
            token = self.config.token.get_secret_value() if self.config.token else ""
            if not token.strip():
                raise GitHubError(
                    "GITHUB_TOKEN is not set: create a GitHub token (read access to public repositories is enough) "
                    "and export GITHUB_TOKEN, or use 'source: git' for offline discovery",
                    fatal=True,
                )
            retry = _Retry(
                notify=self.log,
                total=self.config.retries,
                backoff_factor=self.config.backoff_factor,
                secondary_rate_wait=self.config.secondary_rate_wait_s,
                max_rate_limit_wait=self.config.max_rate_limit_wait_s,
            )
            self._gh = Github(
                auth=Auth.Token(token.strip()),
                base_url=self.config.api_url.rstrip("/"),
                per_page=self.config.per_page,
                retry=retry,
                timeout=self.config.timeout_s,
                seconds_between_requests=self.config.seconds_between_requests or None,
                user_agent="samplegen-dagster",
            )
            if self.cache is not None:
                install_cache(self._gh, self.cache)
        return self._gh

    @contextmanager
    def _api(self, what: str) -> Iterator[None]:
        """Translate PyGithub/requests failures for ``what`` into one-line ``GitHubError``s."""
        api = self.config.api_url
        try:
            yield
        except GitHubError:
            raise
        except BadCredentialsException:
            raise GitHubError(
                f"GitHub at {api} rejected the token in GITHUB_TOKEN (401 Bad credentials): it is wrong, expired or revoked",
                fatal=True,
            ) from None
        except (RateLimitExceededException, RateLimitExceededExceedsMaxWait) as e:
            raise self._rate_limit_error(e) from None
        except UnknownObjectException:
            raise GitHubError(f"{what} not found on {api} (it does not exist, or is private and the token cannot see it)") from None
        except GithubException as e:
            if e.status == 429 or (e.status == 403 and _header(e.headers, "X-RateLimit-Remaining") == "0"):
                raise self._rate_limit_error(e) from None
            if e.status == 401:
                raise GitHubError(f"GitHub at {api} refused the token in GITHUB_TOKEN (401): {_message(e)}", fatal=True) from None
            raise GitHubError(f"GitHub API error {e.status} reading {what}: {_message(e)}") from None
        except requests.exceptions.RetryError as e:
            raise GitHubError(
                f"GitHub API at {api} kept failing while reading {what} after {self.config.retries} retries ({_cause(e)})"
            ) from None  # not fatal: a persistently failing resource is often just this one PR
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as e:
            raise GitHubError(f"cannot reach the GitHub API at {api}: {_cause(e)}", fatal=True) from None

    def _rate_limit_error(self, e: GithubException) -> GitHubError:
        reset = _reset_time(e.headers)
        when = ""
        if reset is not None:
            minutes = max((reset - datetime.now(timezone.utc)).total_seconds(), 0) / 60
            when = f"; it resets at {reset:%H:%M} UTC (in {minutes:.0f} min)"
        limit = _header(e.headers, "X-RateLimit-Limit")
        used = f" ({limit} requests per hour used up)" if limit else ""
        return GitHubError(
            f"GitHub API rate limit exhausted at {self.config.api_url}{used}{when}, longer than the "
            f"{self.config.max_rate_limit_wait_s:.0f}s this run is allowed to wait; rerun later (cached answers cost nothing)",
            fatal=True,
        )

    def _repo(self, name: str) -> Any:
        if name not in self._repos:
            with self._api(f"repository {name}"):
                self._repos[name] = self._client().get_repo(name)
        return self._repos[name]

    def clone_url(self, entry: RepoEntry) -> str:
        return self._repo(entry.repo).clone_url

    # -- PRSource ---------------------------------------------------------------------

    def _closed_pulls(self, entry: RepoEntry, limit: int | None) -> Iterator[Any]:
        repo = self._repo(entry.repo)
        if entry.prs:
            for n in entry.prs:
                with self._api(f"{entry.repo}#{n}"):
                    pr = repo.get_pull(n)
                yield pr
            return
        with self._api(f"pull requests of {entry.repo}"):
            pages = repo.get_pulls(state="closed", sort="created", direction="desc")
            for i, pr in enumerate(pages):
                if limit is not None and i >= limit:
                    break
                yield pr

    def list_merged(self, entry: RepoEntry, limit: int | None = None) -> list[PullRequestRef]:
        refs = []
        for pr in self._closed_pulls(entry, limit if limit is not None else self.config.max_listed):
            self._listed[(entry.repo, pr.number)] = pr
            if pr.merged_at is not None:
                refs.append(PullRequestRef(repo=entry.repo, number=pr.number, title=pr.title, merge_commit=pr.merge_commit_sha))
        return refs

    def _pull(self, entry: RepoEntry, number: int) -> Any:
        pr = self._listed.get((entry.repo, number))
        if pr is None:
            repo = self._repo(entry.repo)
            with self._api(f"{entry.repo}#{number}"):
                pr = repo.get_pull(number)
            self._listed[(entry.repo, number)] = pr
        return pr

    def get(self, entry: RepoEntry, number: int) -> GitHubPullRequest:
        repo = self._repo(entry.repo)
        pr = self._pull(entry, number)
        what = f"{entry.repo}#{number}"
        if pr.merged_at is None:
            raise GitHubError(f"{what} is not merged")
        with self._api(f"files of {what}"):
            files = list(pr.get_files())
        with self._api(f"commits of {what}"):
            commits = list(pr.get_commits())
        with self._api(f"merge commit {pr.merge_commit_sha} of {what}"):
            parents = repo.get_git_commit(pr.merge_commit_sha).parents
        if not parents:
            raise GitHubError(f"{what}: merge commit {pr.merge_commit_sha} has no parent")
        messages = [c.commit.message or "" for c in commits]
        dates = [c.commit.author.date for c in commits if c.commit.author and c.commit.author.date]
        first_commit_at = min(dates) if dates else pr.created_at
        links = linked_issues(entry.repo, pr.title, pr.body, *messages)

        issues, unreadable = [], []
        for ref in links:
            owner_repo, n = split_ref(ref, entry.repo)
            try:
                with self._api(f"issue {owner_repo}#{n}"):
                    issue = self._repo(owner_repo).get_issue(n)
                    is_pr = issue.pull_request is not None
            except GitHubError as e:
                if e.fatal:
                    raise
                unreadable.append(f"{ref}: {e}")
                continue
            if not is_pr:  # "fixes #N" pointing at another PR is not a problem statement
                issues.append((owner_repo, issue))

        own = patch_lines([f.patch for f in files])
        paths = {f.filename for f in files}
        if issues:
            statement = "\n\n".join(f"{i.title}\n{i.body or ''}".strip() for _, i in issues) + "\n"
            statement_source = "issue"
        else:
            statement = f"{pr.title}\n{pr.body or ''}".strip() + "\n"
            statement_source = "pull_request"
        statement, removed = strip_leaks(
            statement, own_lines=own, changed_paths=paths, pr_number=number, merge_commit=pr.merge_commit_sha
        )
        statement = statement.rstrip("\n") + "\n"  # SWE-bench's shape: title, newline, body, newline

        hints: list[str] = []
        for owner_repo, issue in issues:
            with self._api(f"comments of issue {owner_repo}#{issue.number}"):
                for comment in issue.get_comments():
                    if first_commit_at is None or comment.created_at < first_commit_at:
                        hints.append(comment.body or "")

        return GitHubPullRequest(
            repo=entry.repo,
            number=number,
            title=pr.title,
            body=pr.body or "",
            author=pr.user.login if pr.user else None,
            labels=[lbl.name for lbl in pr.labels],
            base_commit=parents[0].sha,
            merge_commit=pr.merge_commit_sha,
            created_at=pr.created_at,
            merged_at=pr.merged_at,
            problem_statement=statement,
            problem_statement_source=statement_source,
            hints_text="\n".join(hints),
            linked_issues=links,
            changed_files=[
                ChangedFile(path=f.filename, additions=f.additions, deletions=f.deletions, status=f.status) for f in files
            ],
            clone_url=repo.clone_url,
            source=self.name,
            github_base_sha=pr.base.sha if pr.base else None,
            leaks_removed=removed,
            unreadable_issues=unreadable,
            first_commit_at=first_commit_at,
        )

    # -- CandidateSource --------------------------------------------------------------

    def list_candidates(self, entry: RepoEntry, limit: int) -> list[Candidate]:
        repo = self._repo(entry.repo)
        language = repo.language or ""  # "" (not None): GitHub could not detect a language
        out = []
        for pr in self._closed_pulls(entry, limit):
            self._listed[(entry.repo, pr.number)] = pr
            user = pr.user
            out.append(
                Candidate(
                    repo=entry.repo,
                    number=pr.number,
                    title=pr.title or "",
                    body=pr.body or "",
                    author=user.login if user else None,
                    author_is_bot=bool(user and user.type == "Bot"),
                    labels=[lbl.name for lbl in pr.labels],
                    merged=pr.merged_at is not None,
                    draft=bool(pr.draft),
                    created_at=pr.created_at,
                    merged_at=pr.merged_at,
                    merge_commit=pr.merge_commit_sha,
                    language=language,
                    linked_issues=linked_issues(entry.repo, pr.title, pr.body),
                )
            )
        return out

    def fill_candidate(self, entry: RepoEntry, candidate: Candidate) -> Candidate:
        pr = self._pull(entry, candidate.number)
        what = f"{entry.repo}#{candidate.number}"
        with self._api(f"files of {what}"):
            files = [candidate_file(f.filename, f.status, f.additions, f.deletions) for f in pr.get_files()]
        with self._api(f"commits of {what}"):
            messages = [c.commit.message or "" for c in pr.get_commits()]
        links = linked_issues(entry.repo, candidate.title, candidate.body, *messages)
        return candidate.model_copy(update={"files": files, "commit_messages": messages, "linked_issues": links})


def _cause(e: BaseException) -> str:
    """The innermost readable reason of a requests/urllib3 error, without URLs' query strings."""
    inner: BaseException | None = e
    while inner is not None and inner.args and isinstance(inner.args[0], BaseException):
        inner = inner.args[0]
    reason = getattr(inner, "reason", None)
    text = str(reason or inner or e)
    if "too many" in text.lower() and "error responses" in text.lower():
        return "too many error responses"
    return text.split(" (Caused by")[0][:160]


def wants_github(entry: RepoEntry, token: str | None = None) -> bool:
    """Whether ``entry`` should use the API: ``source: github``, or a GitHub URL while a token is set.

    ``token`` defaults to ``GITHUB_TOKEN``. GitHub Enterprise URLs are not recognisable by
    name, so Enterprise entries say ``source: github`` explicitly.
    """
    if entry.source is not None:
        return entry.source == "github"
    if token is None:
        token = os.environ.get("GITHUB_TOKEN", "")
    return entry.is_github_url() and bool(token.strip())


def github_source_for(entry: RepoEntry, settings: Any, log: Callable[[str], None] | None = None) -> GitHubSource:
    """The GitHub source for ``entry``: token and API URL from the environment, cache under settings."""
    return GitHubSource(GitHubConfig.from_env(cache_dir=Path(settings.cache_dir)), log=log)
