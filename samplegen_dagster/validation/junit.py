"""Per-test outcomes from pytest's JUnit XML.

Node ids come from the ``nodeid`` property the bundled plugin records. Without it (a
report from a run that did not load the plugin) the id is rebuilt from the ``file``
attribute and ``classname``: the module part of ``classname`` is the file's dotted path,
whatever follows is the class chain. Collection errors become an ``error`` outcome on the
module's path. A test reported more than once keeps its worst outcome.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from enum import Enum

from pydantic import BaseModel, Field


class Outcome(str, Enum):
    passed = "passed"
    failed = "failed"
    error = "error"
    skipped = "skipped"


_RANK = {Outcome.passed: 0, Outcome.skipped: 1, Outcome.failed: 2, Outcome.error: 3}


class TestResult(BaseModel):
    __test__ = False  # not a pytest test class

    nodeid: str
    outcome: Outcome
    time_s: float = 0.0
    message: str = ""


class Report(BaseModel):
    tests: dict[str, TestResult] = Field(default_factory=dict)
    collection_errors: list[str] = Field(default_factory=list, description="node ids of collectors that failed")

    def outcome(self, nodeid: str) -> Outcome | None:
        r = self.tests.get(nodeid)
        return r.outcome if r else None

    def counts(self) -> dict[str, int]:
        out = {o.value: 0 for o in Outcome}
        for r in self.tests.values():
            out[r.outcome.value] += 1
        return out

    def with_outcome(self, outcome: Outcome) -> list[str]:
        return sorted(n for n, r in self.tests.items() if r.outcome == outcome)


class JUnitError(ValueError):
    pass


def _rebuild_nodeid(case: ET.Element) -> str:
    classname = case.get("classname", "")
    name = case.get("name", "")
    file = case.get("file")
    if not classname:  # collection error of a module: name is the dotted module path
        return file if file else name.replace(".", "/") + ".py"
    if file and file.endswith(".py"):
        module = file[:-3].replace("/", ".")
        if classname == module or classname.startswith(module + "."):
            rest = classname[len(module) :].lstrip(".")
            parts = [file] + ([*rest.split(".")] if rest else []) + [name]
            return "::".join(parts)
        return "::".join([file, *([classname.split(".")[-1]] if classname else []), name])
    return f"{classname.replace('.', '/')}.py::{name}"


def parse_junit(xml_text: str | None) -> Report:
    report = Report()
    if not xml_text or not xml_text.strip():
        return report
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as e:
        raise JUnitError(f"JUnit XML is not well-formed: {e}") from None
    for case in root.iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        nodeid = props.get("nodeid") or _rebuild_nodeid(case)
        outcome, message = Outcome.passed, ""
        for child in case:
            tag = child.tag
            if tag in ("error", "failure", "skipped"):
                message = (child.get("message") or "").strip()
                if tag == "error":
                    outcome = Outcome.error
                elif tag == "failure" and outcome != Outcome.error:
                    outcome = Outcome.failed
                elif tag == "skipped" and outcome == Outcome.passed:
                    outcome = Outcome.skipped
        if outcome == Outcome.error and message == "collection failure":
            report.collection_errors.append(nodeid)
        result = TestResult(nodeid=nodeid, outcome=outcome, time_s=float(case.get("time") or 0), message=message[:500])
        prev = report.tests.get(nodeid)
        if prev is None or _RANK[outcome] > _RANK[prev.outcome]:
            report.tests[nodeid] = result
    return report
