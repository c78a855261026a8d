"""Inputs and outputs of the trajectory phase (no Dagster here)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from samplegen_dagster.patches.split import FileChange
from samplegen_dagster.trajectories.atif import Trajectory

FailureModeName = Literal["incomplete_fix", "test_tampering", "premature_submission", "wrong_localization"]

#: The taxonomy, in order of preference: the first mode that really fails on the PR is used.
FAILURE_MODES: dict[str, str] = {
    "incomplete_fix": "Only some of the fix's hunks are applied (a multi-hunk fix with at least two Python hunks); "
    "the FAIL_TO_PASS tests still fail.",
    "test_tampering": "The agent edits the failing tests instead of the code (reverts what tests.patch added); its own "
    "test run passes, re-running the original tests fails.",
    "premature_submission": "The agent reproduces the failure and submits without editing the code or verifying.",
    "wrong_localization": "An edit in a plausible but wrong file. Reserved label: not generated, because a scripted "
    "edit in a file the PR never touched would be invented rather than taken from the PR.",
}
GENERATED_MODES = ("incomplete_fix", "test_tampering", "premature_submission")


class TrajectoryTask(BaseModel):
    """What the executor needs to know about a validated PR."""

    instance_id: str
    repo: str
    title: str
    problem_statement: str
    fail_to_pass: list[str]
    pass_to_pass: list[str]
    fix_patch: str
    tests_patch: str
    files: list[FileChange]
    test_targets: list[str] = Field(description="test modules of the post-fix validation state (F2P and P2P live there)")


class Candidate(BaseModel):
    mode: str
    applicable: bool
    reason: str = Field(description="why it is (not) applicable, or what was tried")
    tried: bool = False
    really_fails: bool | None = Field(default=None, description="the original F2P/P2P tests fail on the submitted tree")


class FailureOutcome(BaseModel):
    mode: FailureModeName
    description: str
    candidates: list[Candidate]
    failing_tests: list[str] = Field(description="original F2P/P2P tests not passing on the submitted tree")
    evaluation_output: str = Field(description="console of the evaluation run (scrubbed)")
    applied_units: list[int] = Field(default_factory=list, description="fix.patch edit units applied (incomplete_fix)")
    skipped_units: list[int] = Field(default_factory=list)
    tampered_files: list[str] = Field(default_factory=list)


class TrajectoryResult(BaseModel):
    ideal: Trajectory
    failed: Trajectory
    failure: FailureOutcome
    executed_in: str = Field(description="sandbox the steps ran in")
    executed_in_note: str = ""
