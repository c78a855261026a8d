"""Which tests run in which state.

Targets are the test modules that tests.patch touches (as they exist in that state: a
module added by the PR is not run at base, a deleted one is not run afterwards) plus the
configured broader set (``extra_test_paths``). When tests.patch touches only support
files (``conftest.py``, fixtures, data), the test directories holding them are run.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from samplegen_dagster.patches.classify import TEST_DIRS, is_test_module
from samplegen_dagster.patches.split import SplitPatches
from samplegen_dagster.sandbox.base import CyclePlan, StateSpec
from samplegen_dagster.validation.commands import PINNED_ENV

STATES = ("pre_tests", "pre_patch", "post_patch")


def _support_dirs(paths: list[str]) -> list[str]:
    dirs = []
    for p in paths:
        parts = PurePosixPath(p).parts[:-1]
        for i, part in enumerate(parts):
            if part.lower() in TEST_DIRS:
                dirs.append(str(PurePosixPath(*parts[: i + 1])))
                break
    return list(dict.fromkeys(dirs))


def test_targets(split: SplitPatches, extra: list[str]) -> tuple[list[str], list[str]]:
    """(targets at base, targets once tests.patch is applied), before existence filtering."""
    before, after = [], []
    for f in split.test_files:
        old = f.old_path or f.path
        if f.kind != "added" and is_test_module(old):
            before.append(old)
        if f.kind != "deleted" and is_test_module(f.path):
            after.append(f.path)
    if not before and not after:
        support = _support_dirs([f.path for f in split.test_files])
        before, after = list(support), list(support)
    return list(dict.fromkeys(before + extra)), list(dict.fromkeys(after + extra))


def build_plan(instance_id: str, split: SplitPatches, base_checkout: Path, extra: list[str], timeout_s: int) -> CyclePlan:
    before, after = test_targets(split, extra)
    before = [t for t in before if (base_checkout / t).exists()]
    added_paths = {f.path for f in split.test_files if f.kind != "deleted"}
    after = [t for t in after if (base_checkout / t).exists() or t in added_paths]
    return CyclePlan(
        instance_id=instance_id,
        patches={"tests.patch": split.tests_patch, "fix.patch": split.fix_patch},
        states=[
            StateSpec(name="pre_tests", targets=before, coverage=True),
            StateSpec(name="pre_patch", apply_before=["tests.patch"], targets=after, coverage=False),
            StateSpec(name="post_patch", apply_before=["fix.patch"], targets=after, coverage=True),
        ],
        timeout_s=timeout_s,
        env=dict(PINNED_ENV),
        coverage_include=[f.path for f in split.fix_files if f.kind != "deleted" and f.path.endswith(".py")],
    )
