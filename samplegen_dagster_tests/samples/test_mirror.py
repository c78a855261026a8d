"""The cached mirror: cloned once, fetched only when a needed commit is missing."""

import subprocess
from pathlib import Path

import pytest

from samplegen_dagster.sources.mirror import GitError, ensure_mirror, scratch_checkout
from samplegen_dagster_tests.conftest import init_repo


def sh(cwd, *args):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def origin(tmp_path) -> Path:
    r = tmp_path / "origin"
    init_repo(r)
    (r / "a.txt").write_text("1\n")
    sh(r, "git", "add", "-A")
    sh(r, "git", "commit", "-qm", "one")
    return r


def test_clone_once_fetch_only_when_needed(origin, tmp_path):
    cache = tmp_path / "cache"
    first = ensure_mirror(cache, "acme/x", str(origin))
    marker = first / "samplegen-marker"
    marker.write_text("still the same clone")
    assert ensure_mirror(cache, "acme/x", str(origin)) == first and marker.exists()  # no re-clone

    (origin / "a.txt").write_text("2\n")
    sh(origin, "git", "commit", "-qam", "two")
    new = sh(origin, "git", "rev-parse", "HEAD")
    ensure_mirror(cache, "acme/x", str(origin), need=(new,))  # missing commit -> fetch, not clone
    assert marker.exists()
    assert sh(first, "git", "cat-file", "-t", new) == "commit"
    with pytest.raises(GitError, match="not found in acme/x"):
        ensure_mirror(cache, "acme/x", str(origin), need=("0" * 40,))


def test_scratch_checkout_is_removed_even_on_error(origin, tmp_path):
    mirror = ensure_mirror(tmp_path / "cache", "acme/x", str(origin))
    sha = sh(origin, "git", "rev-parse", "HEAD")
    with pytest.raises(RuntimeError):
        with scratch_checkout(mirror, sha, tmp_path / "scratch", "acme__x-1") as root:
            assert (root / "a.txt").read_text() == "1\n"
            raise RuntimeError("boom")
    assert list((tmp_path / "scratch").iterdir()) == []


def test_unreachable_url_is_one_line(tmp_path):
    with pytest.raises(GitError) as err:
        ensure_mirror(tmp_path / "cache", "acme/x", str(tmp_path / "missing.git"))
    assert str(err.value).startswith("git clone failed:") and "\n" not in str(err.value)
    assert [p.name for p in (tmp_path / "cache" / "mirrors").iterdir()] == ["acme__x.lock"]  # no half-made mirror left


def test_token_authenticates_https_clones_without_being_stored(origin, tmp_path):
    """A private repository behind HTTP auth (git's dumb HTTP protocol, served on 127.0.0.1)."""
    import base64
    import functools
    import http.server
    import threading

    bare = tmp_path / "served" / "x.git"
    sh(tmp_path, "git", "clone", "-q", "--bare", str(origin), str(bare))
    sh(bare, "git", "update-server-info")
    token = "ghs_secret_test_token"
    expected = "Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()
    seen: list[str | None] = []

    class Private(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("Authorization"))
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="private"')
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Private, directory=str(tmp_path / "served")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/x.git"
    try:
        with pytest.raises(GitError):  # without the token: refused, one line, no prompt
            ensure_mirror(tmp_path / "c1", "acme/x", url)
        mirror = ensure_mirror(tmp_path / "c2", "acme/x", url, token=token)
        assert sh(mirror, "git", "rev-parse", "HEAD") == sh(origin, "git", "rev-parse", "HEAD")
        assert expected in seen
        stored = "".join(p.read_text(errors="replace") for p in mirror.rglob("*") if p.is_file() and p.stat().st_size < 1_000_000)
        assert token not in stored and expected.split()[1] not in stored
    finally:
        server.shutdown()
