"""The three ``ideas`` assets, partitioned by seed. Each is a thin call into
``samplegen_dagster.ideas.pipeline`` plus UI metadata (markdown summaries, tables, paths).

Data flows through files in the workspace, not through an IO manager (see ``pipeline.py``), so
the assets return ``MaterializeResult`` and depend on each other with ``deps``. Bad input
(``IdeasError``) becomes a ``dagster.Failure`` whose description is the one-line message.
"""


import contextlib
from collections import Counter
from collections.abc import Iterator

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field, ValidationError

from samplegen_dagster.defs.ideas.partitions import seeds_partitions
from samplegen_dagster.defs.ideas.resources import (
    IdeaGeneratorResource,
    IdeasSettingsResource,
)
from samplegen_dagster.defs.metadata import table as _table
from samplegen_dagster.ideas.drafts import load_draft
from samplegen_dagster.ideas.errors import IdeasError, describe_validation_error
from samplegen_dagster.ideas.generators import idea_to_brainstorm_text
from samplegen_dagster.ideas.models import IdeaParams, Seed
from samplegen_dagster.ideas.pipeline import brainstorm, refine_seed, write_drafts
from samplegen_dagster.ideas.refinement import guidelines_text
from samplegen_dagster.ideas.registry import Registry
from samplegen_dagster.ideas.seeds import find_seed
from samplegen_dagster.ideas.similarity import NEAR_DUPLICATE_THRESHOLD
from samplegen_dagster.ideas.workspace import (
    category_counts,
    language_mix,
    next_seed_advice,
    scan_drafts,
)


@contextlib.contextmanager
def _readable_errors() -> Iterator[None]:
    try:
        yield
    except IdeasError as exc:
        raise Failure(description=str(exc)) from None


def _seed(context: AssetExecutionContext, settings: IdeasSettingsResource) -> Seed:
    return find_seed(settings.settings().seeds_dir, context.partition_key)




class BrainstormConfig(Config):
    n: int = Field(default=5, description="Final draft specifications per seed.")
    multiplier: int = Field(default=3, description="Brainstorm n × multiplier ideas.")


class RefineConfig(Config):
    similarity_threshold: float = Field(
        default=NEAR_DUPLICATE_THRESHOLD, description="TF-IDF cosine at or above which an idea is a near-duplicate."
    )


@asset(
    partitions_def=seeds_partitions,
    group_name="ideas",
    kinds={"python", "json"},
    description="n × multiplier brainstormed ideas for one seed (offline catalog or an LLM). "
    "Writes <workspace>/ideas/<seed>/brainstormed_ideas.json.",
)
def brainstormed_ideas(
    context: AssetExecutionContext,
    config: BrainstormConfig,
    ideas_settings: IdeasSettingsResource,
    ideas_generator: IdeaGeneratorResource,
) -> MaterializeResult:
    with _readable_errors():
        try:
            params = IdeaParams(n=config.n, multiplier=config.multiplier)
        except ValidationError as exc:
            raise IdeasError(f"brainstormed_ideas config: {describe_validation_error(exc)}") from None
        seed = _seed(context, ideas_settings)
        generator = ideas_generator.build(log=context.log.info)
        result, path = brainstorm(ideas_settings.settings().workspace_dir, seed, params, generator)
    rows = [
        {"#": i, "title": x.title, "category": x.category, "scenario_type": x.scenario_type, "difficulty": x.difficulty, "domain": x.domain, "task_type": x.task_type}
        for i, x in enumerate(result.ideas, start=1)
    ]
    difficulties = Counter(x.difficulty for x in result.ideas)
    summary = (
        f"**{len(result.ideas)} ideas** for seed `{seed.id}` ({seed.language} / {seed.category}) from `{result.generator}`, "
        f"n = {params.n}, multiplier = {params.multiplier}. Difficulties: "
        + ", ".join(f"{k} {v}" for k, v in sorted(difficulties.items()))
        + "\n\n```\n"
        + "\n\n".join(idea_to_brainstorm_text(i, x) for i, x in enumerate(result.ideas, start=1))
        + "\n```"
    )
    metadata = {
        "summary": MetadataValue.md(summary),
        "ideas": _table([("#", "int"), ("title", "text"), ("category", "text"), ("scenario_type", "text"), ("difficulty", "text"), ("domain", "text"), ("task_type", "text")], rows),
        "count": len(result.ideas),
        "generator": result.generator,
        "path": MetadataValue.path(str(path)),
    }
    attempts = getattr(generator, "attempts", None)
    if attempts:
        metadata["llm_attempts"] = MetadataValue.md("\n".join(f"- {a}" for a in attempts))
    return MaterializeResult(metadata=metadata)


@asset(
    partitions_def=seeds_partitions,
    group_name="ideas",
    deps=[brainstormed_ideas],
    kinds={"python", "json"},
    description="The best n ideas: one per scenario type, a difficulty spread, varied domains and task types, "
    "no near-duplicates (TF-IDF cosine) of each other or of existing drafts; every rejection has a reason. "
    "Writes <workspace>/ideas/<seed>/refined_ideas.json.",
)
def refined_ideas(context: AssetExecutionContext, config: RefineConfig, ideas_settings: IdeasSettingsResource) -> MaterializeResult:
    with _readable_errors():
        seed = _seed(context, ideas_settings)
        result, path = refine_seed(ideas_settings.settings().workspace_dir, seed, config.similarity_threshold)
    if len(result.selected) < result.n:
        context.log.warning(f"only {len(result.selected)} of {result.n} ideas survived refinement; see the decisions table")
    rows = [
        {"#": d.index, "selected": d.selected, "kind": d.kind, "title": d.title, "reason": d.reason, "max_similarity": d.max_similarity, "similar_to": d.similar_to or ""}
        for d in result.decisions
    ]
    chosen = "\n".join(f"- **{x.title}** — {x.category}/{x.scenario_type}, {x.difficulty}, {x.domain}, {x.task_type}" for x in result.selected)
    rejected = Counter(d.kind for d in result.decisions if not d.selected)
    summary = (
        f"**{len(result.selected)} of {len(result.decisions)} ideas selected** for seed `{seed.id}` "
        f"(n = {result.n}, near-duplicate threshold: TF-IDF cosine ≥ {result.similarity_threshold:.2f}).\n\n{chosen}\n\n"
        "Rejections: " + (", ".join(f"{k} × {v}" for k, v in rejected.most_common()) or "none") + "\n\n"
        + "\n".join(f"- #{d.index} {d.title} — {d.reason}" for d in result.decisions if not d.selected)
    )
    return MaterializeResult(
        metadata={
            "summary": MetadataValue.md(summary),
            "decisions": _table([("#", "int"), ("selected", "bool"), ("kind", "text"), ("title", "text"), ("reason", "text"), ("max_similarity", "float"), ("similar_to", "text")], rows),
            "selected": len(result.selected),
            "rejected": len(result.decisions) - len(result.selected),
            "guidelines": MetadataValue.md(guidelines_text()),
            "guidelines_sha256": result.guidelines_sha256,
            "path": MetadataValue.path(str(path)),
        }
    )


@asset(
    partitions_def=seeds_partitions,
    group_name="ideas",
    deps=[refined_ideas],
    kinds={"python", "markdown"},
    check_specs=[
        AssetCheckSpec("drafts_parse_back", asset="draft_specs", description="Every draft_spec.md of this seed, re-read from disk, parses into DraftSpec with all fields non-empty and the seed's language."),
        AssetCheckSpec("full_selection", asset="draft_specs", description="The seed produced n drafts (fewer means refinement rejected too many ideas; WARN)."),
    ],
    description="One draft_spec.md per selected idea in <workspace>/data_points/<task_id>/, registry rows upserted "
    "in <workspace>/registry.jsonl; reports the workspace's language mix (target 60/30/10) and category counts.",
)
def draft_specs(context: AssetExecutionContext, ideas_settings: IdeasSettingsResource) -> MaterializeResult:
    workspace = ideas_settings.settings().workspace_dir
    with _readable_errors():
        seed = _seed(context, ideas_settings)
        result = write_drafts(workspace, seed)
        all_drafts = scan_drafts(workspace)
        registry_rows = Registry(workspace).load()
    for d in all_drafts:
        if d.error:
            context.log.warning(f"workspace draft not counted: {d.error}")
    live = [d.spec for d in all_drafts if d.spec is not None and getattr(registry_rows.get(d.task_id), "status", None) != "superseded"]
    draft_rows = [
        {"task_id": d.task_id, "task": d.spec.task, "category": d.spec.category, "difficulty": d.spec.difficulty, "file": d.action, "path": str(d.path)}
        for d in result.drafts
    ]
    mix_rows = [{"languages": r.bucket, "drafts": r.count, "share": round(r.share, 3), "target": r.target, "delta": round(r.delta, 3)} for r in language_mix(live)]
    cat_rows = [{"category": c, "drafts": n} for c, n in category_counts(live)]
    advice = next_seed_advice(live)
    summary = (
        f"**{len(result.drafts)} drafts** for seed `{seed.id}` "
        f"({sum(d.action == 'written' for d in result.drafts)} written, {sum(d.action == 'unchanged' for d in result.drafts)} unchanged, "
        f"{sum(d.action == 'kept' for d in result.drafts)} kept because the builder started on them); registry: "
        f"{result.registry_added} added, {result.registry_updated} updated"
        + (f", superseded {', '.join(result.superseded)}" if result.superseded else "")
        + f".\n\nWorkspace: {len(live)} drafts. "
        + " · ".join(f"{r['languages']} {r['share']:.0%} (target {r['target']:.0%})" for r in mix_rows)
        + f"\n\n{advice}"
    )
    problems = []
    for d in result.drafts:
        try:
            spec = load_draft(d.path)
        except IdeasError as exc:
            problems.append(str(exc))
            continue
        if spec.language != seed.language:
            problems.append(f"{d.path}: field 'Language': {spec.language} is not the seed's {seed.language}")
    n_wanted = result.n
    checks = [
        AssetCheckResult(check_name="drafts_parse_back", passed=not problems, metadata={"drafts": len(result.drafts), "problems": MetadataValue.md("\n".join(f"- {p}" for p in problems) or "none")}),
        AssetCheckResult(check_name="full_selection", passed=len(result.drafts) >= n_wanted, severity=AssetCheckSeverity.WARN, metadata={"drafts": len(result.drafts), "n": n_wanted}),
    ]
    return MaterializeResult(
        check_results=checks,
        metadata={
            "summary": MetadataValue.md(summary),
            "drafts": _table([("task_id", "text"), ("task", "text"), ("category", "text"), ("difficulty", "text"), ("file", "text"), ("path", "path")], draft_rows),
            "workspace_language_mix": _table([("languages", "text"), ("drafts", "int"), ("share", "float"), ("target", "float"), ("delta", "float")], mix_rows),
            "workspace_categories": _table([("category", "text"), ("drafts", "int")], cat_rows),
            "next_seed_advice": advice,
            "draft_count": len(result.drafts),
            "registry": MetadataValue.path(str(workspace / "registry.jsonl")),
            "workspace": MetadataValue.path(str(workspace)),
        }
    )
