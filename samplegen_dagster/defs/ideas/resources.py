"""Resources of the idea pipeline (keys prefixed ``ideas_`` to stay clear of other domains).

* ``ideas_settings`` (``IdeasSettingsResource``): seeds and workspace directories; empty values
  fall back to ``SAMPLEGEN_SEEDS_DIR`` / ``SAMPLEGEN_WORKSPACE_DIR`` and then to ``seeds/`` and
  ``workspace/``.
* ``ideas_generator`` (``IdeaGeneratorResource``): ``kind`` ``offline`` (default, no network) or
  ``openai`` (any OpenAI-compatible chat-completions endpoint: ``base_url``, ``model``, and the
  API key from ``EnvVar("SAMPLEGEN_LLM_API_KEY")``).
"""


import os
from collections.abc import Callable

from dagster import ConfigurableResource, EnvVar
from pydantic import Field

from samplegen_dagster.ideas.config import IdeasSettings
from samplegen_dagster.ideas.errors import IdeasError
from samplegen_dagster.ideas.generators import (
    IdeaGenerator,
    OfflineIdeaGenerator,
    OpenAIIdeaGenerator,
)

GENERATOR_KINDS = ("offline", "openai")


class IdeasSettingsResource(ConfigurableResource):
    seeds_dir: str = Field(default="", description="Seed files; empty = SAMPLEGEN_SEEDS_DIR or seeds/.")
    workspace_dir: str = Field(default="", description="Workspace; empty = SAMPLEGEN_WORKSPACE_DIR or workspace/.")

    def settings(self) -> IdeasSettings:
        return IdeasSettings.from_env(self.seeds_dir or None, self.workspace_dir or None)


class IdeaGeneratorResource(ConfigurableResource):
    kind: str = Field(default="offline", description="offline | openai (SAMPLEGEN_IDEAS_GENERATOR).")
    base_url: str = Field(default="", description="OpenAI-compatible endpoint, e.g. https://api.openai.com/v1 (SAMPLEGEN_LLM_BASE_URL).")
    model: str = Field(default="", description="Chat model name (SAMPLEGEN_LLM_MODEL).")
    api_key: str | None = Field(default=None, description="API key; set via EnvVar('SAMPLEGEN_LLM_API_KEY'), never inline.")
    max_attempts: int = Field(default=4, description="Attempts per brainstorm (invalid output, 429, 5xx, connection errors).")
    backoff_s: float = Field(default=2.0, description="First retry delay; doubles per attempt unless the server sends Retry-After.")
    timeout_s: float = Field(default=120.0, description="HTTP timeout per request.")
    json_mode: bool = Field(default=True, description="Send response_format=json_object (turn off for servers without it).")

    def build(self, log: Callable[[str], None] | None = None) -> IdeaGenerator:
        if self.kind == "offline":
            return OfflineIdeaGenerator()
        if self.kind == "openai":
            return OpenAIIdeaGenerator(
                base_url=self.base_url,
                model=self.model,
                api_key=self.api_key,
                max_attempts=self.max_attempts,
                backoff_s=self.backoff_s,
                timeout_s=self.timeout_s,
                json_mode=self.json_mode,
                log=log,
            )
        raise IdeasError(f"ideas_generator: field 'kind': unknown generator {self.kind!r} (known: {', '.join(GENERATOR_KINDS)})")


def generator_resource_from_env() -> IdeaGeneratorResource:
    """The default resource: offline unless SAMPLEGEN_IDEAS_GENERATOR=openai.

    The API key is passed as an ``EnvVar`` (resolved at run time, never shown in the UI) only
    when the variable exists, so the offline default works without it.
    """
    return IdeaGeneratorResource(
        kind=os.environ.get("SAMPLEGEN_IDEAS_GENERATOR") or "offline",
        base_url=os.environ.get("SAMPLEGEN_LLM_BASE_URL") or "",
        model=os.environ.get("SAMPLEGEN_LLM_MODEL") or "",
        api_key=EnvVar("SAMPLEGEN_LLM_API_KEY") if os.environ.get("SAMPLEGEN_LLM_API_KEY") else None,
    )
