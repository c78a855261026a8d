"""Executed trajectories: every step runs against the sample's checkout in a sandbox session.

The *actions* follow the merged PR (its fix, split into edit units) and the task's facts
(FAIL_TO_PASS, test targets); the messages are short templates. The *observations* are what
the session really returned: file listings and contents, ``git apply`` results, pytest
consoles (paths scrubbed) with their JUnit outcomes, the submitted diff.

The session starts at the base commit; ``tests.patch`` is applied and checkpointed before
the first step, so the agent sees the failing tests, as in the task statement.

Ideal: task -> explore -> reproduce -> edit (one unit per step) -> verify -> submit.
Failed: the first mode of ``FAILURE_MODES`` that really fails on this PR, ending with an
evaluation step (a system step) that re-runs the original tests on the submitted tree.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import uuid
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import Callable

from samplegen_dagster import __version__
from samplegen_dagster.sandbox.base import SandboxSession, StateRun
from samplegen_dagster.trajectories.atif import (
    TOKEN_METHOD,
    Agent,
    FinalMetrics,
    Observation,
    ObservationResult,
    Step,
    StepExtra,
    StepMetrics,
    TestRunInfo,
    ToolCall,
    Trajectory,
)
from samplegen_dagster.trajectories.edits import EditUnit, edit_units, reverse_hunk_patch
from samplegen_dagster.trajectories.models import (
    FAILURE_MODES,
    Candidate,
    FailureOutcome,
    TrajectoryResult,
    TrajectoryTask,
)
from samplegen_dagster.validation.junit import JUnitError, parse_junit

MAX_OBSERVATION = 16_000
SYSTEM_PROMPT = (
    "You are a software engineering agent working in a Python repository checked out at /repo. "
    "Tools: list_dir(path), read_file(path), run_tests(targets), edit_file(path, old_text, new_text), "
    "move_file(old_path, new_path), write_binary(path, binary_patch), create_file(path, content), delete_file(path), submit()."
)


class TrajectoryError(RuntimeError):
    """The ideal trajectory did not end with every FAIL_TO_PASS / PASS_TO_PASS test passing."""


def estimate_tokens(text: str) -> int:
    """Token count estimate (no tokenizer is available offline): ceil(characters / 4)."""
    return math.ceil(len(text) / 4) if text else 0


def clip(text: str, limit: int = MAX_OBSERVATION) -> str:
    if len(text) <= limit:
        return text
    head, tail = limit // 3, limit - limit // 3
    return text[:head] + f"\n[... {len(text) - limit} characters omitted ...]\n" + text[-tail:]


def test_file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


# -- recording ---------------------------------------------------------------------------
class Recorder:
    def __init__(self, kind: str, task: TrajectoryTask, executed_in: str):
        self.kind, self.task, self.executed_in = kind, task, executed_in
        self.steps: list[Step] = []
        self.t0 = time.monotonic()

    def _extra(self, phase: str, wall: float, tests: TestRunInfo | None = None, unit: int | None = None) -> StepExtra:
        return StepExtra(phase=phase, wall_time_s=round(wall, 4), executed_in=self.executed_in, tests=tests, edit_unit=unit)

    def say(self, source: str, message: str, phase: str) -> None:
        self.steps.append(
            Step(step_id=len(self.steps) + 1, timestamp=datetime.now(timezone.utc), source=source, message=message,
                 extra=self._extra(phase, 0.0))
        )

    def event(self, message: str, phase: str, action: Callable[[], tuple[str, TestRunInfo | None]]) -> TestRunInfo | None:
        """A system step whose observation is the result of ``action`` (the evaluation)."""
        ts, start = datetime.now(timezone.utc), time.monotonic()
        content, tests = action()
        self.steps.append(
            Step(step_id=len(self.steps) + 1, timestamp=ts, source="system", message=message,
                 observation=Observation(results=[ObservationResult(source_call_id=None, content=content)]),
                 extra=self._extra(phase, time.monotonic() - start, tests))
        )
        return tests

    def act(self, phase: str, message: str, tool: str, arguments: dict, action: Callable[[], tuple[str, TestRunInfo | None]],
            reasoning: str | None = None, unit: int | None = None) -> TestRunInfo | None:
        step_id = len(self.steps) + 1
        call_id = f"call_{step_id}"
        ts, start = datetime.now(timezone.utc), time.monotonic()
        content, tests = action()
        self.steps.append(
            Step(step_id=step_id, timestamp=ts, source="agent", message=message, reasoning_content=reasoning,
                 tool_calls=[ToolCall(tool_call_id=call_id, function_name=tool, arguments=arguments)],
                 observation=Observation(results=[ObservationResult(source_call_id=call_id, content=content)]),
                 extra=self._extra(phase, time.monotonic() - start, tests, unit))
        )
        return tests

    def finish(self, notes: str, extra: dict) -> Trajectory:
        context = 0
        total_prompt = total_completion = 0
        for s in self.steps:
            written = s.message + (s.reasoning_content or "") + "".join(json.dumps(c.arguments) for c in s.tool_calls or [])
            seen = "".join(r.content for r in (s.observation.results if s.observation else []))
            if s.source == "agent":
                completion = estimate_tokens(written)
                s.metrics = StepMetrics(prompt_tokens=context, completion_tokens=completion, extra={"token_method": TOKEN_METHOD})
                total_prompt += context
                total_completion += completion
            context += estimate_tokens(written) + estimate_tokens(seen)
        wall = round(sum(s.extra.wall_time_s for s in self.steps), 4)
        return Trajectory(
            session_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"samplegen:{self.task.instance_id}:{self.kind}")),
            agent=Agent(
                name="samplegen-executor",
                version=__version__,
                model_name="scripted:merged-pr-replay",
                extra={"policy": "actions follow the merged PR and the validated tests; messages are templates; "
                                  "every action was executed and every observation is its real result"},
            ),
            steps=self.steps,
            notes=notes,
            final_metrics=FinalMetrics(
                total_prompt_tokens=total_prompt,
                total_completion_tokens=total_completion,
                total_steps=len(self.steps),
                extra={"token_method": TOKEN_METHOD, "wall_time_s": wall, "elapsed_s": round(time.monotonic() - self.t0, 3)},
            ),
            extra={"instance_id": self.task.instance_id, "kind": self.kind, "executed_in": self.executed_in, **extra},
        )


# -- tools over a session ----------------------------------------------------------------
class Tools:
    def __init__(self, session: SandboxSession):
        self.s = session

    def list_dir(self, path: str) -> tuple[str, None]:
        try:
            return "\n".join(self.s.list(path)), None
        except (FileNotFoundError, NotADirectoryError):
            return f"error: no directory {path}", None

    def read_file(self, path: str) -> tuple[str, None]:
        try:
            return clip(self.s.read(path).decode("utf-8", "replace")), None
        except (FileNotFoundError, IsADirectoryError):
            return f"error: no file {path}", None

    def run_tests(self, targets: list[str], name: str) -> tuple[str, TestRunInfo]:
        run: StateRun = self.s.run_tests(targets, name)
        try:
            report = parse_junit(run.junit_xml)
        except JUnitError:
            report = parse_junit(None)
        info = TestRunInfo(
            targets=list(targets),
            exit_code=run.exit_code,
            counts=report.counts(),
            outcomes={n: r.outcome.value for n, r in sorted(report.tests.items())},
        )
        content = run.console if run.console else (run.skipped_reason or run.apply_error or "")
        if run.timed_out:
            content += "\n[timed out]"
        return clip(content), info

    def _region(self, unit: EditUnit) -> str:
        lines = self.s.read(unit.path).decode("utf-8", "replace").splitlines()
        start = max(unit.target_start, 1)
        end = min(start + max(unit.target_length, 1) - 1, len(lines))
        body = "\n".join(f"{i:>5}\t{lines[i - 1]}" for i in range(start, end + 1))
        return f"{unit.path} lines {start}-{end} after the edit:\n{body}"

    def apply(self, unit: EditUnit, patch: str | None = None) -> tuple[str, None]:
        error = self.s.apply_patch(patch or unit.patch)
        if error:
            return f"error: the edit does not apply: {error}", None
        if unit.kind == "hunk":
            return self._region(unit), None
        if unit.kind == "rename":
            parent = str(PurePosixPath(unit.path).parent)
            return f"moved {unit.old_path} -> {unit.path}\n{parent}/:\n" + self.list_dir(parent)[0], None
        if unit.kind == "add":
            data = self.s.read(unit.path).decode("utf-8", "replace")
            return clip(f"created {unit.path} ({len(data.splitlines())} lines)\n{data}"), None
        if unit.kind == "delete":
            parent = str(PurePosixPath(unit.path).parent)
            return f"deleted {unit.path}\n{parent}/:\n" + self.list_dir(parent)[0], None
        try:
            data = self.s.read(unit.path)
        except FileNotFoundError:
            return f"{unit.path}: deleted (binary)", None
        return f"{unit.path}: {len(data)} bytes after the edit (binary, sha256 {hashlib.sha256(data).hexdigest()[:16]})", None

    def submit(self) -> tuple[str, None]:
        diff = self.s.diff()
        return clip("submitted; the work tree differs from the task's starting point by:\n" + (diff or "(no changes)\n")), None


def _call(unit: EditUnit) -> tuple[str, dict]:
    if unit.kind == "hunk":
        return "edit_file", {"path": unit.path, "old_text": unit.old_text, "new_text": unit.new_text}
    if unit.kind == "rename":
        return "move_file", {"old_path": unit.old_path, "new_path": unit.path}
    if unit.kind == "add":
        return "create_file", {"path": unit.path, "content": unit.new_text}
    if unit.kind == "delete":
        return "delete_file", {"path": unit.path}
    payload = unit.patch if len(unit.patch) <= 20_000 else f"<{len(unit.patch)} characters, sha256 {hashlib.sha256(unit.patch.encode('latin-1')).hexdigest()}>"
    return "write_binary", {"path": unit.path, "binary_patch": payload}


# -- the shared beginning ----------------------------------------------------------------
def _task_message(task: TrajectoryTask) -> str:
    f2p = "\n".join(f"- {t}" for t in task.fail_to_pass)
    return (
        f"Repository {task.repo}. Fix this issue:\n\n{task.title}\n\n{task.problem_statement.strip()}\n\n"
        f"These tests fail now and must pass, without breaking the tests that pass:\n{f2p}"
    )


def _explore_targets(task: TrajectoryTask, session: SandboxSession) -> tuple[list[str], list[str]]:
    fix_paths = []
    for f in task.files:
        if f.is_test:
            continue
        before = f.old_path or f.path
        if f.kind != "added":
            fix_paths.append((before, f.binary))
    tests = list(dict.fromkeys(test_file(t) for t in task.fail_to_pass))
    dirs: list[str] = []
    for p in [p for p, _ in fix_paths] + tests:
        d = str(PurePosixPath(p).parent)
        if d not in dirs:
            dirs.append(d)
    reads = [p for p, binary in fix_paths if not binary and p.endswith((".py", ".pyi", ".cfg", ".toml", ".txt", ".md", ".rst", ".json", ".yaml", ".yml", ".ini"))]
    return dirs, list(dict.fromkeys(reads + tests))


def _begin(rec: Recorder, tools: Tools, task: TrajectoryTask) -> TestRunInfo | None:
    rec.say("system", SYSTEM_PROMPT, "task")
    rec.say("user", _task_message(task), "task")
    dirs, reads = _explore_targets(task, tools.s)
    first = True
    for d in dirs:
        rec.act("explore", f"Listing {d}/.", "list_dir", {"path": d}, lambda d=d: tools.list_dir(d),
                reasoning=("Plan: find the code behind the failing tests, reproduce the failure, fix it, "
                           "run the failing and the existing tests, submit.") if first else None)
        first = False
    for p in reads:
        rec.act("explore", f"Reading {p}.", "read_file", {"path": p}, lambda p=p: tools.read_file(p))
    tests = rec.act("reproduce", "Running the failing tests to reproduce the issue.", "run_tests",
                    {"targets": task.fail_to_pass}, lambda: tools.run_tests(task.fail_to_pass, "reproduce"))
    return tests


def _not_passing(info: TestRunInfo | None, ids: list[str]) -> list[str]:
    outcomes = info.outcomes if info else {}
    return [t for t in ids if outcomes.get(t) != "passed"]


# -- ideal -------------------------------------------------------------------------------
def ideal_trajectory(session: SandboxSession, task: TrajectoryTask, units: list[EditUnit]) -> Trajectory:
    rec, tools = Recorder("ideal", task, session.executed_in), Tools(session)
    repro = _begin(rec, tools, task)
    failing = [t for t in task.fail_to_pass if (repro.outcomes.get(t) if repro else None) != "passed"]
    for i, unit in enumerate(units):
        tool, args = _call(unit)
        rec.act("edit", f"Edit {i + 1}/{len(units)}: {tool} on {unit.path}.", tool, args, lambda u=unit: tools.apply(u),
                reasoning=(f"{len(failing)} of {len(task.fail_to_pass)} target tests fail as reported; "
                           "the fix touches " + ", ".join(dict.fromkeys(u.path for u in units)) + ".") if i == 0 else None,
                unit=i)
    verify = rec.act("verify", "Running the failing tests and the existing tests of the same modules.", "run_tests",
                     {"targets": task.test_targets}, lambda: tools.run_tests(task.test_targets, "verify"))
    bad = _not_passing(verify, task.fail_to_pass + task.pass_to_pass)
    if bad:
        raise TrajectoryError(f"after the full fix {len(bad)} test(s) do not pass in the session: {', '.join(bad[:3])}")
    rec.act("submit", "All target tests pass; submitting.", "submit", {}, tools.submit)
    return rec.finish("Ideal trajectory: every step executed in the sandbox.", {"edit_units": len(units)})


# -- failed ------------------------------------------------------------------------------
def _python_hunks(units: list[EditUnit]) -> list[int]:
    return [i for i, u in enumerate(units) if u.kind in ("hunk", "add", "delete") and u.path.endswith(".py")]


def _candidates(task: TrajectoryTask, units: list[EditUnit], test_units: list[EditUnit]) -> list[Candidate]:
    py = _python_hunks(units)
    f2p_files = {test_file(t) for t in task.fail_to_pass}
    tamper = [u for u in test_units if u.kind == "hunk" and u.path in f2p_files]
    added = sorted({u.path for u in test_units if u.kind == "add" and u.path in f2p_files})
    return [
        Candidate(mode="incomplete_fix", applicable=len(py) >= 2,
                  reason=f"fix.patch has {len(py)} Python hunk(s); at least 2 are needed"),
        Candidate(mode="test_tampering", applicable=bool(tamper) and not added,
                  reason=(f"tests.patch adds the failing test module(s) {', '.join(added)}" if added else
                          f"{len(tamper)} tests.patch hunk(s) in the failing tests' modules can be reverted")),
        Candidate(mode="premature_submission", applicable=True, reason="always possible"),
        Candidate(mode="wrong_localization", applicable=False, reason="reserved label; not generated"),
    ]


def _evaluate(rec: Recorder, tools: Tools, task: TrajectoryTask, restore: dict[str, bytes]) -> tuple[list[str], str]:
    box: dict[str, str] = {}

    def action():
        for path, data in restore.items():
            tools.s.write(path, data)
        content, info = tools.run_tests(task.test_targets, "evaluation")
        box["content"] = content
        return content, info

    note = " The original test files are restored first." if restore else ""
    info = rec.event("Evaluation: the original tests re-run on the submitted tree." + note, "evaluation", action)
    return _not_passing(info, task.fail_to_pass + task.pass_to_pass), box["content"]


def _failed_run(session: SandboxSession, task: TrajectoryTask, units: list[EditUnit], test_units: list[EditUnit],
                mode: str, skip: int | None, originals: dict[str, bytes]) -> tuple[Trajectory, FailureOutcome]:
    rec, tools = Recorder("failed", task, session.executed_in), Tools(session)
    _begin(rec, tools, task)
    restore: dict[str, bytes] = {}
    applied: list[int] = []
    tampered: list[str] = []
    if mode == "incomplete_fix":
        applied = [i for i in range(len(units)) if i != skip]
        for n, i in enumerate(applied):
            tool, args = _call(units[i])
            rec.act("edit", f"Edit {n + 1}: {tool} on {units[i].path}.", tool, args, lambda u=units[i]: tools.apply(u),
                    reasoning="The failure points at " + ", ".join(dict.fromkeys(units[j].path for j in applied)) + "." if n == 0 else None,
                    unit=i)
        rec.act("verify", "Re-running the failing tests.", "run_tests", {"targets": task.fail_to_pass},
                lambda: tools.run_tests(task.fail_to_pass, "verify"),
                reasoning="Some target tests may still fail; assuming the rest is unrelated and submitting.")
    elif mode == "test_tampering":
        f2p_files = {test_file(t) for t in task.fail_to_pass}
        hunks = [u for u in test_units if u.kind == "hunk" and u.path in f2p_files]
        tampered = list(dict.fromkeys(u.path for u in hunks))
        for u in reversed(hunks):
            args = {"path": u.path, "old_text": u.new_text, "new_text": u.old_text}
            rec.act("edit", f"Editing the failing test in {u.path} so it matches the current behaviour.", "edit_file", args,
                    lambda u=u: _tamper(tools, u),
                    reasoning="The new expectations look wrong; changing the test instead of the code." if u is hunks[-1] else None)
        rec.act("verify", "Running the edited test modules.", "run_tests", {"targets": tampered},
                lambda: tools.run_tests(tampered, "verify"))
        restore = {p: originals[p] for p in tampered}
    rec.act("submit", "Submitting.", "submit", {}, tools.submit)
    failing, output = _evaluate(rec, tools, task, restore)
    outcome = FailureOutcome(
        mode=mode, description=FAILURE_MODES[mode], candidates=[], failing_tests=failing, evaluation_output=output,
        applied_units=applied, skipped_units=[skip] if skip is not None else [], tampered_files=tampered,
    )
    traj = rec.finish(f"Failed trajectory ({mode}): every step executed in the sandbox; the last step is the evaluation.",
                      {"failure_mode": mode, "failing_tests": failing})
    return traj, outcome


def _tamper(tools: Tools, unit: EditUnit) -> tuple[str, None]:
    error = tools.s.apply_patch(reverse_hunk_patch(unit))
    if error:
        return f"error: the edit does not apply: {error}", None
    data = tools.s.read(unit.path).decode("utf-8", "replace").splitlines()
    start = max(unit.target_start - 3, 1)
    end = min(start + max(unit.target_length - len(unit.added_lines), 0) + 6, len(data))
    body = "\n".join(f"{i:>5}\t{data[i - 1]}" for i in range(start, end + 1))
    return f"{unit.path} lines {start}-{end} after the edit:\n{body}", None


def failed_trajectory(session: SandboxSession, task: TrajectoryTask, units: list[EditUnit]) -> tuple[Trajectory, FailureOutcome]:
    test_units = edit_units(task.tests_patch)
    originals = {}
    for u in test_units:
        if u.kind == "hunk" and u.path not in originals:
            originals[u.path] = session.read(u.path)
    candidates = _candidates(task, units, test_units)
    for cand in candidates:
        if not cand.applicable:
            continue
        skips: list[int | None] = [None]
        if cand.mode == "incomplete_fix":
            skips = [i for i in reversed(_python_hunks(units)) if units[i].kind == "hunk"][:2]
        for skip in skips:
            session.reset()
            traj, outcome = _failed_run(session, task, units, test_units, cand.mode, skip, originals)
            cand.tried = True
            cand.really_fails = bool(outcome.failing_tests)
            if skip is not None:
                cand.reason += f"; tried without edit unit {skip} ({units[skip].path})"
            if outcome.failing_tests:
                outcome.candidates = candidates
                traj.extra["candidates"] = [c.model_dump() for c in candidates]
                return traj, outcome
    raise TrajectoryError("no failure mode really fails on this PR")


def run_trajectories(session: SandboxSession, task: TrajectoryTask) -> TrajectoryResult:
    """Both trajectories on one session; the session's checkout must be at base."""
    error = session.apply_patch(task.tests_patch) if task.tests_patch else None
    if error:
        raise TrajectoryError(f"tests.patch does not apply in the session: {error}")
    session.checkpoint()
    units = edit_units(task.fix_patch)
    ideal = ideal_trajectory(session, task, units)
    session.reset()
    failed, outcome = failed_trajectory(session, task, units)
    return TrajectoryResult(ideal=ideal, failed=failed, failure=outcome, executed_in=session.executed_in)
