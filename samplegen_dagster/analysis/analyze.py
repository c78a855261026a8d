"""Phase 1 entry point: partition key -> ``Analysis`` (the PR, its repository, its base commit facts)."""

from __future__ import annotations

import os


from pydantic import BaseModel, Field

from samplegen_dagster.analysis.detect import detect_language, detect_test_framework, tracked_files
from samplegen_dagster.environment.detect import detect_env
from samplegen_dagster.ids import InvalidIdentifier, parse_instance_id
from samplegen_dagster.rejections import Rejected
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.base import PullRequest, SourceError
from samplegen_dagster.sources.discovery import source_for
from samplegen_dagster.sources.mirror import GitError, ensure_mirror, scratch_checkout
from samplegen_dagster.sources.repos_file import RepoEntry, ReposFileError, load_repos_file


class Analysis(BaseModel):
    instance_id: str
    pr: PullRequest
    mirror: str = Field(description="path of the cached mirror the later phases check out from")
    language: str
    test_framework: str
    install_method: str
    files_at_base: int


def repo_entry(settings: Settings, instance_id: str) -> RepoEntry:
    try:
        repo, _ = parse_instance_id(instance_id)
        entry = load_repos_file(settings.repos_file).find(repo)
    except (InvalidIdentifier, ReposFileError) as e:
        raise Rejected("source_error", str(e), "analysis") from None
    if entry is None:
        raise Rejected("source_error", f"{repo} is not listed in {settings.repos_file}", "analysis")
    return entry


def analyze(settings: Settings, instance_id: str) -> Analysis:
    entry = repo_entry(settings, instance_id)
    _, number = parse_instance_id(instance_id)
    try:
        pr = source_for(entry, settings).get(entry, number)
        mirror = ensure_mirror(
            settings.cache_dir,
            entry.repo,
            pr.clone_url,
            need=(pr.base_commit, pr.merge_commit),
            # private GitHub repositories: the API token also authenticates the clone
            token=os.environ.get("GITHUB_TOKEN") if pr.source == "github" else None,
        )
    except (SourceError, GitError) as e:
        raise Rejected("source_error", str(e), "analysis") from None
    with scratch_checkout(mirror, pr.base_commit, settings.cache_dir / "scratch", instance_id) as root:
        files = tracked_files(root)
        language = detect_language(files)
        framework = detect_test_framework(root, files)
        method = detect_env(root).install_method
    if language != "python":
        raise Rejected("not_python", f"the repository's main language is {language}; only Python is supported", "analysis")
    return Analysis(
        instance_id=instance_id,
        pr=pr,
        mirror=str(mirror),
        language=language,
        test_framework=framework,
        install_method=method,
        files_at_base=len(files),
    )
