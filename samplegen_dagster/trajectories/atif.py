"""Harbor's Agent Trajectory Interchange Format (ATIF v1.4), as pydantic models.

Root: ``schema_version``, ``session_id``, ``agent``, ``steps``, ``final_metrics``. A step has a
``step_id`` (1, 2, ... in order), an ISO 8601 ``timestamp``, a ``source`` (system / user / agent),
a ``message``; agent steps may carry ``reasoning_content``, ``tool_calls`` and ``metrics``; an
``observation`` holds one result per tool call (``source_call_id``), or results without a call
for system events. ``extra`` is free-form in ATIF; ours is typed (``StepExtra``) and always holds
the step's measured wall time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ATIF_VERSION = "ATIF-v1.4"
TOKEN_METHOD = "estimate:chars/4"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Agent(_Strict):
    name: str
    version: str
    model_name: str | None = Field(default=None, description="the model that chose the actions; 'scripted:...' when no model did")
    extra: dict[str, Any] | None = None


class ToolCall(_Strict):
    tool_call_id: str
    function_name: str
    arguments: dict[str, Any]


class ObservationResult(_Strict):
    source_call_id: str | None = Field(default=None, description="the tool call this answers; None for system events")
    content: str


class Observation(_Strict):
    results: list[ObservationResult]


class StepMetrics(_Strict):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int | None = None
    cost_usd: float | None = None
    extra: dict[str, Any] | None = Field(default=None, description="{'token_method': ...}: how tokens were counted")


class TestRunInfo(_Strict):
    """What a test-running step really got back, parsed from pytest's JUnit XML."""

    __test__ = False
    targets: list[str]
    exit_code: int | None
    counts: dict[str, int]
    outcomes: dict[str, str] = Field(description="node id -> passed | failed | error | skipped")


class StepExtra(_Strict):
    phase: Literal["task", "explore", "reproduce", "edit", "verify", "submit", "evaluation"]
    wall_time_s: float = Field(description="measured wall-clock time of the step's action")
    executed_in: str | None = Field(default=None, description="sandbox that ran the action (local, docker)")
    tests: TestRunInfo | None = None
    edit_unit: int | None = Field(default=None, description="index of the fix.patch edit unit this step applies (0-based)")


class Step(_Strict):
    step_id: int = Field(ge=1)
    timestamp: datetime
    source: Literal["system", "user", "agent"]
    message: str
    reasoning_content: str | None = None
    tool_calls: list[ToolCall] | None = None
    observation: Observation | None = None
    metrics: StepMetrics | None = None
    extra: StepExtra

    @model_validator(mode="after")
    def _agent_only(self) -> "Step":
        if self.source != "agent" and (self.tool_calls or self.metrics or self.reasoning_content):
            raise ValueError("only agent steps carry tool_calls, metrics or reasoning_content")
        ids = {c.tool_call_id for c in self.tool_calls or []}
        for r in (self.observation.results if self.observation else []):
            if r.source_call_id is not None and r.source_call_id not in ids:
                raise ValueError(f"observation answers unknown tool call {r.source_call_id}")
        return self


class FinalMetrics(_Strict):
    total_prompt_tokens: int | None = None
    total_completion_tokens: int | None = None
    total_cached_tokens: int | None = None
    total_cost_usd: float | None = None
    total_steps: int
    extra: dict[str, Any] | None = None


class Trajectory(_Strict):
    schema_version: Literal["ATIF-v1.4"] = ATIF_VERSION
    session_id: str
    agent: Agent
    steps: list[Step]
    notes: str | None = None
    final_metrics: FinalMetrics
    extra: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _sequential(self) -> "Trajectory":
        for i, s in enumerate(self.steps, 1):
            if s.step_id != i:
                raise ValueError(f"step_id {s.step_id} at position {i}: step ids run 1, 2, ...")
        if self.final_metrics.total_steps != len(self.steps):
            raise ValueError("final_metrics.total_steps differs from the number of steps")
        return self
