"""The GitHub API resource: configuration only; the work is done by ``sources.github``.

Bind it as ``GitHubResource(token=EnvVar("GITHUB_TOKEN"))`` so Dagster resolves the token
at run time and never shows its value. The token goes to PyGithub's ``Auth.Token`` and
nowhere else (not to logs, metadata, caches or sandboxes).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Optional

from dagster import ConfigurableResource
from pydantic import Field

from samplegen_dagster.sources.github import DEFAULT_API_URL, GitHubConfig, GitHubSource


class GitHubResource(ConfigurableResource):
    """PyGithub client settings; empty values fall back to GITHUB_API_URL and defaults."""

    token: Optional[str] = Field(default=None, description="GITHUB_TOKEN (bind with EnvVar; never logged)")
    api_url: str = Field(default="", description="GITHUB_API_URL; default https://api.github.com (Enterprise: https://HOST/api/v3)")
    per_page: int = Field(default=100, description="page size for list endpoints (max 100)")
    retries: int = Field(default=5, description="retries for 5xx and rate-limited requests")
    backoff_factor: float = Field(default=1.0, description="5xx backoff factor in seconds")
    max_rate_limit_wait_s: float = Field(default=900.0, description="longest wait for a primary rate-limit reset")
    secondary_rate_wait_s: float = Field(default=60.0, description="wait after a secondary limit without Retry-After")
    seconds_between_requests: float = Field(default=0.25, description="client-side throttle")
    http_cache: bool = Field(default=True, description="ETag cache under <cache_dir>/github-http")

    def config(self, cache_dir: Path) -> GitHubConfig:
        return GitHubConfig(
            api_url=self.api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL,
            token=self.token or None,
            cache_dir=cache_dir if self.http_cache else None,
            per_page=self.per_page,
            retries=self.retries,
            backoff_factor=self.backoff_factor,
            max_rate_limit_wait_s=self.max_rate_limit_wait_s,
            secondary_rate_wait_s=self.secondary_rate_wait_s,
            seconds_between_requests=self.seconds_between_requests,
        )

    def source(self, cache_dir: Path, log: Callable[[str], None] | None = None) -> GitHubSource:
        return GitHubSource(self.config(cache_dir), log=log)
