"""Coverage summaries from ``coverage json --show-contexts`` output."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field


class FileCoverage(BaseModel):
    path: str
    percent: float
    covered_lines: int
    num_statements: int
    missing_lines: list[int] = Field(default_factory=list)


class CoverageSummary(BaseModel):
    percent_changed_files: float | None = Field(default=None, description="coverage % over the fix's source files")
    files: list[FileCoverage] = Field(default_factory=list)


def summarize(coverage_json: str | None, include: list[str]) -> CoverageSummary:
    if not coverage_json:
        return CoverageSummary()
    data = json.loads(coverage_json)
    files = []
    covered = statements = 0
    for path in include:
        f = data.get("files", {}).get(path)
        if not f:
            continue
        s = f["summary"]
        files.append(
            FileCoverage(
                path=path,
                percent=round(s["percent_covered"], 2),
                covered_lines=s["covered_lines"],
                num_statements=s["num_statements"],
                missing_lines=f.get("missing_lines", []),
            )
        )
        covered += s["covered_lines"]
        statements += s["num_statements"]
    pct = round(100.0 * covered / statements, 2) if statements else None
    return CoverageSummary(percent_changed_files=pct, files=files)
