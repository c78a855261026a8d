"""Phase 5 entry point: gather the phases' outputs into ``SampleMetadata`` and the file set."""

from __future__ import annotations

from samplegen_dagster import __version__
from samplegen_dagster.analysis.analyze import Analysis
from samplegen_dagster.assembly.metadata import SAMPLE_FILES, EnvironmentInfo, SampleMetadata, StateInfo, ValidationInfo
from samplegen_dagster.enrichment.models import Enrichment
from samplegen_dagster.environment.build import Environment
from samplegen_dagster.patches.split import SplitPatches
from samplegen_dagster.settings import Settings
from samplegen_dagster.trajectories.models import TrajectoryResult
from samplegen_dagster.validation.run import Validation


def trajectory_json(result: TrajectoryResult) -> dict[str, str]:
    """``ideal_trajectory.json`` and ``failed_trajectory.json`` (ATIF; unset optional fields left out)."""
    return {
        "ideal_trajectory.json": result.ideal.model_dump_json(indent=2, exclude_none=True) + "\n",
        "failed_trajectory.json": result.failed.model_dump_json(indent=2, exclude_none=True) + "\n",
    }


def assemble(
    settings: Settings,
    analysis: Analysis,
    split: SplitPatches,
    env: Environment,
    validation: Validation,
    trajectories: TrajectoryResult | None = None,
    enrichment: Enrichment | None = None,
) -> tuple[SampleMetadata, dict[str, str]]:
    pr = analysis.pr
    post = next(s for s in validation.states if s.name == "post_patch")
    files: dict[str, str] = {
        "fix.patch": split.fix_patch,
        "tests.patch": split.tests_patch,
        "Dockerfile": env.dockerfile,
        "run.sh": env.run_sh,
        **validation.logs,
        **(trajectory_json(trajectories) if trajectories else {}),
    }
    sections = {name: getattr(enrichment, name) for name in Enrichment.model_fields} if enrichment else {}
    meta = SampleMetadata(
        instance_id=analysis.instance_id,
        repo=pr.repo,
        pull_number=pr.number,
        title=pr.title,
        base_commit=pr.base_commit,
        merge_commit=pr.merge_commit,
        created_at=pr.created_at,
        merged_at=pr.merged_at,
        problem_statement=pr.problem_statement,
        problem_statement_source=pr.problem_statement_source,
        hints_text=pr.hints_text,
        language=analysis.language,
        test_framework=analysis.test_framework,
        test_command=post.command,
        FAIL_TO_PASS=validation.verdict.fail_to_pass,
        PASS_TO_PASS=validation.verdict.pass_to_pass,
        fix_files=[f.path for f in split.fix_files],
        test_files=[f.path for f in split.test_files],
        environment=EnvironmentInfo(
            fingerprint=env.spec.fingerprint,
            python_version=env.spec.python_version,
            install_method=env.spec.install_method,
            extras=env.spec.extras,
            requirement_files=env.spec.requirement_files,
            dependency_files=env.spec.dependency_files,
            base_image=settings.default_base_image(env.spec.python_version),
        ),
        validation=ValidationInfo(
            status="validated",
            sandbox=validation.sandbox,
            environment_reused=env.prepared.reused,
            environment_build_s=env.prepared.build_seconds,
            validated_at=validation.validated_at,
            duration_s=validation.duration_s,
            states=[
                StateInfo(
                    name=s.name,
                    log=s.log_name,
                    targets=s.targets,
                    exit_code=s.exit_code,
                    duration_s=s.duration_s,
                    coverage_percent_changed_files=s.coverage.percent_changed_files if s.coverage else None,
                    **{k: s.counts.get(k, 0) for k in ("passed", "failed", "error", "skipped")},
                )
                for s in validation.states
            ],
            failing_at_base=validation.verdict.failing_at_base,
        ),
        source=pr.source,
        samplegen_version=__version__,
        files=sorted(set(SAMPLE_FILES) | set(files)),
        **sections,
    )
    return meta, files
