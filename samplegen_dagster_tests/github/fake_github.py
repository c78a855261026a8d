"""A small GitHub REST v3 server on 127.0.0.1, for running the real PyGithub client in tests.

It serves the endpoints samplegen uses, with payloads shaped like GitHub's (field names,
nesting, ``url``s pointing back at this server, ``Link`` pagination, ``ETag`` and
``X-RateLimit-*`` headers):

==============================================  =========================================
``GET /repos/{o}/{r}``                          repository (``clone_url``, ``language``)
``GET /repos/{o}/{r}/pulls``                    closed/open/all, paginated
``GET /repos/{o}/{r}/pulls/{n}``                one PR (adds ``merged``, counts)
``GET /repos/{o}/{r}/pulls/{n}/files``          paginated, with ``patch``
``GET /repos/{o}/{r}/pulls/{n}/commits``        paginated
``GET /repos/{o}/{r}/git/commits/{sha}``        parents of a commit
``GET /repos/{o}/{r}/issues/{n}``               issues, and PRs seen as issues
``GET /repos/{o}/{r}/issues/{n}/comments``      paginated
``GET /rate_limit``                             free, like on GitHub
==============================================  =========================================

Behaviour that matters for the tests:

* Auth: ``Authorization: token T`` / ``Bearer T`` must name a token in ``tokens``, else
  ``401 Bad credentials``.
* Primary rate limit: each counted answer spends one unit of ``rate_remaining``; at zero
  the server answers ``403 API rate limit exceeded`` (or ``rate_limit_status``, e.g. 429)
  with ``X-RateLimit-Remaining: 0``
  until ``rate_reset`` (epoch seconds) passes, then refills to ``rate_limit``.
* Conditional requests: a matching ``If-None-Match`` gets ``304`` and costs nothing.
* Faults: ``fail(path_regex, status, times, headers, message)`` answers the next ``times``
  matching requests with that status (a ``403`` secondary limit with ``Retry-After``, a
  ``502``...), then serves normally.
* ``requests`` records every request as ``(method, path_with_query, status)``.

Repository data is plain dicts (``add_repo``, ``add_pull``, ``add_issue``, ``add_comment``);
``add_pull_from_git`` derives a PR's files, patches, commits and merge commit from a
real local git repository, so clone URLs and SHAs agree with what git sees.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


def _iso(ts: float | str) -> str:
    if isinstance(ts, str):
        return ts
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@dataclass
class Fault:
    pattern: re.Pattern[str]
    status: int
    remaining: int
    headers: dict[str, str]
    message: str


@dataclass
class FakeRepo:
    full_name: str
    clone_url: str
    language: str | None = "Python"
    default_branch: str = "main"
    private: bool = False
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    commits: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    git_commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


class FakeGitHub:
    def __init__(self, tokens: tuple[str, ...] = ("test-token",), rate_limit: int = 5000):
        self.tokens = set(tokens)
        self.repos: dict[str, FakeRepo] = {}
        self.rate_limit = rate_limit
        self.rate_remaining = rate_limit
        self.rate_reset = int(time.time()) + 3600
        self.rate_limit_status = 403  # GitHub answers an exhausted primary limit with 403 or 429
        self.requests: list[tuple[str, str, int]] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._ids = iter(range(1000, 10**9))
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> "FakeGitHub":
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "FakeGitHub":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- accounting -------------------------------------------------------------------

    def counted(self) -> list[tuple[str, str, int]]:
        """Requests that spent rate limit (everything but 304s, 401s and /rate_limit)."""
        return [r for r in self.requests if r[2] not in (304, 401) and not r[1].startswith("/rate_limit")]

    def fail(self, path_regex: str, status: int, times: int = 1, headers: dict[str, str] | None = None,
             message: str = "Server Error") -> None:
        self.faults.append(Fault(re.compile(path_regex), status, times, headers or {}, message))

    # -- data -------------------------------------------------------------------------

    def _user(self, login: str, kind: str = "User") -> dict[str, Any]:
        return {
            "login": login, "id": abs(hash(login)) % 10**7, "node_id": f"U_{login}",
            "avatar_url": f"https://avatars.example/{login}", "gravatar_id": "",
            "url": f"{self.url}/users/{login}", "html_url": f"https://github.example/{login}",
            "type": kind, "site_admin": False,
        }

    def add_repo(self, full_name: str, clone_url: str, language: str | None = "Python", default_branch: str = "main") -> FakeRepo:
        repo = FakeRepo(full_name=full_name, clone_url=clone_url, language=language, default_branch=default_branch)
        self.repos[full_name] = repo
        return repo

    def _repo_payload(self, repo: FakeRepo) -> dict[str, Any]:
        owner, name = repo.full_name.split("/")
        api = f"{self.url}/repos/{repo.full_name}"
        return {
            "id": abs(hash(repo.full_name)) % 10**8, "node_id": f"R_{name}", "name": name, "full_name": repo.full_name,
            "private": repo.private, "owner": self._user(owner, "Organization"),
            "html_url": f"https://github.example/{repo.full_name}", "description": f"{name} fixture", "fork": False,
            "url": api, "pulls_url": api + "/pulls{/number}", "issues_url": api + "/issues{/number}",
            "git_commits_url": api + "/git/commits{/sha}", "created_at": "2020-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z", "pushed_at": "2024-01-01T00:00:00Z",
            "git_url": f"git://github.example/{repo.full_name}.git", "ssh_url": f"git@github.example:{repo.full_name}.git",
            "clone_url": repo.clone_url, "svn_url": f"https://github.example/{repo.full_name}", "homepage": None,
            "size": 100, "stargazers_count": 1, "watchers_count": 1, "language": repo.language, "has_issues": True,
            "forks_count": 0, "archived": False, "disabled": False, "open_issues_count": 0, "license": None,
            "topics": [], "visibility": "public", "default_branch": repo.default_branch,
            "permissions": {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True},
        }

    def add_pull(
        self, full_name: str, number: int, *, title: str, body: str = "", user: str = "alice", user_type: str = "User",
        labels: tuple[str, ...] = (), merged: bool = True, draft: bool = False, base_sha: str = "0" * 40,
        head_sha: str = "1" * 40, merge_commit_sha: str | None = None, created_at: float | str = 1700000000,
        merged_at: float | str | None = 1700003600, files: list[dict[str, Any]] | None = None,
        commits: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        repo = self.repos[full_name]
        api = f"{self.url}/repos/{full_name}"
        rp = self._repo_payload(repo)
        pr = {
            "url": f"{api}/pulls/{number}", "id": next(self._ids), "node_id": f"PR_{number}",
            "html_url": f"https://github.example/{full_name}/pull/{number}",
            "diff_url": f"https://github.example/{full_name}/pull/{number}.diff",
            "patch_url": f"https://github.example/{full_name}/pull/{number}.patch",
            "issue_url": f"{api}/issues/{number}", "number": number, "state": "closed", "locked": False,
            "title": title, "user": self._user(user, user_type), "body": body or None,
            "labels": [
                {"id": next(self._ids), "node_id": f"L_{lbl}", "url": f"{api}/labels/{lbl}", "name": lbl,
                 "color": "ededed", "default": False, "description": None}
                for lbl in labels
            ],
            "milestone": None, "active_lock_reason": None, "created_at": _iso(created_at),
            "updated_at": _iso(merged_at or created_at), "closed_at": _iso(merged_at or created_at),
            "merged_at": _iso(merged_at) if merged and merged_at else None,
            "merge_commit_sha": merge_commit_sha, "assignee": None, "assignees": [], "requested_reviewers": [],
            "requested_teams": [], "draft": draft, "commits_url": f"{api}/pulls/{number}/commits",
            "review_comments_url": f"{api}/pulls/{number}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{api}/issues/{number}/comments", "statuses_url": f"{api}/statuses/{head_sha}",
            "head": {"label": f"{user}:topic-{number}", "ref": f"topic-{number}", "sha": head_sha,
                     "user": self._user(user, user_type), "repo": rp},
            "base": {"label": f"{full_name.split('/')[0]}:{repo.default_branch}", "ref": repo.default_branch,
                     "sha": base_sha, "user": rp["owner"], "repo": rp},
            "_links": {"self": {"href": f"{api}/pulls/{number}"}}, "author_association": "CONTRIBUTOR",
            "auto_merge": None,
        }
        repo.pulls[number] = pr
        repo.files[number] = files or []
        repo.commits[number] = commits or []
        # every PR is also an issue on GitHub
        repo.issues[number] = self._issue_payload(full_name, number, title, body, user, created_at, is_pr=True)
        return pr

    def _commit_payload(self, full_name: str, sha: str, parents: list[str], message: str, author: str,
                        date: str) -> dict[str, Any]:
        api = f"{self.url}/repos/{full_name}"
        person = {"name": author, "email": f"{author}@example.com", "date": date}
        return {
            "sha": sha, "node_id": f"C_{sha[:8]}", "url": f"{api}/git/commits/{sha}",
            "html_url": f"https://github.example/{full_name}/commit/{sha}", "author": person, "committer": person,
            "tree": {"sha": "f" * 40, "url": f"{api}/git/trees/{'f' * 40}"}, "message": message,
            "parents": [{"sha": p, "url": f"{api}/git/commits/{p}", "html_url": f"https://github.example/{full_name}/commit/{p}"}
                        for p in parents],
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
        }

    def add_pull_from_git(self, full_name: str, git_dir: Path, number: int, *, base: str, head: str,
                          merge_commit: str, **pull_kwargs: Any) -> dict[str, Any]:
        """A PR whose files, patches and commits are ``base..head`` of a real repository."""
        files = []
        numstat = _git(git_dir, "diff", "--numstat", "-M", base, head).splitlines()
        statuses = dict(
            (line.split("\t")[-1], line.split("\t")[0][0])
            for line in _git(git_dir, "diff", "--name-status", "-M", base, head).splitlines()
        )
        for line in numstat:
            adds, dels, path = line.split("\t")
            if " => " in path:
                continue  # renames are not needed by the fixtures
            patch = _git(git_dir, "diff", base, head, "--", path)
            hunk_start = patch.find("@@")
            status = {"A": "added", "D": "removed", "M": "modified"}.get(statuses.get(path, "M"), "modified")
            files.append({
                "sha": hashlib.sha1(path.encode()).hexdigest(), "filename": path, "status": status,
                "additions": int(adds), "deletions": int(dels), "changes": int(adds) + int(dels),
                "blob_url": f"https://github.example/{full_name}/blob/{head}/{path}",
                "raw_url": f"https://github.example/{full_name}/raw/{head}/{path}",
                "contents_url": f"{self.url}/repos/{full_name}/contents/{path}?ref={head}",
                "patch": patch[hunk_start:] if hunk_start >= 0 else "",
            })
        commits = []
        log = _git(git_dir, "log", "--reverse", "--format=%H%x1f%P%x1f%an%x1f%aI%x1f%B%x1e", f"{base}..{head}")
        for rec in log.split("\x1e"):
            rec = rec.strip("\n")
            if not rec:
                continue
            sha, parents, author, date, message = rec.split("\x1f")
            git_commit = self._commit_payload(full_name, sha, parents.split(), message.strip(), author, date)
            commits.append({
                "sha": sha, "node_id": git_commit["node_id"], "commit": {
                    k: git_commit[k] for k in ("author", "committer", "message", "tree", "url", "verification")
                } | {"comment_count": 0},
                "url": f"{self.url}/repos/{full_name}/commits/{sha}", "html_url": git_commit["html_url"],
                "comments_url": f"{self.url}/repos/{full_name}/commits/{sha}/comments",
                "author": self._user(author), "committer": self._user(author), "parents": git_commit["parents"],
            })
        self.add_git_commits_from(full_name, git_dir, merge_commit)
        return self.add_pull(full_name, number, base_sha=base, head_sha=head, merge_commit_sha=merge_commit,
                             files=files, commits=commits, **pull_kwargs)

    def add_git_commits_from(self, full_name: str, git_dir: Path, *shas: str) -> None:
        for sha in shas:
            parents, author, date, message = _git(git_dir, "show", "-s", "--format=%P%x1f%an%x1f%aI%x1f%B", sha).split("\x1f")
            self.repos[full_name].git_commits[sha] = self._commit_payload(
                full_name, sha, parents.split(), message.strip(), author, date
            )

    def _issue_payload(self, full_name: str, number: int, title: str, body: str, user: str,
                       created_at: float | str, is_pr: bool = False) -> dict[str, Any]:
        api = f"{self.url}/repos/{full_name}"
        issue = {
            "url": f"{api}/issues/{number}", "repository_url": api, "labels_url": f"{api}/issues/{number}/labels{{/name}}",
            "comments_url": f"{api}/issues/{number}/comments", "events_url": f"{api}/issues/{number}/events",
            "html_url": f"https://github.example/{full_name}/{'pull' if is_pr else 'issues'}/{number}",
            "id": next(self._ids), "node_id": f"I_{number}", "number": number, "title": title,
            "user": self._user(user), "labels": [], "state": "closed", "locked": False, "assignee": None,
            "assignees": [], "milestone": None, "comments": 0, "created_at": _iso(created_at),
            "updated_at": _iso(created_at), "closed_at": _iso(created_at), "author_association": "NONE",
            "active_lock_reason": None, "body": body or None, "state_reason": "completed",
        }
        if is_pr:
            issue["pull_request"] = {
                "url": f"{api}/pulls/{number}", "html_url": issue["html_url"],
                "diff_url": issue["html_url"] + ".diff", "patch_url": issue["html_url"] + ".patch", "merged_at": None,
            }
        return issue

    def add_issue(self, full_name: str, number: int, title: str, body: str = "", user: str = "reporter",
                  created_at: float | str = 1690000000) -> dict[str, Any]:
        issue = self._issue_payload(full_name, number, title, body, user, created_at)
        self.repos[full_name].issues[number] = issue
        self.repos[full_name].comments.setdefault(number, [])
        return issue

    def add_comment(self, full_name: str, issue: int, body: str, created_at: float | str, user: str = "helper") -> None:
        api = f"{self.url}/repos/{full_name}"
        cid = next(self._ids)
        self.repos[full_name].comments.setdefault(issue, []).append({
            "url": f"{api}/issues/comments/{cid}", "html_url": f"https://github.example/{full_name}/issues/{issue}#c{cid}",
            "issue_url": f"{api}/issues/{issue}", "id": cid, "node_id": f"IC_{cid}", "user": self._user(user),
            "created_at": _iso(created_at), "updated_at": _iso(created_at), "author_association": "NONE", "body": body,
        })
        self.repos[full_name].issues[issue]["comments"] += 1

    # -- request handling (called from the server thread) -----------------------------

    def route(self, path: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        """(status, payload, extra headers) for a GET; payload lists are paginated here."""
        parts = [p for p in path.split("/") if p]
        if parts == ["rate_limit"]:
            core = {"limit": self.rate_limit, "remaining": self.rate_remaining, "reset": self.rate_reset, "used": self.rate_limit - self.rate_remaining}
            return 200, {"resources": {"core": core}, "rate": core}, {}
        if len(parts) < 3 or parts[0] != "repos":
            return 404, None, {}
        repo = self.repos.get(f"{parts[1]}/{parts[2]}")
        if repo is None:
            return 404, None, {}
        rest = parts[3:]
        if not rest:
            return 200, self._repo_payload(repo), {}
        if rest[0] == "pulls" and len(rest) == 1:
            state = query.get("state", "open")
            pulls = [p for p in repo.pulls.values() if state == "all" or p["state"] == state]
            pulls.sort(key=lambda p: (p["created_at"], p["number"]), reverse=query.get("direction", "desc") == "desc")
            return self._page(path, query, pulls)
        if rest[0] == "pulls" and len(rest) >= 2 and rest[1].isdigit():
            n = int(rest[1])
            if n not in repo.pulls:
                return 404, None, {}
            if len(rest) == 2:
                pr = dict(repo.pulls[n])
                files = repo.files[n]
                pr.update({
                    "merged": pr["merged_at"] is not None, "mergeable": None, "rebaseable": None,
                    "mergeable_state": "unknown", "merged_by": pr["user"] if pr["merged_at"] else None,
                    "comments": 0, "review_comments": 0, "maintainer_can_modify": False,
                    "commits": len(repo.commits[n]), "additions": sum(f["additions"] for f in files),
                    "deletions": sum(f["deletions"] for f in files), "changed_files": len(files),
                })
                return 200, pr, {}
            if rest[2:] == ["files"]:
                return self._page(path, query, repo.files[n])
            if rest[2:] == ["commits"]:
                return self._page(path, query, repo.commits[n])
        if rest[:2] == ["git", "commits"] and len(rest) == 3:
            commit = repo.git_commits.get(rest[2])
            return (200, commit, {}) if commit else (404, None, {})
        if rest[0] == "issues" and len(rest) >= 2 and rest[1].isdigit():
            n = int(rest[1])
            if n not in repo.issues:
                return 404, None, {}
            if len(rest) == 2:
                return 200, repo.issues[n], {}
            if rest[2:] == ["comments"]:
                return self._page(path, query, repo.comments.get(n, []))
        return 404, None, {}

    def _page(self, path: str, query: dict[str, str], items: list[Any]) -> tuple[int, Any, dict[str, str]]:
        per_page = max(1, min(int(query.get("per_page", 30)), 100))
        page = max(1, int(query.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        links = []

        def link(p: int, rel: str) -> str:
            return f'<{self.url}{path}?{urlencode({**query, "page": p})}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        return 200, chunk, ({"Link": ", ".join(links)} if links else {})


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        body = b"" if status == 304 else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        fake = self.fake
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        status, payload, extra = self._answer(fake, split.path, query)
        with fake._lock:
            fake.requests.append(("GET", self.path, status))
        self._send(status, payload, extra)

    def _answer(self, fake: FakeGitHub, path: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        docs = "https://docs.github.com/rest"
        auth = self.headers.get("Authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else ""
        if token not in fake.tokens:
            return 401, {"message": "Bad credentials", "documentation_url": docs, "status": "401"}, {}
        with fake._lock:
            if time.time() >= fake.rate_reset and fake.rate_remaining <= 0:
                fake.rate_remaining = fake.rate_limit
                fake.rate_reset = int(time.time()) + 3600

            def rate_headers() -> dict[str, str]:
                return {
                    "X-RateLimit-Limit": str(fake.rate_limit), "X-RateLimit-Remaining": str(fake.rate_remaining),
                    "X-RateLimit-Reset": str(fake.rate_reset), "X-RateLimit-Used": str(fake.rate_limit - fake.rate_remaining),
                    "X-RateLimit-Resource": "core",
                }

            for fault in fake.faults:
                if fault.remaining > 0 and fault.pattern.search(path):
                    fault.remaining -= 1
                    return fault.status, {"message": fault.message, "documentation_url": docs}, {**rate_headers(), **fault.headers}
            if path != "/rate_limit" and fake.rate_remaining <= 0:
                return fake.rate_limit_status, {"message": "API rate limit exceeded for user ID 1. If you reach out to GitHub Support "
                             "for help, please include the request ID.", "documentation_url": docs}, rate_headers()
            status, payload, extra = fake.route(path, query)
            if status == 404:
                payload = {"message": "Not Found", "documentation_url": docs, "status": "404"}
            body = json.dumps(payload, sort_keys=True).encode()
            etag = f'W/"{hashlib.sha256(body).hexdigest()}"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                return 304, None, {**rate_headers(), "ETag": etag}
            if path != "/rate_limit":
                fake.rate_remaining -= 1
            headers = {**rate_headers(), **extra}
            if status == 200:
                headers["ETag"] = etag
            return status, payload, headers
