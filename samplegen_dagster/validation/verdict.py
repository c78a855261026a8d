"""From three reports to FAIL_TO_PASS, PASS_TO_PASS, or a rejection.

States: ``pre_tests`` (base), ``pre_patch`` (base + tests.patch), ``post_patch``
(base + tests.patch + fix.patch).

* FAIL_TO_PASS: passes after the fix and did not pass with only the tests applied
  (failed, errored, skipped, or absent because its module failed to collect). A test that
  is skipped after the fix is not passing, so it is never F2P.
* PASS_TO_PASS: passes both with the tests applied and after the fix.
* A regression (pass -> fail) is a test that passed at base or with the tests applied
  and fails or errors after the fix.

Rejections name one reason code from a fixed vocabulary and a readable message.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from samplegen_dagster.validation.junit import Outcome, Report

BAD = {Outcome.failed, Outcome.error}


class Rejection(BaseModel):
    code: str = Field(description="stable reason code")
    message: str = Field(description="one readable line")


class Verdict(BaseModel):
    fail_to_pass: list[str] = Field(default_factory=list)
    pass_to_pass: list[str] = Field(default_factory=list)
    failing_at_base: list[str] = Field(default_factory=list, description="tests that fail at base (excluded)")
    regressions: list[str] = Field(default_factory=list)
    rejection: Rejection | None = None

    @property
    def accepted(self) -> bool:
        return self.rejection is None


def _short(ids: list[str], n: int = 3) -> str:
    head = ", ".join(ids[:n])
    return head + (f" and {len(ids) - n} more" if len(ids) > n else "")


def decide(pre_tests: Report, pre_patch: Report, post_patch: Report) -> Verdict:
    post_passed = {n for n, r in post_patch.tests.items() if r.outcome == Outcome.passed}
    f2p = sorted(n for n in post_passed if pre_patch.outcome(n) != Outcome.passed)
    p2p = sorted(n for n in post_passed if pre_patch.outcome(n) == Outcome.passed)
    regressions = sorted(
        n
        for n, r in post_patch.tests.items()
        if r.outcome in BAD and (pre_tests.outcome(n) == Outcome.passed or pre_patch.outcome(n) == Outcome.passed)
    )
    failing_at_base = sorted(n for n, r in pre_tests.tests.items() if r.outcome in BAD)
    v = Verdict(fail_to_pass=f2p, pass_to_pass=p2p, failing_at_base=failing_at_base, regressions=regressions)
    if not post_patch.tests:
        v.rejection = Rejection(code="no_results_after_fix", message="the run with fix.patch applied produced no test results")
    elif regressions:
        v.rejection = Rejection(
            code="pass_to_fail", message=f"{len(regressions)} test(s) go from pass to fail with the fix: {_short(regressions)}"
        )
    elif not f2p:
        if not post_passed:
            msg = "no test passes after the fix"
        else:
            msg = "no FAIL_TO_PASS test: every test that passes after the fix already passes with only tests.patch applied"
        v.rejection = Rejection(code="no_fail_to_pass", message=msg)
    return v
