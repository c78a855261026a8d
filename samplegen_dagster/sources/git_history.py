"""Offline PR discovery from git history: no API, only the commits themselves.

GitHub leaves two recognisable shapes on the target branch:

* a merge commit ``Merge pull request #N from owner/branch`` whose body is the PR title
  (and description): the PR is first parent -> merge commit;
* a squash commit whose subject ends with ``(#N)``: the PR is parent -> commit.

Only the first-parent chain of the default branch is walked, so commits inside merged
branches are never mistaken for PRs. Dates: ``merged_at`` is the merge/squash commit's
committer date; ``created_at`` is the author date of the PR's oldest commit (the best
offline stand-in for when the PR was opened).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from samplegen_dagster.sources.base import ChangedFile, PullRequest, PullRequestRef, SourceError
from samplegen_dagster.sources.mirror import git

MERGE_RE = re.compile(r"^Merge pull request #(?P<n>\d+) from (?P<branch>\S+)")
SQUASH_RE = re.compile(r"^(?P<title>.*\S)\s+\(#(?P<n>\d+)\)\s*$")

_SEP = "\x1e"  # record separator between commits
_FS = "\x1f"  # field separator


def _when(ts: str) -> datetime:
    return datetime.fromtimestamp(int(ts), tz=timezone.utc)


def _log(mirror: Path, *args: str) -> list[dict[str, str]]:
    fmt = _FS.join(["%H", "%P", "%at", "%ct", "%an", "%s", "%b"]) + _SEP
    out = git("log", f"--format={fmt}", *args, cwd=mirror)
    rows = []
    for rec in out.split(_SEP):
        rec = rec.strip("\n")
        if not rec:
            continue
        sha, parents, at, ct, author, subject, body = rec.split(_FS, 6)
        rows.append(
            {"sha": sha, "parents": parents, "at": at, "ct": ct, "author": author, "subject": subject, "body": body.strip()}
        )
    return rows


def scan(mirror: Path, repo: str, clone_url: str, ref: str = "HEAD") -> dict[int, PullRequest]:
    """Every PR recognisable on ``ref``'s first-parent chain, newest first, keyed by number."""
    prs: dict[int, PullRequest] = {}
    for c in _log(mirror, "--first-parent", ref):
        parents = c["parents"].split()
        m = MERGE_RE.match(c["subject"])
        if m and len(parents) == 2:
            number = int(m["n"])
            title, _, body = c["body"].partition("\n")
            title = title.strip() or c["subject"]
            branch_commits = _log(mirror, f"{parents[0]}..{parents[1]}")
            created = min((int(b["at"]) for b in branch_commits), default=int(c["at"]))
            author = branch_commits[-1]["author"] if branch_commits else c["author"]
        elif (s := SQUASH_RE.match(c["subject"])) and len(parents) == 1:
            number = int(s["n"])
            title, body = s["title"], c["body"]
            created, author = int(c["at"]), c["author"]
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
            base_commit=parents[0],
            merge_commit=c["sha"],
            created_at=_when(str(created)),
            merged_at=_when(c["ct"]),
            problem_statement=f"{title}\n\n{body}".strip(),
            problem_statement_source="commit_message",
            changed_files=_changed_files(mirror, parents[0], c["sha"]),
            clone_url=clone_url,
            source="git-history",
        )
    return prs


def _changed_files(mirror: Path, base: str, head: str) -> list[ChangedFile]:
    files = []
    for line in git("diff", "--numstat", "-M", base, head, cwd=mirror).splitlines():
        add, dele, path = line.split("\t", 2)
        if " => " in path or "{" in path:
            status = "renamed"
        else:
            status = "modified"
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
        return prs[number]
