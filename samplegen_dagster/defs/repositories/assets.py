"""``pr_candidates``: the selection funnel of one repository, as a Dagster asset.

The asset reads the repository's entry from the repos file, runs
``selection.run.select_repository`` and registers accepted PRs as ``pull_requests``
partitions (the sample pipeline's partitions). The UI shows the funnel (rejections per
reason, in rule order), a table of every candidate with its decision, and the keys it
registered. A missing or private repository materializes with the error recorded and no
partitions; errors that would hit every repository (token, rate limit) fail the run with
one line.
"""


from dagster import (
    AssetExecutionContext,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field

from samplegen_dagster.defs.metadata import table
from samplegen_dagster.defs.repositories.partitions import PULL_REQUESTS, repositories
from samplegen_dagster.defs.repositories.resources import GitHubResource
from samplegen_dagster.defs.samples.resources import SamplegenSettings
from samplegen_dagster.selection.models import SelectionRules
from samplegen_dagster.selection.run import (
    accepted_keys,
    candidate_rows,
    funnel_markdown,
    report_path,
    select_repository,
)
from samplegen_dagster.sources.repos_file import ReposFileError, load_repos_file

GROUP = "repositories"

_COLUMNS = [
    ("pr", "int"), ("title", "string"), ("decision", "string"), ("detail", "string"), ("score", "float"),
    ("source_files", "int"), ("test_files", "int"), ("source_lines", "int"), ("linked_issues", "string"),
]


class SelectionConfig(Config):
    """Run config mirroring ``SelectionRules`` (see docs/github.md for each rule)."""

    min_source_files: int = 1
    max_source_files: int = 3
    max_source_lines: int = 200
    require_tests: bool = True
    linked_issue: str = Field(default="preferred", description="required | preferred | ignored")
    languages: list[str] = ["Python"]
    exclude_reverts: bool = True
    exclude_bots: bool = True
    max_candidates: int = 100
    max_accepted_per_repo: int = Field(default=0, description="0: no cap")

    def rules(self) -> SelectionRules:
        values = self.model_dump()
        values["max_accepted_per_repo"] = values["max_accepted_per_repo"] or None
        return SelectionRules.model_validate(values)


def _repo_of(key: str) -> str:
    owner, _, name = key.partition("__")
    return f"{owner}/{name}"


@asset(
    partitions_def=repositories,
    group_name=GROUP,
    description="Merged PRs of one repository, scored and filtered; accepted ones become pull_requests partitions.",
    kinds={"github", "python"},
)
def pr_candidates(
    context: AssetExecutionContext, config: SelectionConfig, samplegen: SamplegenSettings, github: GitHubResource
) -> MaterializeResult:
    settings = samplegen.settings()
    repo = _repo_of(context.partition_key)
    try:
        entry = load_repos_file(settings.repos_file).find(repo)
    except ReposFileError as e:
        raise Failure(description=str(e), allow_retries=False) from None
    if entry is None:
        raise Failure(description=f"{repo} is not listed in {settings.repos_file}", allow_retries=False)
    try:
        rules = config.rules()
    except ValueError as e:
        raise Failure(description=f"invalid selection config: {e}", allow_retries=False) from None

    report = select_repository(entry, settings, rules, github.config(settings.cache_dir), log=context.log.info)
    if report.error and report.fatal:
        raise Failure(description=report.error, allow_retries=False)
    if report.error:
        context.log.warning(f"{repo}: {report.error}")

    keys = accepted_keys(report)
    known = set(context.instance.get_dynamic_partitions(PULL_REQUESTS))
    new = [k for k in keys if k not in known]
    if new:
        context.instance.add_dynamic_partitions(PULL_REQUESTS, new)
    context.log.info(f"{repo}: {len(keys)} accepted, {len(new)} new pull_requests partitions")

    return MaterializeResult(
        metadata={
            "examined": report.examined,
            "accepted": len(keys),
            "new_partitions": len(new),
            **{f"rejected/{r}": n for r, n in report.rejected_by_reason.items() if n},
            "funnel": MetadataValue.md(funnel_markdown(report)),
            "candidates": table(_COLUMNS, candidate_rows(report)),
            "accepted_keys": MetadataValue.md("\n".join(f"- `{k}`" for k in keys) or "_none_"),
            "error": report.error or "",
            "report": MetadataValue.path(str(report_path(settings, repo))),
        }
    )
