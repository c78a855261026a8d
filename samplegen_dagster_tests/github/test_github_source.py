"""GitHubSource against FakeGitHub with the real PyGithub client and real git repositories."""

from __future__ import annotations

import subprocess

import pytest

from samplegen_dagster.sources.base import PRSource, SourceError
from samplegen_dagster.sources.repos_file import RepoEntry
from samplegen_dagster_tests.github.fixture_repo import TEST_ADD

CALC = RepoEntry(repo="acme/calc", url="https://github.com/acme/calc.git", source="github")


def test_is_a_pr_source(source):
    assert isinstance(source, PRSource)


def test_list_merged_follows_link_pagination(source, fixture, fake):
    refs = source.list_merged(CALC)
    merged = sorted(n for n, e in fixture.expected.items() if fixture.shas[n]["merge"])
    assert sorted(r.number for r in refs) == merged
    assert {r.number: r.merge_commit for r in refs}[1] == fixture.shas[1]["merge"]
    # 13 closed PRs at per_page=2 is 7 pages, each fetched once
    pages = [p for _, p, s in fake.requests if p.startswith("/repos/acme/calc/pulls?")]
    assert len(pages) == 7 and all("per_page=2" in p for p in pages)


def test_get_merge_commit_pr_reads_issue_and_hints(source, fixture):
    pr = source.get(CALC, 1)
    shas = fixture.shas[1]
    assert (pr.base_commit, pr.merge_commit) == (shas["base"], shas["merge"])
    # base is the merge's first parent, and that is what git says too
    assert pr.base_commit == subprocess.run(
        ["git", "rev-parse", f"{shas['merge']}^1"], cwd=fixture.calc_dir, capture_output=True, text=True
    ).stdout.strip()
    assert pr.github_base_sha == shas["base"]
    assert pr.linked_issues == ["#100"]
    assert pr.problem_statement_source == "issue"
    assert pr.problem_statement.startswith("add() subtracts instead of adding\nCalling `add(2, 3)` returns -1.")
    # the pasted fix and the "Fixed in #1" line are leaks and are gone; recorded as such
    assert "return a + b" not in pr.problem_statement
    assert "Fixed in #1" not in pr.problem_statement
    assert len(pr.leaks_removed) == 2
    # only the comment written before the PR's first commit is a hint
    assert pr.hints_text == "Confirmed on 3.11, it is in calc/ops.py"
    assert {f.path: (f.additions, f.deletions) for f in pr.changed_files} == {
        "calc/ops.py": (1, 1), "tests/test_add.py": (len(TEST_ADD.splitlines()), 0)
    }
    assert pr.clone_url == str(fixture.calc_dir)
    assert pr.author == "alice" and pr.source == "github"
    assert pr.merged_at is not None and pr.created_at is not None


def test_get_squash_pr_links_issue_from_commit_message(source, fixture):
    pr = source.get(CALC, 2)
    assert pr.base_commit == fixture.shas[2]["base"]  # the squash commit's parent
    assert pr.merge_commit == fixture.shas[2]["merge"]
    assert pr.linked_issues == ["#101"]
    assert pr.problem_statement == "mul() is wrong\nmul(2, 3) gives 5\n"
    assert pr.hints_text == ""


def test_cross_repository_issue_is_fetched(source, fixture):
    pr = source.get(CALC, 13)
    assert pr.linked_issues == ["acme/tracker#7"]
    assert pr.problem_statement.startswith("sub() should accept floats cleanly")


def test_pr_without_issue_falls_back_to_pr_text(source, fixture):
    pr = source.get(CALC, 11)
    assert pr.linked_issues == []
    assert pr.problem_statement_source == "pull_request"
    assert pr.problem_statement == "Tweak constants\nNo issue for this one.\n"


def test_linked_number_that_is_a_pr_is_not_a_problem_statement(source, fake, fixture):
    # "#6" is a pull request on the fake server, exactly as GitHub reports PRs via /issues
    fake.repos["acme/calc"].pulls[11]["body"] = "Fixes #6"
    pr = source.get(CALC, 11)
    assert pr.linked_issues == ["#6"]
    assert pr.problem_statement_source == "pull_request"


def test_unmerged_pr_is_a_readable_error(source, fixture):
    with pytest.raises(SourceError, match=r"^acme/calc#3 is not merged$"):
        source.get(CALC, 3)


def test_missing_pr_and_missing_repo_are_one_line(source, fixture):
    with pytest.raises(SourceError) as e:
        source.get(CALC, 999)
    assert str(e.value).startswith("acme/calc#999 not found on http://127.0.0.1:")
    with pytest.raises(SourceError) as e:
        source.list_merged(RepoEntry(repo="acme/nope", url="https://github.com/acme/nope"))
    assert "\n" not in str(e.value)
    assert str(e.value).startswith("repository acme/nope not found on ")
    assert "private" in str(e.value)


def test_entry_prs_restricts_listing(source, fixture, fake):
    entry = CALC.model_copy(update={"prs": [1, 3]})
    assert [r.number for r in source.list_merged(entry)] == [1]
    assert not any(p.startswith("/repos/acme/calc/pulls?") for _, p, _ in fake.requests)


def test_token_never_reaches_models_or_cache(source, fixture, tmp_path):
    pr = source.get(CALC, 1)
    assert "test-token" not in pr.model_dump_json()
    assert "test-token" not in repr(source.config)
    cached = "".join(p.read_text() for p in (tmp_path / "cache").rglob("*.json"))
    assert cached and "test-token" not in cached
