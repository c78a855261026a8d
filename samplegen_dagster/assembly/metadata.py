"""``metadata.json``: the sample's facts, in SWE-bench's field names where they exist.

``FAIL_TO_PASS``/``PASS_TO_PASS`` are pytest node ids exactly as pytest prints them.
The seven enrichment sections (``enrichment.models``, computed from the executed
trajectories) are optional fields so a sample validates before and after enrichment. ``schemas/metadata.schema.json`` is
exported from this model (``samplegen schema``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from samplegen_dagster.enrichment.models import (
    DiffSemantics,
    FailureModeAnalysis,
    NavigationMetrics,
    PlanAndMemorySignals,
    StepLevelMetrics,
    TaskGoal,
    TestExecution,
)

SAMPLE_FILES = (
    "metadata.json",
    "fix.patch",
    "tests.patch",
    "Dockerfile",
    "run.sh",
    "PASS_pre_tests.log",
    "FAIL_pre_patch.log",
    "PASS_post_patch.log",
    "ideal_trajectory.json",
    "failed_trajectory.json",
)


class EnvironmentInfo(BaseModel):
    fingerprint: str
    python_version: str
    install_method: str
    extras: list[str] = Field(default_factory=list)
    requirement_files: list[str] = Field(default_factory=list)
    dependency_files: list[str] = Field(default_factory=list)
    base_image: str = Field(description="default BASE_IMAGE of the Dockerfile")


class StateInfo(BaseModel):
    name: str
    log: str
    targets: list[str]
    passed: int
    failed: int
    error: int
    skipped: int
    exit_code: int | None
    duration_s: float
    coverage_percent_changed_files: float | None = None


class ValidationInfo(BaseModel):
    status: str = Field(description="validated")
    sandbox: str = Field(description="which sandbox ran the cycle (local, docker)")
    environment_reused: bool
    environment_build_s: float
    validated_at: datetime
    duration_s: float
    states: list[StateInfo]
    failing_at_base: list[str] = Field(default_factory=list)


class SampleMetadata(BaseModel):
    model_config = ConfigDict(extra="allow")

    instance_id: str = Field(description="owner__name-N; also the directory name and partition key")
    repo: str
    pull_number: int
    title: str
    base_commit: str
    merge_commit: str
    created_at: datetime | None
    merged_at: datetime | None
    problem_statement: str
    problem_statement_source: str
    hints_text: str = ""
    language: str
    test_framework: str
    test_command: str = Field(description="the pytest command of the post-fix state")
    FAIL_TO_PASS: list[str]
    PASS_TO_PASS: list[str]
    fix_files: list[str]
    test_files: list[str]
    environment: EnvironmentInfo
    validation: ValidationInfo
    source: str = Field(description="PR source (git-history, github)")
    samplegen_version: str
    files: list[str] = Field(description="files in the sample directory")
    # Enrichment (pr_enrichment), from the executed trajectories and the validation facts.
    taskGoal: TaskGoal | None = None
    failureModeAnalysis: FailureModeAnalysis | None = None
    stepLevelMetrics: StepLevelMetrics | None = None
    diffSemantics: DiffSemantics | None = None
    testExecution: TestExecution | None = None
    navigationMetrics: NavigationMetrics | None = None
    planAndMemorySignals: PlanAndMemorySignals | None = None


class RejectionRecord(BaseModel):
    instance_id: str
    phase: str
    code: str
    message: str
    rejected_at: datetime
    details: dict[str, Any] = Field(default_factory=dict)
