"""A real git repository with one merged/closed PR per selection outcome, served by FakeGitHub.

``build_fixture(tmp, fake)`` creates ``acme/calc`` (Python) and ``acme/webui`` (JavaScript)
plus an issue-only ``acme/tracker`` repository, and returns the expected decision for every
PR, so the funnel test compares against an independent statement of intent rather than
re-running the rules.

``acme/calc`` PRs (all but #3 really change the git history; #3 and #10 are not merged):

====  ========================================  =========================  =======================
 #    what it is                                 link                       expected
====  ========================================  =========================  =======================
 1    fix add() + new test (merge commit)        "Fixes #100" in body       accepted
 2    fix mul() + test (squash)                  "closes #101" in commit    accepted
 3    closed without merge                       -                          not_merged
 4    Revert "..."                               -                          revert
 5    dependabot bump                            -                          bot_or_dependency_bump
 6    tests only                                 Fixes #100                 no_source_changes
 7    source only                                Fixes #100                 no_test_changes
 8    4 source files + test                      Fixes #100                 too_many_source_files
 9    250 source lines + test                    Fixes #100                 too_many_source_lines
 10   draft, closed                              -                          not_merged
 11   source + test, no link                     -                          no_linked_issue
 12   files endpoint keeps failing (500)         Fixes #100                 fetch_failed
 13   fix sub() + test, bigger                   "Resolves acme/tracker#7"  over_repo_limit (cap 2)
====  ========================================  =========================  =======================
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from samplegen_dagster_tests.github.fake_github import FakeGitHub

CALC_V0 = '''"""Tiny calculator."""


def add(a, b):
    return a - b


def mul(a, b):
    return a + b


def sub(a, b):
    return a - b
'''


# The second test proves, from inside the sandbox, that the token did not get there.
TEST_ADD = """import os

from calc.ops import add


def test_add():
    assert add(2, 3) == 5


def test_no_credentials_in_sandbox():
    assert "GITHUB_TOKEN" not in os.environ
"""


def git(repo: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "alice", "GIT_AUTHOR_EMAIL": "alice@example.com",
        "GIT_COMMITTER_NAME": "alice", "GIT_COMMITTER_EMAIL": "alice@example.com",
        "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout.strip()


def write(repo: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        p = repo / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


@dataclass
class Fixture:
    calc_dir: Path
    expected: dict[int, str]  # PR number -> "accepted" or the rejection reason
    shas: dict[int, dict[str, str]] = field(default_factory=dict)  # number -> base/head/merge
    webui_expected: dict[int, str] = field(default_factory=dict)


def _pr_branch(repo: Path, number: int, commits: list[tuple[str, dict[str, str]]], date: int) -> tuple[str, str]:
    """Create branch pr-N off main with ``commits``; return (base, head)."""
    base = git(repo, "rev-parse", "main")
    git(repo, "checkout", "-q", "-b", f"pr-{number}", "main")
    for message, files in commits:
        write(repo, files)
        git(repo, "add", "-A")
        git(repo, "-c", "commit.gpgsign=false", "commit", "-q", "-m", message, f"--date={date}")
        date += 60
    head = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "main")
    return base, head


def _merge(repo: Path, number: int, title: str) -> str:
    git(repo, "merge", "-q", "--no-ff", f"pr-{number}", "-m", f"Merge pull request #{number} from alice/pr-{number}\n\n{title}")
    return git(repo, "rev-parse", "HEAD")


def _squash(repo: Path, number: int, title: str) -> str:
    git(repo, "merge", "-q", "--squash", f"pr-{number}")
    git(repo, "-c", "commit.gpgsign=false", "commit", "-q", "-m", f"{title} (#{number})")
    return git(repo, "rev-parse", "HEAD")


def build_fixture(tmp: Path, fake: FakeGitHub) -> Fixture:
    calc = tmp / "calc"
    calc.mkdir(parents=True)
    git(calc, "init", "-q", "-b", "main")
    write(calc, {
        "calc/__init__.py": "", "calc/ops.py": CALC_V0, "README.md": "# calc\n",
        "tests/__init__.py": "", "tests/test_ops.py": "from calc.ops import sub\n\n\ndef test_sub():\n    assert sub(3, 1) == 2\n",
        "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n',
    })
    git(calc, "add", "-A")
    git(calc, "commit", "-q", "-m", "Initial commit", "--date=1690000000")

    fake.add_repo("acme/calc", clone_url=str(calc), language="Python")
    fake.add_repo("acme/tracker", clone_url=str(tmp / "tracker-does-not-need-a-clone"), language=None)
    fake.add_repo("acme/webui", clone_url=str(tmp / "webui"), language="JavaScript")
    fx = Fixture(calc_dir=calc, expected={})
    t0 = 1700000000

    fake.add_issue(
        "acme/calc", 100, "add() subtracts instead of adding",
        "Calling `add(2, 3)` returns -1.\n\nI think this is the fix:\n\n```diff\n@@ -4,1 +4,1 @@\n"
        "-    return a - b\n+    return a + b  # the real sum\n```\n\nFixed in #1.\n",
        created_at=t0 - 86400,
    )
    fake.add_comment("acme/calc", 100, "Confirmed on 3.11, it is in calc/ops.py", created_at=t0 - 3600)
    fake.add_comment("acme/calc", 100, "Thanks, merged the fix!", created_at=t0 + 7200)
    fake.add_issue("acme/calc", 101, "mul() is wrong", "mul(2, 3) gives 5", created_at=t0 - 86400)
    fake.add_issue("acme/tracker", 7, "sub() should accept floats cleanly", "sub(0.3, 0.1) is fine but ugly", created_at=t0 - 86400)

    def record(n: int, base: str, head: str, merge: str | None, expected: str) -> None:
        fx.shas[n] = {"base": base, "head": head, "merge": merge or ""}
        fx.expected[n] = expected

    def merged(n: int, commits, title: str, body: str = "", how: str = "merge", expected: str = "accepted", **kw) -> None:
        base, head = _pr_branch(calc, n, commits, t0 + n * 1000)
        merge = _merge(calc, n, title) if how == "merge" else _squash(calc, n, title)
        fake.add_pull_from_git("acme/calc", calc, n, base=base, head=head, merge_commit=merge, title=title, body=body,
                               created_at=t0 + n * 1000, merged_at=t0 + n * 1000 + 500, **kw)
        record(n, base, head, merge, expected)

    fixed_add = CALC_V0.replace("    return a - b\n\n\ndef mul", "    return a + b  # the real sum\n\n\ndef mul")
    merged(1, [("Fix add()", {"calc/ops.py": fixed_add}),
               ("Test add()", {"tests/test_add.py": TEST_ADD})],
           "Fix add() returning a difference", "Fixes #100.\n\nThe operator was wrong.")
    fixed_mul = fixed_add.replace("    return a + b\n\n\ndef sub", "    return a * b\n\n\ndef sub")
    merged(2, [("Fix mul()\n\ncloses #101", {"calc/ops.py": fixed_mul,
                                              "tests/test_mul.py": "from calc.ops import mul\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n"})],
           "Fix mul()", "Small fix.", how="squash")

    base, head = _pr_branch(calc, 3, [("Try something", {"calc/extra.py": "X = 1\n", "tests/test_extra.py": "def test_x():\n    pass\n"})], t0 + 3000)
    fake.add_pull_from_git("acme/calc", calc, 3, base=base, head=head, merge_commit=head, title="Try something",
                           body="Fixes #100", merged=False, merged_at=None, created_at=t0 + 3000)
    fake.repos["acme/calc"].pulls[3]["merge_commit_sha"] = None
    record(3, base, head, None, "not_merged")

    merged(4, [("Revert", {"calc/ops.py": fixed_mul.replace("# the real sum", "# sum"),
                           "tests/test_add.py": "from calc.ops import add\n\n\ndef test_add():\n    assert add(1, 1) == 2\n"})],
           'Revert "Fix add() returning a difference"', "This reverts commit abcdef1234567.", expected="revert")
    merged(5, [("Bump", {"requirements.txt": "requests==2.31.0\n", "calc/deps.py": "REQ = '2.31'\n",
                         "tests/test_deps.py": "def test_deps():\n    pass\n"})],
           "Bump requests from 2.30.0 to 2.31.0", "Bumps requests.", user="dependabot[bot]", user_type="Bot",
           labels=("dependencies",), expected="bot_or_dependency_bump")
    merged(6, [("More tests", {"tests/test_more.py": "def test_more():\n    assert True\n"})],
           "Add more tests", "Fixes #100", expected="no_source_changes")
    merged(7, [("Docstring", {"calc/ops.py": fixed_mul.replace('"""Tiny calculator."""', '"""Tiny calculator module."""')})],
           "Improve docstring", "Fixes #100", expected="no_test_changes")
    merged(8, [("Split", {**{f"calc/m{i}.py": f"V{i} = {i}\n" for i in range(4)},
                          "tests/test_m.py": "def test_m():\n    pass\n"})],
           "Split into modules", "Fixes #100", expected="too_many_source_files")
    merged(9, [("Big", {"calc/big.py": "".join(f"X{i} = {i}\n" for i in range(250)),
                        "tests/test_big.py": "def test_big():\n    pass\n"})],
           "Add a big table", "Fixes #100", expected="too_many_source_lines")

    base, head = _pr_branch(calc, 10, [("WIP", {"calc/wip.py": "W = 1\n", "tests/test_wip.py": "def test_w():\n    pass\n"})], t0 + 10000)
    fake.add_pull_from_git("acme/calc", calc, 10, base=base, head=head, merge_commit=head, title="WIP: draft",
                           body="", merged=False, merged_at=None, draft=True, created_at=t0 + 10000)
    fake.repos["acme/calc"].pulls[10]["merge_commit_sha"] = None
    record(10, base, head, None, "not_merged")

    merged(11, [("Tweak", {"calc/tweak.py": "T = 2\n", "tests/test_tweak.py": "def test_t():\n    pass\n"})],
           "Tweak constants", "No issue for this one.", expected="no_linked_issue")
    merged(12, [("Flaky", {"calc/flaky.py": "F = 1\n", "tests/test_flaky.py": "def test_f():\n    pass\n"})],
           "Add flaky module", "Fixes #100", expected="fetch_failed")
    fake.fail(r"^/repos/acme/calc/pulls/12/files$", 500, times=100, message="Server Error")
    fixed_sub = fixed_mul.replace("def sub(a, b):\n    return a - b\n", "def sub(a, b):\n    result = a - b\n    return round(result, 10)\n")
    merged(13, [("Round sub", {"calc/ops.py": fixed_sub,
                               "tests/test_sub_float.py": "from calc.ops import sub\n\n\ndef test_sub_float():\n    assert sub(0.3, 0.1) == 0.2\n"})],
           "Round sub() results", "Resolves acme/tracker#7", expected="over_repo_limit")

    # acme/webui: a JavaScript repository; its only PR is rejected for the language
    webui = tmp / "webui"
    webui.mkdir()
    git(webui, "init", "-q", "-b", "main")
    write(webui, {"index.js": "module.exports = 1\n"})
    git(webui, "add", "-A")
    git(webui, "commit", "-q", "-m", "init", "--date=1690000000")
    base, head = _pr_branch(webui, 1, [("Fix", {"index.js": "module.exports = 2\n", "test/index.test.js": "// t\n"})], t0)
    merge = _merge(webui, 1, "Fix export")
    fake.add_pull_from_git("acme/webui", webui, 1, base=base, head=head, merge_commit=merge, title="Fix export",
                           body="Fixes #1", created_at=t0, merged_at=t0 + 100)
    fx.webui_expected = {1: "not_python"}
    return fx
