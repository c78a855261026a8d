"""Selection for a repository entry or a whole repos file: shared by the Dagster asset and the CLI.

``select_repository`` picks the source (GitHub API when ``wants_github``, else the
offline source from ``sources.discovery``), runs the funnel and writes the report to
``<cache_dir>/selection/<owner__name>.json``. ``select_all`` does that for every entry of
the repos file, one repository's failure never stopping the others. ``funnel_markdown``
and ``candidate_rows`` render a report for humans (UI metadata, CLI output).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from samplegen_dagster.ids import instance_id, repo_key
from samplegen_dagster.selection.models import REASONS, FunnelReport, SelectionRules
from samplegen_dagster.selection.select import select
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.github import GitHubConfig, GitHubSource, wants_github
from samplegen_dagster.sources.repos_file import RepoEntry, load_repos_file


def report_path(settings: Settings, repo: str) -> Path:
    return settings.cache_dir / "selection" / f"{repo_key(repo)}.json"


def source_for_selection(entry: RepoEntry, settings: Settings, github: GitHubConfig | None, log: Callable[[str], None]) -> Any:
    github = github or GitHubConfig.from_env(cache_dir=settings.cache_dir)
    token = github.token.get_secret_value() if github.token else ""
    if wants_github(entry, token=token):
        return GitHubSource(github, log=log)
    from samplegen_dagster.sources.discovery import source_for  # the offline default

    return source_for(entry, settings)


def select_repository(
    entry: RepoEntry,
    settings: Settings,
    rules: SelectionRules,
    github: GitHubConfig | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> FunnelReport:
    try:
        source = source_for_selection(entry, settings, github, log)
    except (ValueError, RuntimeError) as e:  # e.g. an unreachable mirror for the offline source
        from samplegen_dagster.selection.rules import funnel

        report = funnel(entry.repo, [], rules, error=str(e).splitlines()[0] if str(e) else type(e).__name__)
    else:
        report = select(source, entry, rules, log=log)
    path = report_path(settings, entry.repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return report


def accepted_keys(report: FunnelReport) -> list[str]:
    return [instance_id(report.repo, n) for n in report.accepted]


def select_all(
    settings: Settings,
    rules: SelectionRules,
    github: GitHubConfig | None = None,
    repos_file: Path | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> list[FunnelReport]:
    """One report per repository of the repos file (``ReposFileError`` if the file is unusable)."""
    repos = load_repos_file(repos_file or settings.repos_file)
    return [select_repository(e, settings, rules, github, log) for e in repos.repositories]


def funnel_markdown(report: FunnelReport) -> str:
    lines = [f"**{report.repo}**: {report.examined} examined, {len(report.accepted)} accepted", ""]
    if report.error:
        lines += [f"Repository not examined: {report.error}", ""]
    lines += ["| step | rejected | remaining |", "|---|---:|---:|"]
    remaining = report.examined
    for reason in REASONS:
        n = report.rejected_by_reason.get(reason, 0)
        remaining -= n
        lines.append(f"| `{reason}` | {n} | {remaining} |")
    lines.append(f"| **accepted** | | **{len(report.accepted)}** |")
    return "\n".join(lines)


def candidate_rows(report: FunnelReport) -> list[dict[str, Any]]:
    return [
        {
            "pr": d.number,
            "title": d.title[:80],
            "decision": "accepted" if d.accepted else d.reason or "",
            "detail": d.detail[:120],
            "score": d.score,
            "source_files": d.source_files if d.source_files is not None else -1,
            "test_files": d.test_files if d.test_files is not None else -1,
            "source_lines": d.source_lines if d.source_lines is not None else -1,
            "linked_issues": ", ".join(d.linked_issues),
        }
        for d in report.decisions
    ]


def summary_line(report: FunnelReport) -> str:
    """One line per repository for the CLI: ``acme/calc: 13 examined, 2 accepted; not_merged 2, revert 1``."""
    if report.error:
        return f"{report.repo}: not examined: {report.error}"
    reasons = ", ".join(f"{r} {n}" for r, n in report.rejected_by_reason.items() if n)
    return f"{report.repo}: {report.examined} examined, {len(report.accepted)} accepted" + (f"; {reasons}" if reasons else "")
