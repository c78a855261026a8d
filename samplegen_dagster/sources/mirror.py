"""One cached mirror per repository, and throwaway checkouts made from it.

``<cache>/mirrors/<owner__name>.git`` is a ``git clone --mirror`` made once; later runs only
fetch into it, and only when a commit they need is missing, so reruns never re-clone. A
file lock serialises writers, because several partitions of one repository can run at
once. Per-PR work happens in a ``git clone --shared`` of the mirror (objects borrowed via
alternates, so it is cheap), which the caller deletes when done.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from samplegen_dagster.ids import repo_key

GIT_ENV = {
    # Never prompt for credentials, never read the user's global hooks or templates.
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "true",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "samplegen",
    "GIT_AUTHOR_EMAIL": "samplegen@localhost",
    "GIT_COMMITTER_NAME": "samplegen",
    "GIT_COMMITTER_EMAIL": "samplegen@localhost",
}


class GitError(RuntimeError):
    """A git command failed; the message names the command and git's own last line."""


def git(
    *args: str,
    cwd: str | Path | None = None,
    check: bool = True,
    input: bytes | None = None,
    env_extra: dict | None = None,
    encoding: str = "utf-8",
) -> str:
    """Run git; its stdout decoded with ``encoding`` (latin-1 keeps arbitrary bytes, e.g. binary diffs)."""
    env = {**os.environ, **GIT_ENV, **(env_extra or {})}
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, input=input, capture_output=True)
    if check and proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        last = err[-1] if err else f"exit {proc.returncode}"
        # name the subcommand, not the "-c key=value" options before it
        sub = next((a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "-c")), args[0])
        raise GitError(f"git {sub} failed: {last}")
    return proc.stdout.decode(encoding, "replace")


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def mirror_path(cache_dir: Path, repo: str) -> Path:
    return Path(cache_dir) / "mirrors" / f"{repo_key(repo)}.git"


def has_commits(mirror: Path, *shas: str) -> bool:
    for sha in shas:
        if subprocess.run(
            ["git", "cat-file", "-e", f"{sha}^{{commit}}"], cwd=mirror, capture_output=True
        ).returncode:
            return False
    return True


def http_auth_env(url: str, token: str | None) -> dict[str, str]:
    """git configuration, passed through the environment, that sends ``token`` to ``url``'s host.

    Used for private GitHub repositories: the header lives only in the git process's
    environment, never in the mirror's config, the remote URL, or a command line (``ps``).
    Only for https URLs, and only for that host.
    """
    if not token or not url.startswith(("https://", "http://")):
        return {}
    from base64 import b64encode
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    basic = b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"http.{parts.scheme}://{parts.netloc}/.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
    }


def ensure_mirror(
    cache_dir: Path, repo: str, url: str, *, refresh: bool = False, need: tuple[str, ...] = (), token: str | None = None
) -> Path:
    """Return the mirror of ``repo``, cloning it once; fetch when asked or when ``need`` is missing.

    ``token`` authenticates https clones and fetches (see ``http_auth_env``)."""
    auth = http_auth_env(url, token)
    path = mirror_path(cache_dir, repo)
    with _locked(path.with_suffix(".lock")):
        if not (path / "HEAD").exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
            try:
                git("clone", "--mirror", "--quiet", url, str(tmp), env_extra=auth)
                os.replace(tmp, path)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        elif refresh or (need and not has_commits(path, *need)):
            git("remote", "set-url", "origin", url, cwd=path)
            git("fetch", "--prune", "--quiet", "origin", cwd=path, env_extra=auth)
        if need and not has_commits(path, *need):
            raise GitError(f"commit(s) {', '.join(s[:12] for s in need)} not found in {repo}")
    return path


def checkout(mirror: Path, sha: str, dest: Path) -> Path:
    """A fresh working tree of ``mirror`` at ``sha`` in ``dest`` (which must not exist)."""
    git("clone", "--shared", "--no-checkout", "--quiet", str(mirror), str(dest))
    git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha, cwd=dest)
    return dest


@contextmanager
def scratch_checkout(mirror: Path, sha: str, scratch_root: Path, label: str) -> Iterator[Path]:
    """A throwaway checkout at ``sha``, removed on exit whatever happens."""
    scratch_root.mkdir(parents=True, exist_ok=True)
    parent = Path(tempfile.mkdtemp(prefix=f"{label}.", dir=scratch_root))
    try:
        yield checkout(mirror, sha, parent / "repo")
    finally:
        shutil.rmtree(parent, ignore_errors=True)
