import subprocess

from samplegen_dagster.sources.git_history import scan
from samplegen_dagster.validation.junit import Outcome, Report, TestResult
from samplegen_dagster.validation.verdict import decide
from samplegen_dagster_tests.conftest import git_rev, init_repo


def rep(**outcomes: str) -> Report:
    return Report(tests={k: TestResult(nodeid=k, outcome=Outcome(v)) for k, v in outcomes.items()})


def test_f2p_p2p_and_skips():
    v = decide(
        rep(a="passed", b="passed"),
        rep(a="passed", b="passed", new="failed", gone_missing_before="passed", sk="skipped", s2="passed"),
        rep(a="passed", b="passed", new="passed", collected_late="passed", sk="passed", s2="skipped"),
    )
    assert v.fail_to_pass == ["collected_late", "new", "sk"]  # absent or skipped before counts as not passing
    assert v.pass_to_pass == ["a", "b"]  # s2 is skipped after the fix: neither F2P nor P2P
    assert v.accepted


def test_regression_rejects():
    v = decide(rep(a="passed"), rep(a="passed", n="failed"), rep(a="failed", n="passed"))
    assert v.rejection.code == "pass_to_fail" and v.regressions == ["a"]


def test_no_results_and_no_f2p():
    assert decide(rep(), rep(n="failed"), rep()).rejection.code == "no_results_after_fix"
    assert decide(rep(), rep(n="passed"), rep(n="passed")).rejection.code == "no_fail_to_pass"
    assert decide(rep(), rep(n="failed"), rep(n="skipped")).rejection.message == "no test passes after the fix"


def test_git_history_finds_merge_and_squash_prs(demo_repo):
    prs = scan(demo_repo, "acme/textkit", str(demo_repo))
    assert sorted(prs) == [1, 2, 3, 4, 5, 6]
    assert prs[1].title == "Fix naturalsize rounding just below a unit boundary"
    assert prs[1].merge_commit == git_rev(demo_repo, "main~5") and prs[1].base_commit == git_rev(demo_repo, "main~5^1")
    assert prs[2].title == "Transliterate accented characters in slugify"
    assert prs[2].base_commit == git_rev(demo_repo, f"{prs[2].merge_commit}^")
    assert prs[1].author == "alice" and prs[2].author == "bob"
    assert prs[1].created_at < prs[1].merged_at
    assert "999_950" in prs[1].problem_statement
    # commits inside merged branches are not PRs; the initial commit is not a PR
    subjects = subprocess.run(["git", "log", "--format=%s", "main"], cwd=demo_repo, capture_output=True, text=True).stdout
    assert "Add failing boundary cases for naturalsize" in subjects
    assert {p.title for p in prs.values()}.isdisjoint({"Add failing boundary cases for naturalsize", "Initial import of textkit"})


def test_merge_commit_with_a_squash_style_subject(tmp_path):
    """pallets-style history: a two-parent merge whose message is 'Title (#N)'."""
    r = tmp_path / "r"
    sh = init_repo(r)
    (r / "a.py").write_text("A = 1\n")
    sh("git", "add", "-A")
    sh("git", "commit", "-qm", "init")
    sh("git", "checkout", "-q", "-b", "feature")
    (r / "a.py").write_text("A = 2\n")
    sh("git", "commit", "-qam", "change a")
    sh("git", "checkout", "-q", "main")
    (r / "b.py").write_text("B = 1\n")  # main moved on, so the merge is a real two-parent merge
    sh("git", "add", "-A")
    sh("git", "commit", "-qm", "unrelated work on main")
    sh("git", "merge", "-q", "--no-ff", "-m", "support FIPS builds without SHA-1 (#378)", "feature")
    prs = scan(r, "pallets/x", str(r))
    assert list(prs) == [378]
    assert prs[378].title == "support FIPS builds without SHA-1"
    assert prs[378].base_commit == git_rev(r, "main^1") and prs[378].merge_commit == git_rev(r, "main")
