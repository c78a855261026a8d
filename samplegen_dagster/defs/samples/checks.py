"""Blocking check on the validation cycle: pass -> fail -> pass with a non-empty FAIL_TO_PASS.

It re-derives the invariant from the parsed reports rather than trusting the verdict, so
a bug in the verdict code cannot let a bad sample through to ``pr_sample``.
"""


import warnings

from dagster import AssetCheckResult, AssetCheckSeverity, asset_check

from samplegen_dagster.defs.samples.assets import pr_validation
from samplegen_dagster.defs.samples.partitions import pull_requests
from samplegen_dagster.validation.junit import Outcome
from samplegen_dagster.validation.run import Validation


def cycle_problems(v: Validation) -> list[str]:
    pre, mid, post = v.reports["pre_tests"], v.reports["pre_patch"], v.reports["post_patch"]
    problems = []
    if not v.verdict.fail_to_pass:
        problems.append("FAIL_TO_PASS is empty")
    for t in v.verdict.fail_to_pass:
        if post.outcome(t) != Outcome.passed:
            problems.append(f"F2P {t} does not pass after the fix")
        if mid.outcome(t) == Outcome.passed:
            problems.append(f"F2P {t} already passes with only tests.patch")
    for t in v.verdict.pass_to_pass:
        if post.outcome(t) != Outcome.passed or mid.outcome(t) != Outcome.passed:
            problems.append(f"P2P {t} does not pass in both runs")
        if pre.outcome(t) not in (None, Outcome.passed):
            problems.append(f"P2P {t} does not pass at base")
    return problems


# Partitioned asset checks are a preview feature in Dagster 1.13; the check must be
# partitioned to read the same PR's validation output, so the warning is expected.
warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec")


@asset_check(
    asset=pr_validation,
    blocking=True,
    partitions_def=pull_requests,
    description="pass at base -> fail with tests.patch -> pass with fix.patch; F2P non-empty")
def validation_cycle(pr_validation: Validation) -> AssetCheckResult:
    problems = cycle_problems(pr_validation)
    return AssetCheckResult(
        passed=not problems,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "fail_to_pass": len(pr_validation.verdict.fail_to_pass),
            "pass_to_pass": len(pr_validation.verdict.pass_to_pass),
            "problems": "; ".join(problems[:10]) or "none",
        },
    )
