"""Retries, rate limits, conditional requests and failure messages, against FakeGitHub."""

from __future__ import annotations

import time

import pytest

from samplegen_dagster.sources.base import SourceError
from samplegen_dagster.sources.github import GitHubSource
from samplegen_dagster.sources.repos_file import RepoEntry
from samplegen_dagster_tests.github.conftest import make_config

CALC = RepoEntry(repo="acme/calc", url="https://github.com/acme/calc.git", source="github")


def test_secondary_limit_403_with_retry_after_is_waited_out(source, fixture, fake, log_lines):
    fake.fail(r"^/repos/acme/calc/pulls/1/files$", 403, times=1, headers={"Retry-After": "1"},
              message="You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
    started = time.monotonic()
    pr = source.get(CALC, 1)
    assert time.monotonic() - started >= 1.0  # Retry-After honoured
    assert len(pr.changed_files) == 2
    statuses = [s for _, p, s in fake.requests if p.startswith("/repos/acme/calc/pulls/1/files")]
    assert statuses == [403, 200]
    assert any(line.startswith("GitHub secondary rate limit on /repos/acme/calc/pulls/1/files: retrying after 1s")
               for line in log_lines)


def test_429_with_retry_after_is_retried(source, fixture, fake):
    fake.fail(r"^/repos/acme/calc/issues/100$", 429, times=1, headers={"Retry-After": "0"}, message="slow down")
    assert source.get(CALC, 1).problem_statement_source == "issue"
    assert [s for _, p, s in fake.requests if p == "/repos/acme/calc/issues/100"] == [429, 200]


def test_5xx_is_retried_with_backoff(source, fixture, fake, log_lines):
    fake.fail(r"^/repos/acme/calc$", 502, times=2, message="Bad Gateway")
    assert source.clone_url(CALC) == str(fixture.calc_dir)
    assert [s for _, p, s in fake.requests if p == "/repos/acme/calc"] == [502, 502, 200]
    assert sum("answered 502" in line for line in log_lines) == 2


def test_persistent_5xx_is_one_line(source, fixture, fake):
    fake.fail(r"^/repos/acme/calc$", 503, times=10, message="Service Unavailable")
    with pytest.raises(SourceError) as e:
        source.list_merged(CALC)
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith(f"GitHub API at {fake.url} kept failing while reading repository acme/calc after 2 retries")


def test_primary_rate_limit_waits_until_reset(source, fixture, fake, log_lines):
    fake.rate_remaining = 0
    fake.rate_reset = int(time.time()) + 1
    started = time.monotonic()
    assert source.clone_url(CALC) == str(fixture.calc_dir)
    assert time.monotonic() - started >= 0.5
    waits = [line for line in log_lines if line.startswith("GitHub primary rate limit exhausted: waiting")]
    assert len(waits) == 1 and "until reset at" in waits[0]


def test_primary_rate_limit_as_429_also_waits_until_reset(source, fixture, fake, log_lines):
    fake.rate_limit_status = 429
    fake.rate_remaining = 0
    fake.rate_reset = int(time.time()) + 1
    assert source.clone_url(CALC) == str(fixture.calc_dir)
    assert [s for _, p, s in fake.requests if p == "/repos/acme/calc"] == [429, 200]
    assert sum(line.startswith("GitHub primary rate limit exhausted: waiting") for line in log_lines) == 1


@pytest.mark.parametrize("status", [403, 429])
def test_exhausted_rate_limit_is_one_readable_line(source, fixture, fake, status):
    fake.rate_limit_status = status
    fake.rate_remaining = 0
    fake.rate_reset = int(time.time()) + 3600  # far beyond max_rate_limit_wait_s=5
    started = time.monotonic()
    with pytest.raises(SourceError) as e:
        source.list_merged(CALC)
    assert time.monotonic() - started < 5  # did not sit there
    msg = str(e.value)
    assert "\n" not in msg and getattr(e.value, "fatal", False)
    assert msg.startswith(f"GitHub API rate limit exhausted at {fake.url} (5000 requests per hour used up); it resets at ")
    assert "rerun later" in msg


def test_bad_token_is_one_readable_line(fake, fixture, tmp_path):
    source = GitHubSource(make_config(fake, tmp_path, token="wrong-token"))
    with pytest.raises(SourceError) as e:
        source.list_merged(CALC)
    assert str(e.value) == (
        f"GitHub at {fake.url} rejected the token in GITHUB_TOKEN (401 Bad credentials): it is wrong, expired or revoked"
    )
    assert "wrong-token" not in str(e.value)


@pytest.mark.parametrize("token", [None, "", "   "])
def test_missing_token_is_one_readable_line(fake, fixture, tmp_path, token):
    source = GitHubSource(make_config(fake, tmp_path, token=token))
    with pytest.raises(SourceError, match=r"^GITHUB_TOKEN is not set: .*'source: git'"):
        source.list_merged(CALC)
    assert fake.requests == []


def test_rerun_spends_no_rate_limit(fake, fixture, tmp_path):
    first = GitHubSource(make_config(fake, tmp_path))
    refs = first.list_merged(CALC)
    prs = [first.get(CALC, r.number) for r in refs if r.number in (1, 2, 13)]
    spent = len(fake.counted())
    assert spent > 10 and first.cache is not None and first.cache.stats.hits == 0
    fake.requests.clear()
    remaining = fake.rate_remaining

    second = GitHubSource(make_config(fake, tmp_path))  # a new client: only the disk cache is shared
    assert second.list_merged(CALC) == refs
    assert [second.get(CALC, r.number) for r in refs if r.number in (1, 2, 13)] == prs
    assert fake.requests and all(status == 304 for _, _, status in fake.requests)
    assert fake.counted() == [] and fake.rate_remaining == remaining
    assert second.cache is not None and second.cache.stats.hits == len(fake.requests)


def test_changed_resource_is_refetched(fake, fixture, tmp_path):
    GitHubSource(make_config(fake, tmp_path)).get(CALC, 2)
    fake.repos["acme/calc"].issues[101]["body"] = "mul(2, 3) gives 5, and mul(1, 1) gives 2"
    fake.requests.clear()
    pr = GitHubSource(make_config(fake, tmp_path)).get(CALC, 2)
    assert "mul(1, 1) gives 2" in pr.problem_statement
    assert [s for _, p, s in fake.requests if p == "/repos/acme/calc/issues/101"] == [200]
    assert [p for _, p, s in fake.requests if s != 304] == ["/repos/acme/calc/issues/101"]
