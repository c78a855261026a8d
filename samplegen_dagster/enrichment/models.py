"""The seven enrichment sections of ``metadata.json`` (the seed's required names, camelCase)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- taskGoal ------------------------------------------------------------------------------
class Acceptance(_M):
    failToPass: list[str] = Field(description="tests that must go from failing to passing")
    passToPassCount: int = Field(description="tests that must keep passing")
    testCommand: str = Field(description="the post-fix pytest command")


class TaskGoal(_M):
    goal: str = Field(description="one line: the PR title")
    expectedBehaviour: list[str] = Field(description="sentences of the problem statement that state the expected behaviour")
    acceptance: Acceptance
    statementSource: str = Field(description="where the problem statement came from (issue, PR body, commit message)")
    summaryMethod: str = Field(default="extractive", description="how the summary was made: sentences selected, not written")


# -- failureModeAnalysis ---------------------------------------------------------------------
class CandidateMode(_M):
    mode: str
    applicable: bool
    tried: bool
    reallyFails: bool | None
    reason: str


class FailureEvidence(_M):
    failingTests: list[str] = Field(description="original F2P/P2P tests that do not pass on the failed trajectory's submission")
    outputExcerpt: str = Field(description="tail of the evaluation run's real console")


class FailureModeAnalysis(_M):
    mode: str = Field(description="label from the taxonomy (docs/trajectories.md)")
    description: str
    taxonomy: dict[str, str]
    evidence: FailureEvidence
    distinguishingFromIdeal: list[str] = Field(description="what the failed trajectory did differently from the ideal one")
    candidates: list[CandidateMode] = Field(description="modes considered, in preference order, and which really failed")
    executedIn: str = Field(description="sandbox both trajectories ran in")


# -- stepLevelMetrics ------------------------------------------------------------------------
class TokenCounts(_M):
    prompt: int
    completion: int
    method: str = Field(description="'estimate:chars/4' when no tokenizer is available offline")


class TrajectoryMetrics(_M):
    totalSteps: int
    agentSteps: int
    toolCallsByTool: dict[str, int]
    wallTimePerStepS: list[float] = Field(description="measured wall time of each step, in step order")
    totalWallTimeS: float
    tokens: TokenCounts


class StepTotals(_M):
    idealTrajectory: int
    failedTrajectory: int


class StepLevelMetrics(_M):
    totalSteps: StepTotals
    idealTrajectory: TrajectoryMetrics
    failedTrajectory: TrajectoryMetrics


# -- diffSemantics ---------------------------------------------------------------------------
class FileDiff(_M):
    path: str
    oldPath: str | None = None
    changeKind: str = Field(description="modified | added | deleted | renamed")
    binary: bool
    linesAdded: int
    linesRemoved: int


class SymbolChange(_M):
    file: str = Field(description="path after the fix")
    name: str = Field(description="qualified name: function, Class, Class.method, outer.inner")
    kind: str = Field(description="function | method | class")
    change: str = Field(description="added | removed | modified")
    signatureChanged: bool
    signatureBefore: str | None = None
    signatureAfter: str | None = None
    linesBefore: list[int] | None = Field(default=None, description="[first, last] line at base")
    linesAfter: list[int] | None = Field(default=None, description="[first, last] line after the fix")


class DiffSemantics(_M):
    files: list[FileDiff]
    filesChanged: int
    linesAdded: int
    linesRemoved: int
    changedSymbols: list[SymbolChange]
    moduleLevelChanges: list[str] = Field(description="Python files whose module-level statements (imports, constants) changed")
    parseErrors: list[str] = Field(default_factory=list)
    method: str = Field(default="ast: definitions of the real source at base and at the merge commit compared node by node")


# -- testExecution ---------------------------------------------------------------------------
class StateCounts(_M):
    state: str
    passed: int
    failed: int
    error: int
    skipped: int


class CoverageOfChangedFiles(_M):
    preTests: float | None = Field(description="coverage % of the fix's Python files at base")
    postPatch: float | None = Field(description="coverage % of the fix's Python files after the fix")


class FixLine(_M):
    file: str
    line: int
    executable: bool
    executedBy: list[str] = Field(description="FAIL_TO_PASS tests whose coverage context includes the line")


class FixLineCoverage(_M):
    addedLines: int = Field(description="lines fix.patch adds or changes in Python files")
    executableAddedLines: int = Field(description="those that are statements (coverage measures them)")
    executedByFailToPass: int
    percent: float | None = Field(description="executedByFailToPass / executableAddedLines, %")
    lines: list[FixLine]
    flagged: bool = Field(description="the FAIL_TO_PASS tests execute none of the fix")
    flagReason: str | None = None


class TestExecution(_M):
    __test__ = False
    framework: str
    countsPerState: list[StateCounts]
    failToPass: list[str]
    passToPass: list[str]
    coverageChangedFiles: CoverageOfChangedFiles
    fixLineCoverage: FixLineCoverage


# -- navigationMetrics -----------------------------------------------------------------------
class Navigation(_M):
    directoriesListed: list[str]
    filesOpened: list[str]
    filesEdited: list[str]
    openPrecision: float | None
    openRecall: float | None
    editPrecision: float | None
    editRecall: float | None


class NavigationMetrics(_M):
    goldFiles: list[str] = Field(description="files fix.patch touches (both paths of a rename)")
    idealTrajectory: Navigation
    failedTrajectory: Navigation


# -- planAndMemorySignals --------------------------------------------------------------------
class PlanSignals(_M):
    thoughtCount: int = Field(description="agent steps with reasoning_content")
    planCount: int = Field(description="reasoning that states a plan")
    verificationSteps: int = Field(description="test runs after the first edit")
    testRuns: int
    reReads: int = Field(description="read_file of a file already read")
    repeatedActions: int = Field(description="tool calls identical to an earlier one (name and arguments)")


class PlanAndMemorySignals(_M):
    idealTrajectory: PlanSignals
    failedTrajectory: PlanSignals


class Enrichment(_M):
    taskGoal: TaskGoal
    failureModeAnalysis: FailureModeAnalysis
    stepLevelMetrics: StepLevelMetrics
    diffSemantics: DiffSemantics
    testExecution: TestExecution
    navigationMetrics: NavigationMetrics
    planAndMemorySignals: PlanAndMemorySignals
