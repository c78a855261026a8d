"""The curated catalog behind the offline idea generator.

Data lives next to this module as YAML so it can be reviewed and extended without touching
code:

* ``catalog_scenarios.yaml``: real backend scenarios (N+1 queries, expand/contract renames,
  SSRF in webhooks, ...), each with a scenario type (its ``key``), a category, a task type, a
  base difficulty and templates for the title, description, instructions and Testing text.
* ``catalog_stacks.yaml``: per-language technology stacks (framework, ORM, database, cache,
  queue, test tool, migration tool), industry domains with their vocabulary, and "twists"
  (realistic constraints that make a scenario one step harder).

An idea is a scenario rendered with one stack and one domain. The templates use
``str.format`` placeholders; ``render`` fills them and fixes sentence capitalisation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from samplegen_dagster.ideas.errors import IdeasError, invalid
from samplegen_dagster.ideas.models import Category, Difficulty, Language, TaskType


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stack(_Frozen):
    framework: str
    orm: str
    db: str
    sql: bool
    cache: str
    queue: str
    test_tool: str
    migrations: str


class Domain(_Frozen):
    name: str
    context: str
    entity: str
    entities: str
    owner: str
    owners: str
    event: str


class Scenario(_Frozen):
    key: str = Field(description="Scenario type (sub-category).")
    category: Category
    task_type: TaskType
    difficulty: Difficulty
    sql: bool = False
    uses: list[str] = Field(default_factory=list)
    languages: list[Language] | None = Field(default=None, description="Restrict to these languages.")
    title: str
    description: str
    why: str
    instructions: str
    testing: str
    skills: list[str]

    def fits(self, language: str, stack: Stack) -> bool:
        if self.languages is not None and language not in self.languages:
            return False
        return stack.sql or not self.sql


class Catalog(_Frozen):
    runtimes: dict[Language, str]
    stacks: dict[Language, list[Stack]]
    domains: list[Domain]
    twists: list[str]
    scenarios: list[Scenario]

    def pool(self, language: str, categories: tuple[str, ...]) -> list[Scenario]:
        """Scenarios usable for ``language`` in ``categories`` (in catalog order)."""
        stacks = self.stacks.get(language, [])  # type: ignore[call-overload]
        return [s for s in self.scenarios if s.category in categories and any(s.fits(language, st) for st in stacks)]


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


def capitalise_sentences(text: str) -> str:
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), " ".join(text.split()))


def render(template: str, *, runtime: str, stack: Stack, domain: Domain) -> str:
    values = {**stack.model_dump(), **domain.model_dump(), "runtime": runtime}
    return capitalise_sentences(template.format(**values))


def _load_yaml(name: str) -> object:
    text = resources.files("samplegen_dagster.ideas").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    stacks = _load_yaml("catalog_stacks.yaml")
    scenarios = _load_yaml("catalog_scenarios.yaml")
    if not isinstance(stacks, dict):
        raise IdeasError("catalog_stacks.yaml: expected a mapping")
    try:
        catalog = Catalog.model_validate({**stacks, "scenarios": scenarios})
    except ValidationError as exc:
        raise invalid("samplegen_dagster/ideas/catalog_*.yaml", "catalog", exc) from None
    keys = [s.key for s in catalog.scenarios]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise IdeasError(f"catalog_scenarios.yaml: field 'key': duplicate scenario keys {dupes}")
    return catalog
