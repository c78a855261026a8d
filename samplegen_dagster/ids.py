"""The one identifier of a PR sample: ``owner__name-N`` (SWE-bench's ``instance_id`` form).

It is the Dagster partition key, the sample directory name and ``metadata.json``'s
``instance_id``. GitHub owners cannot contain ``_``, so the first ``__`` always splits the
owner from the repository name (which may itself contain ``__``); the number follows the
last ``-``.
"""

from __future__ import annotations

import re

_REPO_RE = re.compile(r"^(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<name>[A-Za-z0-9._-]+)$")
_INSTANCE_RE = re.compile(r"^(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)__(?P<name>[A-Za-z0-9._-]+)-(?P<number>[0-9]+)$")


class InvalidIdentifier(ValueError):
    pass


def check_repo(repo: str) -> str:
    """Return ``repo`` if it is of the form ``owner/name``, else raise with a readable message."""
    if not _REPO_RE.match(repo or ""):
        raise InvalidIdentifier(f"repository {repo!r} is not of the form owner/name")
    return repo


def repo_key(repo: str) -> str:
    """``owner/name`` -> ``owner__name`` (the per-repository partition key)."""
    owner, name = check_repo(repo).split("/", 1)
    return f"{owner}__{name}"


def instance_id(repo: str, number: int) -> str:
    if number < 1:
        raise InvalidIdentifier(f"pull request number must be positive, got {number}")
    return f"{repo_key(repo)}-{number}"


def parse_instance_id(key: str) -> tuple[str, int]:
    """``owner__name-N`` -> (``owner/name``, N)."""
    m = _INSTANCE_RE.match(key or "")
    if not m:
        raise InvalidIdentifier(f"{key!r} is not an instance id of the form owner__name-N")
    return f"{m['owner']}/{m['name']}", int(m["number"])
