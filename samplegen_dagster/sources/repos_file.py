"""The repository list file (``repos.yaml``).

::

    repositories:
      - repo: python-humanize/humanize
        url: https://github.com/python-humanize/humanize.git   # or a local path, bare or not
        prs: [87, 112]        # optional: only these PRs
        source: git           # optional: git (offline history) | github (API); guessed from url

Relative local paths are resolved against the file's own directory, so a repos file and
the repositories it lists can move together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from samplegen_dagster.ids import InvalidIdentifier, check_repo


class ReposFileError(ValueError):
    """A repos file that cannot be used; the message is one readable line."""


class RepoEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    repo: str = Field(description="owner/name")
    url: str = Field(description="git URL or local path (bare or not)")
    prs: list[int] | None = Field(default=None, description="restrict to these PR numbers")
    source: Literal["git", "github"] | None = Field(
        default=None, description="PR source; default: github for GitHub URLs when a token is set, else git"
    )

    @field_validator("repo")
    @classmethod
    def _repo(cls, v: str) -> str:
        try:
            return check_repo(v)
        except InvalidIdentifier as e:
            raise ValueError(str(e)) from None

    @field_validator("prs")
    @classmethod
    def _prs(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and any(n < 1 for n in v):
            raise ValueError("PR numbers must be positive")
        return v

    def is_github_url(self) -> bool:
        return "github.com" in self.url or self.url.startswith("git@github")

    def is_local(self) -> bool:
        return "://" not in self.url and not self.url.startswith("git@")


class ReposFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    repositories: list[RepoEntry] = Field(default_factory=list)

    def find(self, repo: str) -> RepoEntry | None:
        return next((e for e in self.repositories if e.repo == repo), None)


def load_repos_file(path: str | Path) -> ReposFile:
    """Parse and validate a repos file; any problem raises ``ReposFileError`` naming the entry."""
    path = Path(path)
    if not path.is_file():
        raise ReposFileError(f"repos file {path} does not exist (set SAMPLEGEN_REPOS_FILE or pass --repos-file)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ReposFileError(f"{path}: not valid YAML{where}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or "repositories" not in raw:
        raise ReposFileError(f"{path}: expected a mapping with a 'repositories:' list")
    entries = raw.get("repositories") or []
    if not isinstance(entries, list):
        raise ReposFileError(f"{path}: 'repositories' must be a list")
    unknown = set(raw) - {"repositories"}
    if unknown:
        raise ReposFileError(f"{path}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    parsed: list[RepoEntry] = []
    seen: set[str] = set()
    for i, item in enumerate(entries, start=1):
        label = f"entry {i}" + (f" ({item.get('repo')})" if isinstance(item, dict) and item.get("repo") else "")
        if not isinstance(item, dict):
            raise ReposFileError(f"{path}: {label}: expected a mapping with 'repo' and 'url'")
        try:
            entry = RepoEntry.model_validate(item)
        except ValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(x) for x in err["loc"]) or "entry"
            msg = err["msg"].removeprefix("Value error, ")
            raise ReposFileError(f"{path}: {label}: {loc}: {msg}") from None
        if entry.repo in seen:
            raise ReposFileError(f"{path}: {label}: repository {entry.repo} is listed twice")
        seen.add(entry.repo)
        if entry.is_local() and not entry.url.startswith("file:"):
            local = Path(entry.url).expanduser()
            if not local.is_absolute():
                local = (path.parent / local).resolve()
            entry = entry.model_copy(update={"url": str(local)})
        parsed.append(entry)
    return ReposFile(repositories=parsed)
