"""Resources of the sample pipeline: settings and the sandbox.

Every field defaults to its environment variable (see ``samplegen_dagster.settings``), so
the same code location runs from ``dagster dev``, the CLI and CI without run config;
run config overrides per run.
"""


from dagster import ConfigurableResource
from pydantic import Field

from samplegen_dagster.sandbox.base import Sandbox
from samplegen_dagster.sandbox.select import sandbox_for
from samplegen_dagster.settings import Settings


class SamplegenSettings(ConfigurableResource):
    """Paths and limits; empty values fall back to SAMPLEGEN_* environment variables, then defaults."""

    repos_file: str = Field(default="", description="SAMPLEGEN_REPOS_FILE; default repos.yaml")
    cache_dir: str = Field(default="", description="SAMPLEGEN_CACHE_DIR; default .samplegen/cache")
    samples_dir: str = Field(default="", description="SAMPLEGEN_SAMPLES_DIR; default samples")
    sandbox: str = Field(default="", description="SAMPLEGEN_SANDBOX: local | docker | auto")
    base_image: str = Field(default="", description="SAMPLEGEN_BASE_IMAGE; default python:X.Y-slim")
    ca_bundle: str = Field(default="", description="SAMPLEGEN_CA_BUNDLE: extra CA bundle for builds behind TLS proxies")
    test_timeout_s: int = Field(default=0, description="SAMPLEGEN_TEST_TIMEOUT; default 900")

    def settings(self) -> Settings:
        return Settings.from_env(
            repos_file=self.repos_file,
            cache_dir=self.cache_dir,
            samples_dir=self.samples_dir,
            sandbox=self.sandbox,
            base_image=self.base_image,
            ca_bundle=self.ca_bundle or None,
            test_timeout_s=self.test_timeout_s or None,
        )

    def sandbox_impl(self, kind: str | None = None) -> Sandbox:
        """The configured sandbox; ``kind`` pins the one an environment was prepared in."""
        return sandbox_for(self.settings(), kind)
