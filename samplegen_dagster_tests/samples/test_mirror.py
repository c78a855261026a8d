"""The cached mirror: cloned once, fetched only when a needed commit is missing."""

import subprocess
from pathlib import Path

import pytest

from samplegen_dagster.sources.mirror import GitError, ensure_mirror, scratch_checkout


def sh(cwd, *args):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def origin(tmp_path) -> Path:
    r = tmp_path / "origin"
    r.mkdir()
    sh(r, "git", "init", "-q", "-b", "main")
    sh(r, "git", "config", "user.email", "t@t")
    sh(r, "git", "config", "user.name", "t")
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
