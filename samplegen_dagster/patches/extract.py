"""Phase 2 entry point: the PR's diff split into tests.patch and fix.patch, proven to apply."""

from __future__ import annotations

from pathlib import Path

from samplegen_dagster.analysis.analyze import Analysis
from samplegen_dagster.patches.split import PatchError, SplitPatches, check_apply, pr_diff, split_diff
from samplegen_dagster.rejections import Rejected
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.mirror import scratch_checkout


def extract(settings: Settings, analysis: Analysis) -> SplitPatches:
    pr = analysis.pr
    mirror = Path(analysis.mirror)
    split = split_diff(pr_diff(mirror, pr.base_commit, pr.merge_commit))
    if not split.test_files:
        raise Rejected("no_test_changes", f"the PR changes {len(split.files)} file(s) and none of them is a test", "patches")
    if not split.fix_files:
        raise Rejected("no_source_changes", "the PR changes only test files", "patches")
    with scratch_checkout(mirror, pr.base_commit, settings.cache_dir / "scratch", analysis.instance_id) as root:
        try:
            check_apply(root, ("tests.patch", split.tests_patch), ("fix.patch", split.fix_patch))
        except PatchError as e:
            raise Rejected("patch_does_not_apply", str(e), "patches") from None
    return split
