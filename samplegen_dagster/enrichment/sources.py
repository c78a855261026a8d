"""Real source of the fix's Python files at base and at the merge commit, read from the mirror."""

from __future__ import annotations

from samplegen_dagster.analysis.analyze import Analysis
from samplegen_dagster.patches.split import SplitPatches
from samplegen_dagster.sources.mirror import GitError, git


def _show(mirror: str, sha: str, path: str) -> str | None:
    try:
        return git("show", f"{sha}:{path}", cwd=mirror)
    except GitError:
        return None


def fix_sources(analysis: Analysis, split: SplitPatches) -> dict[str, tuple[str | None, str | None]]:
    """Python fix file (path after) -> (source at base, source at merge); ``None`` where the file does not exist."""
    pr = analysis.pr
    out: dict[str, tuple[str | None, str | None]] = {}
    for f in split.fix_files:
        if f.binary or not (f.path.endswith(".py") or (f.old_path or "").endswith(".py")):
            continue
        before = None if f.kind == "added" else _show(analysis.mirror, pr.base_commit, f.old_path or f.path)
        after = None if f.kind == "deleted" else _show(analysis.mirror, pr.merge_commit, f.path)
        out[f.path] = (before, after)
    return out
