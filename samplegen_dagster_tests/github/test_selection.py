"""The selection funnel: pure rules, and the whole funnel over the fixture repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samplegen_dagster.selection.models import REASONS, Candidate, SelectionRules
from samplegen_dagster.selection.rules import candidate_file, decide, funnel, score
from samplegen_dagster.selection.schemas import render_schemas
from samplegen_dagster.selection.select import select
from samplegen_dagster.sources.github import wants_github
from samplegen_dagster.sources.repos_file import RepoEntry
from samplegen_dagster_tests.github.conftest import make_config

CALC = RepoEntry(repo="acme/calc", url="https://github.com/acme/calc.git", source="github")
WEBUI = RepoEntry(repo="acme/webui", url="https://github.com/acme/webui.git", source="github")
REQUIRED = SelectionRules(linked_issue="required", max_accepted_per_repo=2)
REPO_ROOT = Path(__file__).resolve().parents[2]


def _cand(**kw) -> Candidate:
    base = dict(repo="o/r", number=1, title="Fix parsing", merged=True, language="Python",
                files=[candidate_file("pkg/mod.py", additions=3, deletions=1), candidate_file("tests/test_mod.py", "added", 5)],
                commit_messages=[], linked_issues=["#5"])
    base.update(kw)
    return Candidate(**base)


def test_funnel_on_fixture_gives_each_pr_its_expected_decision(source, fixture, fake):
    report = select(source, CALC, REQUIRED)
    got = {d.number: ("accepted" if d.accepted else d.reason) for d in report.decisions}
    assert got == fixture.expected
    assert report.accepted == [1, 2]
    web = select(source, WEBUI, REQUIRED)
    assert {d.number: d.reason for d in web.decisions} == fixture.webui_expected
    # together the two repositories exercise every reason of the vocabulary
    seen = {r for r in got.values()} | set(fixture.webui_expected.values())
    assert seen == set(REASONS) | {"accepted"}
    counts = {r: n for r, n in report.rejected_by_reason.items() if n}
    assert counts == {"not_merged": 2, "revert": 1, "bot_or_dependency_bump": 1, "fetch_failed": 1,
                      "no_source_changes": 1, "no_test_changes": 1, "too_many_source_files": 1,
                      "too_many_source_lines": 1, "no_linked_issue": 1, "over_repo_limit": 1}
    assert report.examined == 13 and report.error is None


def test_funnel_fetches_details_only_for_survivors_of_cheap_rules(source, fixture, fake):
    select(source, CALC, REQUIRED)
    fetched = {int(p.split("/")[5]) for _, p, _ in fake.requests if p.startswith("/repos/acme/calc/pulls/") and "/files" in p}
    assert fetched == {1, 2, 6, 7, 8, 9, 11, 12, 13}  # not 3, 10 (unmerged), 4 (revert), 5 (bot)


def test_one_failing_pr_does_not_stop_the_others(source, fixture):
    report = select(source, CALC, REQUIRED)
    failed = next(d for d in report.decisions if d.number == 12)
    assert failed.reason == "fetch_failed" and "kept failing" in failed.detail and "\n" not in failed.detail
    assert 13 in [d.number for d in report.decisions if d.number > 12]


def test_missing_repository_is_a_recorded_error_not_a_crash(source, fixture):
    report = select(source, RepoEntry(repo="acme/gone", url="https://github.com/acme/gone"), REQUIRED)
    assert report.decisions == [] and report.accepted == [] and not report.fatal
    assert report.error.startswith("repository acme/gone not found on ")


def test_exhausted_rate_limit_stops_the_repository_with_one_line(source, fixture, fake):
    fake.rate_remaining = 3  # repo + the first pages, then nothing
    fake.rate_reset = 2**31 - 1
    report = select(source, CALC, REQUIRED)
    assert report.fatal and report.error.startswith("GitHub API rate limit exhausted")
    assert "\n" not in report.error


def test_preferred_link_ranks_but_does_not_reject(source, fixture):
    report = select(source, CALC, SelectionRules(linked_issue="preferred"))
    decided = {d.number: d for d in report.decisions}
    assert decided[11].accepted  # no link, still fine
    assert decided[11].score < decided[1].score
    assert report.accepted[-1] == 11


def test_rules_in_order_and_partial_decisions():
    rules = SelectionRules(linked_issue="required")
    assert decide(_cand(), rules).accepted
    assert decide(_cand(merged=False, title="Revert x"), rules).reason == "not_merged"  # first rule wins
    assert decide(_cand(files=None), rules, partial=True) is None  # needs the file list
    assert decide(_cand(files=None, merged=False), rules, partial=True).reason == "not_merged"
    assert decide(_cand(linked_issues=[], commit_messages=None), rules, partial=True) is None
    assert decide(_cand(linked_issues=[], commit_messages=[]), rules).reason == "no_linked_issue"
    assert decide(_cand(language=None), rules).accepted  # offline sources cannot tell the language
    assert decide(_cand(language="Go"), rules).reason == "not_python"


@pytest.mark.parametrize("kw", [
    {"author": "renovate[bot]"}, {"author": "pre-commit-ci"}, {"author_is_bot": True},
    {"labels": ["Dependencies"]}, {"title": "chore(deps): update pytest"}, {"title": "Bump urllib3 from 1.26 to 2.0"},
])
def test_bots_and_dependency_bumps(kw):
    assert decide(_cand(**kw), SelectionRules()).reason == "bot_or_dependency_bump"


@pytest.mark.parametrize("kw", [{"title": 'Revert "Fix parsing"'}, {"body": "This reverts commit 0123abcd."}])
def test_reverts(kw):
    assert decide(_cand(**kw), SelectionRules()).reason == "revert"


def test_not_bumps_or_reverts():
    for title in ["Bumpy road: fix", "Fix reverted sort order", "Update dependency docs wording"]:
        assert decide(_cand(title=title), SelectionRules()).accepted, title


def test_limits_and_score():
    rules = SelectionRules(max_source_files=2, max_source_lines=10)
    big = _cand(files=[candidate_file("a.py", additions=11), candidate_file("tests/test_a.py")])
    assert decide(big, rules).reason == "too_many_source_lines"
    many = _cand(files=[candidate_file(f"m{i}.py", additions=1) for i in range(3)] + [candidate_file("tests/t_test.py")])
    assert decide(many, rules).reason == "too_many_source_files"
    docs_only = _cand(files=[candidate_file("README.md", additions=3), candidate_file("tests/test_a.py")])
    assert decide(docs_only, rules).reason == "no_source_changes"
    assert score(_cand(), rules) > score(_cand(linked_issues=[]), rules)
    assert score(_cand(), rules) > score(big, rules)


def test_over_repo_limit_keeps_the_best():
    rules = SelectionRules(max_accepted_per_repo=1)
    ds = [decide(_cand(number=1, linked_issues=[]), rules), decide(_cand(number=2), rules)]
    report = funnel("o/r", ds, rules)
    assert report.accepted == [2]
    assert [d.reason for d in report.decisions] == ["over_repo_limit", None]
    assert set(report.rejected_by_reason) == set(REASONS)


def test_wants_github():
    gh = RepoEntry(repo="a/b", url="https://github.com/a/b.git")
    assert wants_github(gh, token="t") and not wants_github(gh, token="")
    assert wants_github(RepoEntry(repo="a/b", url="https://ghe.corp/a/b.git", source="github"), token="")
    assert not wants_github(RepoEntry(repo="a/b", url="https://github.com/a/b.git", source="git"), token="t")
    assert not wants_github(RepoEntry(repo="a/b", url="/srv/git/b"), token="t")


def test_select_all_over_a_repos_file_writes_reports_and_summaries(fake, fixture, tmp_path):
    from samplegen_dagster.selection.run import accepted_keys, report_path, select_all, summary_line
    from samplegen_dagster.settings import Settings

    repos = tmp_path / "repos.yaml"
    repos.write_text(
        "repositories:\n"
        "  - {repo: acme/calc, url: 'https://github.com/acme/calc.git', source: github}\n"
        "  - {repo: acme/gone, url: 'https://github.com/acme/gone.git', source: github}\n"
        "  - {repo: acme/webui, url: 'https://github.com/acme/webui.git', source: github}\n"
    )
    settings = Settings.from_env(repos_file=str(repos), cache_dir=str(tmp_path / "cache"), samples_dir=str(tmp_path / "s"))
    reports = select_all(settings, REQUIRED, make_config(fake, tmp_path))
    assert [accepted_keys(r) for r in reports] == [["acme__calc-1", "acme__calc-2"], [], []]
    assert summary_line(reports[0]).startswith("acme/calc: 13 examined, 2 accepted; not_merged 2, revert 1,")
    assert summary_line(reports[1]).startswith("acme/gone: not examined: repository acme/gone not found on ")
    assert summary_line(reports[2]) == "acme/webui: 1 examined, 0 accepted; not_python 1"
    assert report_path(settings, "acme/calc").is_file()


def test_committed_schemas_equal_a_fresh_export():
    fresh = render_schemas()
    committed = {p.name: p.read_text() for p in (REPO_ROOT / "schemas" / "selection").glob("*.json")}
    assert committed == fresh
    assert set(json.loads(fresh["decision.json"])["properties"]["reason"]["anyOf"][0]["enum"]) == set(REASONS)
