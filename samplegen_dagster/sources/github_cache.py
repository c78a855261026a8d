"""Conditional-request cache for the GitHub API, plugged under PyGithub.

GitHub does not charge a rate-limit point for a ``304 Not Modified`` answer to a request
carrying ``If-None-Match``. So every ``GET`` that came back ``200`` with an ``ETag`` is kept
on disk (one JSON file per URL + ``Accept`` header, under ``<cache_dir>/github-http``);
the next identical ``GET`` sends the stored ETag, and a ``304`` is answered from disk as if
it were the original ``200``. Reruns of discovery therefore cost (almost) no rate limit.

Layout of this module:

* ``HttpCache`` — the on-disk store (pure file I/O, no HTTP), plus hit/miss counters.
* ``CachingAdapter`` — a ``requests`` transport adapter that consults the store. PyGithub's
  retry policy (``urllib3.Retry``) still runs inside it, so retries and the cache compose.
* ``install_cache(github, cache)`` — binds the adapter to one ``github.Github`` client.

What is stored: the URL, the ETag, the response body and a few response headers (``Link``
for pagination, ``Content-Type``). Request headers, and so the token, are never stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

# Response headers worth replaying from the cache. Rate-limit headers are deliberately
# not among them: a 304 carries the current ones, which are merged in on replay.
_KEPT_HEADERS = ("Content-Type", "Link", "ETag", "Last-Modified")


@dataclass
class CacheStats:
    hits: int = 0  # answered 304 and replayed from disk
    misses: int = 0  # no usable entry, or the server sent a new version
    stored: int = 0


class HttpCache:
    """ETag store keyed by (URL, Accept). Safe to share between clients in one process."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.stats = CacheStats()
        self._lock = threading.Lock()

    @staticmethod
    def key(url: str, accept: str | None) -> str:
        return hashlib.sha256(f"{url}\n{accept or ''}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def load(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing or corrupt: behave as a miss, the next 200 overwrites it
        if not isinstance(entry, dict) or not entry.get("etag") or "body" not in entry:
            return None
        return entry

    def store(self, key: str, url: str, etag: str, headers: dict[str, str], body: bytes) -> None:
        path = self._path(key)
        entry = {"url": url, "etag": etag, "headers": headers, "body": body.decode("utf-8", errors="replace")}
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(entry), encoding="utf-8")
            tmp.replace(path)  # atomic: a concurrent reader sees the old or the new entry
            self.stats.stored += 1


def _replay(entry: dict[str, Any], request: requests.PreparedRequest, fresh: requests.Response) -> requests.Response:
    """Turn a stored entry into the ``200`` PyGithub would have received."""
    resp = requests.Response()
    resp.status_code = 200
    resp.reason = "OK"
    headers = CaseInsensitiveDict(entry.get("headers") or {})
    for name, value in fresh.headers.items():
        if name.lower().startswith("x-ratelimit") or name.lower() in ("date", "etag"):
            headers[name] = value
    resp.headers = headers
    resp._content = entry["body"].encode("utf-8")
    resp.encoding = "utf-8"
    resp.url = request.url or ""
    resp.request = request
    resp.connection = fresh.connection
    return resp


class CachingAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` that adds ``If-None-Match`` to GETs and replays ``304`` answers."""

    def __init__(self, cache: HttpCache, **kwargs: Any):
        super().__init__(**kwargs)
        self.cache = cache

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if request.method != "GET" or kwargs.get("stream"):
            return super().send(request, *args, **kwargs)
        key = self.cache.key(request.url or "", request.headers.get("Accept"))
        entry = self.cache.load(key)
        if entry is not None:
            request.headers["If-None-Match"] = entry["etag"]
        response = super().send(request, *args, **kwargs)
        if response.status_code == 304 and entry is not None:
            self.cache.stats.hits += 1
            return _replay(entry, request, response)
        self.cache.stats.misses += 1
        etag = response.headers.get("ETag")
        if response.status_code == 200 and etag:
            kept = {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}
            self.cache.store(key, request.url or "", etag, kept, response.content)
        return response


def install_cache(github: Any, cache: HttpCache) -> None:
    """Mount a ``CachingAdapter`` on the connection a ``github.Github`` client uses.

    PyGithub keeps one persistent ``requests`` session per client (``Requester``); its
    connection is created lazily, so it is created here and its adapter replaced, keeping
    the retry policy and pool size PyGithub configured. PyGithub has no public hook for
    this; the private accessor is confined to this function.
    """
    requester = github.requester
    connection = requester._Requester__createConnection()  # noqa: SLF001 - see docstring
    old = connection.adapter
    adapter = CachingAdapter(
        cache,
        max_retries=old.max_retries,
        pool_connections=getattr(connection, "pool_size", 10),
        pool_maxsize=getattr(connection, "pool_size", 10),
    )
    connection.adapter = adapter
    connection.session.mount(f"{connection.protocol}://", adapter)
