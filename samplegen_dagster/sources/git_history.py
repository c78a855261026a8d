"""Offline PR discovery from git history: no API, only the commits themselves.

GitHub leaves two recognisable shapes on the target branch:

* a merge commit ``Merge pull request #N from owner/branch`` whose body is the PR title
  (and description): the PR is first parent -> merge commit;
* a squash commit whose subject ends with ``(#N)``: the PR is parent -> commit;
* a merge commit whose message was edited to ``Title (#N)`` (seen in pallets projects):
  like the first shape.

Only the first-parent chain of the default branch is walked, so commits inside merged
branches are never mistaken for PRs. Dates: ``merged_at`` is the merge/squash commit's
committer date; ``created_at`` is the author date of the PR's oldest commit (the best
offline stand-in for when the PR was opened).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import git as git_repo  # GitPython

from samplegen_dagster.sources.base import ChangedFile, PullRequest, PullRequestRef, SourceError
from samplegen_dagster.sources.mirror import git

MERGE_RE = re.compile(r"^Merge pull request #(?P<n>\d+) from (?P<branch>\S+)")
SQUASH_RE = re.compile(r"^(?P<title>.*\S)\s+\(#(?P<n>\d+)\)\s*$")

def _when(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def scan(mirror: Path, repo: str, clone_url: str, ref: str = "HEAD") -> dict[int, PullRequest]:
    """Every PR recognisable on ``ref``'s first-parent chain, newest first, keyed by number.

    File statistics are left empty here (``changed_files`` is filled by ``GitHistorySource.get``),
    so listing a repository with thousands of PRs costs one history walk.
    """
    g = git_repo.Repo(mirror)
    prs: dict[int, PullRequest] = {}
    for c in g.iter_commits(ref, first_parent=True):
        subject, _, body = c.message.partition("\n")
        body = body.strip()
        m = MERGE_RE.match(subject)
        sq = SQUASH_RE.match(subject)
        if len(c.parents) == 2 and (m or sq):
            # "Merge pull request #N from ..." (title in the body), or a merge commit whose
            # message was set to "Title (#N)" when merging
            if m:
                number = int(m["n"])
                title, _, body = body.partition("\n")
                title = title.strip() or subject
            else:
                number, title = int(sq["n"]), sq["title"]
            branch = list(g.iter_commits(f"{c.parents[0].hexsha}..{c.parents[1].hexsha}"))
            created = min((b.authored_date for b in branch), default=c.authored_date)
            author = branch[-1].author.name if branch else c.author.name
        elif sq and len(c.parents) == 1:
            number = int(sq["n"])
            title = sq["title"]
            created, author = c.authored_date, c.author.name
        else:
            continue
        if number in prs:  # a later commit reusing the number (e.g. a revert's subject): keep the newest
            continue
        body = body.strip()
        prs[number] = PullRequest(
            repo=repo,
            number=number,
            title=title,
            body=body,
            author=author,
            base_commit=c.parents[0].hexsha,
            merge_commit=c.hexsha,
            created_at=_when(created),
            merged_at=_when(c.committed_date),
            problem_statement=f"{title}\n\n{body}".strip(),
            problem_statement_source="commit_message",
            clone_url=clone_url,
            source="git-history",
        )
    return prs


def changed_files(mirror: Path, base: str, head: str) -> list[ChangedFile]:
    files = []
    for line in git("diff", "--numstat", "-M", base, head, cwd=mirror).splitlines():
        add, dele, path = line.split("\t", 2)
        status = "renamed" if (" => " in path or "{" in path) else "modified"
        files.append(
            ChangedFile(path=path, additions=int(add) if add != "-" else 0, deletions=int(dele) if dele != "-" else 0, status=status)
        )
    return files


class GitHistorySource:
    """``PRSource`` over a local mirror. Construct with a callable that returns the mirror."""

    name = "git-history"

    def __init__(self, mirror_for):
        self._mirror_for = mirror_for  # (entry) -> Path, cloning/fetching as needed
        self._scans: dict[str, dict[int, PullRequest]] = {}

    def _scan(self, entry) -> dict[int, PullRequest]:
        if entry.repo not in self._scans:
            self._scans[entry.repo] = scan(self._mirror_for(entry), entry.repo, entry.url)
        return self._scans[entry.repo]

    def list_merged(self, entry) -> list[PullRequestRef]:
        prs = self._scan(entry)
        numbers = sorted(prs) if entry.prs is None else [n for n in entry.prs if n in prs]
        return [PullRequestRef(repo=entry.repo, number=n, title=prs[n].title, merge_commit=prs[n].merge_commit) for n in numbers]

    def get(self, entry, number: int) -> PullRequest:
        prs = self._scan(entry)
        if number not in prs:
            raise SourceError(
                f"PR #{number} of {entry.repo} is not a merged PR on the default branch "
                "(no 'Merge pull request #N' or '(#N)' commit found)"
            )
        pr = prs[number]
        if not pr.changed_files:
            pr.changed_files = changed_files(self._mirror_for(entry), pr.base_commit, pr.merge_commit)
        return pr
