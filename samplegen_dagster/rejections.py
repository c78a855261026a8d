"""Rejections: a PR that cannot become a sample, with a stable reason code and one readable line.

Phases raise ``Rejected``; the Dagster shell records it (``samples/_rejected/<id>.json``)
and fails the run with the message. Codes:

==========================  =================================================================
source_error                the PR or repository cannot be read (unknown PR, unreachable URL)
not_python                  the repository is not a Python project
no_test_changes             the PR changes no test files
no_source_changes           the PR changes only tests
patch_does_not_apply        tests.patch or fix.patch does not apply on the base commit
env_install_failed          the test environment could not be installed
timeout                     a test run exceeded its wall-clock limit
no_results_after_fix        the run with the fix produced no test results
pass_to_fail                a test that passed before fails after the fix
no_fail_to_pass             no test fails before the fix and passes after it
==========================  =================================================================

Not every failure is a rejection. ``InfraError`` names a failure of the machine, the
configuration or the network (engine unreachable, repos file typo, git transport error,
a test run killed by the OOM killer): one that a retry may cure and that must never
become a rejection record or touch an existing sample. Nothing raises or handles it yet;
the phases and the Dagster shell adopt it in later changes.
"""

from __future__ import annotations

from samplegen_dagster.validation.verdict import Rejection

CODES = (
    "source_error",
    "not_python",
    "no_test_changes",
    "no_source_changes",
    "patch_does_not_apply",
    "env_install_failed",
    "timeout",
    "no_results_after_fix",
    "pass_to_fail",
    "no_fail_to_pass",
)


class Rejected(Exception):
    def __init__(self, code: str, message: str, phase: str = "", details: dict | None = None):
        assert code in CODES, code
        super().__init__(f"{code}: {message}")
        self.rejection = Rejection(code=code, message=message)
        self.phase = phase
        self.details = details or {}


class InfraError(RuntimeError):
    """A retryable failure that is not the PR's fault; one readable line.

    ``phase`` names where it happened.
    """

    def __init__(self, message: str, phase: str = ""):
        super().__init__(message)
        self.phase = phase
