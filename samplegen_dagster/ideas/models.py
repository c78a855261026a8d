"""Pydantic models for everything that crosses a boundary in the idea pipeline.

Seeds come from files, ideas come from a generator (possibly an LLM), refined selections and
drafts are written to the workspace, registry records are read by the builder. Each of them is
validated here, once, so the rest of the code can trust its inputs. ``schemas.py`` exports
their JSON schemas to ``schemas/ideas/``.

The vocabularies (languages, categories, difficulties, ...) are closed: an unknown value is a
typo or a new category nobody has written catalog scenarios for yet, and both should fail
loudly with the list of known values.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# --- vocabularies -----------------------------------------------------------------------------

LANGUAGES: tuple[str, ...] = ("python", "typescript", "javascript", "go", "rust", "java")

# Each category with the categories considered "closely related" to it (the reference allows an
# idea's category to be the seed's or a closely related one). Every category has enough catalog
# scenarios across itself and its relatives for 15 genuinely different ideas.
RELATED_CATEGORIES: dict[str, tuple[str, ...]] = {
    "performance": ("query_optimization", "caching", "memory_management", "concurrency"),
    "query_optimization": ("performance", "caching", "database_migrations"),
    "caching": ("performance", "query_optimization", "concurrency"),
    "memory_management": ("performance", "concurrency"),
    "concurrency": ("memory_management", "data_integrity", "performance"),
    "database_migrations": ("data_integrity", "query_optimization"),
    "data_integrity": ("database_migrations", "concurrency"),
    "testing": ("refactoring", "api_validation"),
    "api_security": ("authentication", "api_validation"),
    "authentication": ("api_security", "api_validation"),
    "api_validation": ("api_security", "testing"),
    "refactoring": ("testing", "api_development"),
    "api_development": ("refactoring", "api_validation", "caching"),
}
CATEGORIES: tuple[str, ...] = tuple(sorted(RELATED_CATEGORIES))

Language = Literal["python", "typescript", "javascript", "go", "rust", "java"]
Category = Literal[
    "api_development",
    "api_security",
    "api_validation",
    "authentication",
    "caching",
    "concurrency",
    "data_integrity",
    "database_migrations",
    "memory_management",
    "performance",
    "query_optimization",
    "refactoring",
    "testing",
]
Complexity = Literal["easy", "medium", "hard"]
Difficulty = Literal["medium", "hard", "extremely hard"]
TaskType = Literal["debugging", "building", "refactoring", "configuring", "migrating"]
RegistryStatus = Literal["pending", "in_progress", "completed", "failed", "superseded"]
RegistryType = Literal["seed_dp", "draft_dp"]
GeneratorKind = Literal["offline", "openai"]
DecisionKind = Literal[
    "selected",
    "language_mismatch",
    "category_mismatch",
    "near_duplicate_of_draft",
    "near_duplicate_of_idea",
    "duplicate_scenario_type",
    "not_selected",
]

DIFFICULTIES: tuple[str, ...] = ("medium", "hard", "extremely hard")
TASK_TYPES: tuple[str, ...] = ("debugging", "building", "refactoring", "configuring", "migrating")

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
SNAKE_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z0-9\"'(]|\s*$)")


def related_categories(category: str) -> tuple[str, ...]:
    """The seed's category followed by its closely related categories."""
    return (category, *RELATED_CATEGORIES.get(category, ()))


def count_sentences(text: str) -> int:
    """Sentences = terminal punctuation followed by a capitalised word or the end of text."""
    return len(_SENTENCE_END.findall(text.strip()))


def _no_commas(items: list[str], field: str) -> list[str]:
    cleaned = [" ".join(i.split()) for i in items]
    for item in cleaned:
        if not item:
            raise ValueError(f"{field} contains an empty item")
        if "," in item:
            # draft_spec.md lists are comma-separated; a comma inside an item would not parse back.
            raise ValueError(f"{field} item {item!r} must not contain a comma")
    if not cleaned:
        raise ValueError(f"{field} must list at least one item")
    return cleaned


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- seeds ------------------------------------------------------------------------------------


class Seed(_Strict):
    """One seed task spec (``seed_dp``): the starting point of a brainstorm."""

    id: str = Field(description="Unique id; the `seeds` partition key (letters, digits, `_ . -`).")
    task_name: str = Field(description="Short snake_case identifier, e.g. n_plus_one_query_optimization.")
    description: str = Field(min_length=10, description="What the seed task is about.")
    language: Language = Field(description="Target language; every idea and draft keeps it.")
    category: Category = Field(description="Problem category; ideas use it or a closely related one.")
    complexity: Complexity = Field(description="Difficulty of the seed itself (easy/medium/hard).")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError("must start with a letter or digit and contain only letters, digits, '_', '.', '-' (max 100)")
        return v

    @field_validator("task_name")
    @classmethod
    def _task_name(cls, v: str) -> str:
        if not SNAKE_RE.match(v):
            raise ValueError("must be snake_case (lowercase letters, digits, '_')")
        return v

    def content_key(self) -> str:
        """The spec without its id: two seeds with the same spec brainstorm the same ideas."""
        return "\n".join([self.task_name, self.description, self.language, self.category, self.complexity])


# --- ideas ------------------------------------------------------------------------------------


class IdeaParams(_Strict):
    """Task parameters (the reference's ``get_task_parameters.py``)."""

    n: int = Field(default=5, ge=1, le=50, description="Final draft specifications per seed.")
    multiplier: int = Field(default=3, ge=1, le=10, description="Brainstorm n × multiplier ideas.")

    @property
    def brainstorm_count(self) -> int:
        return self.n * self.multiplier


class Idea(_Strict):
    """One brainstormed idea in the reference's brainstorming format, plus what a draft needs."""

    title: str = Field(min_length=8, max_length=160, description="Brief, descriptive name for the task.")
    language: Language = Field(description="Must match the seed's language.")
    category: Category = Field(description="The seed's category or a closely related one.")
    scenario_type: str = Field(description="snake_case sub-category, e.g. n_plus_one_queries; at most one per selection.")
    difficulty: Difficulty
    description: str = Field(description="2-3 sentences describing a realistic scenario.")
    why_valuable: str = Field(min_length=20, description="Skills tested and why it is realistic developer work.")
    tech_stack: list[str] = Field(description="Frameworks, databases, tools (no commas inside an item).")
    domain: str = Field(min_length=2, max_length=40, description="Industry domain: e-commerce, fintech, SaaS, ...")
    task_type: TaskType
    instructions: str = Field(min_length=40, description="What the agent is asked to do; specific, not prescriptive.")
    testing: str = Field(min_length=40, description="How Python tests verify the outcome, concretely.")
    core_skills: list[str] = Field(description="Technical and cognitive skills tested.")

    @field_validator("scenario_type")
    @classmethod
    def _scenario(cls, v: str) -> str:
        if not SNAKE_RE.match(v):
            raise ValueError("must be snake_case (lowercase letters, digits, '_')")
        return v

    @field_validator("description")
    @classmethod
    def _description(cls, v: str) -> str:
        v = " ".join(v.split())
        n = count_sentences(v)
        if not 2 <= n <= 3:
            raise ValueError(f"must be 2-3 sentences, got {n}")
        return v

    @field_validator("title", "why_valuable", "instructions", "testing", "domain")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return " ".join(v.split())

    @field_validator("tech_stack")
    @classmethod
    def _stack(cls, v: list[str]) -> list[str]:
        return _no_commas(v, "tech_stack")

    @field_validator("core_skills")
    @classmethod
    def _skills(cls, v: list[str]) -> list[str]:
        return _no_commas(v, "core_skills")

    def text(self) -> str:
        """The text similarity is measured on (same fields a draft's Task + Instructions carry)."""
        return f"{self.title}. {self.description} {self.instructions}"


class IdeaBatch(_Strict):
    """What a generator returns (and what the LLM is asked to emit as JSON)."""

    ideas: list[Idea]


class BrainstormResult(_Strict):
    """Output of ``brainstormed_ideas``: ``<workspace>/ideas/<seed>/brainstormed_ideas.json``."""

    seed: Seed
    params: IdeaParams
    generator: str = Field(description="offline | openai:<model>")
    ideas: list[Idea]


class IdeaDecision(_Strict):
    """Why one brainstormed idea was selected or rejected."""

    index: int = Field(description="1-based idea number in the brainstorm.")
    title: str
    selected: bool
    kind: DecisionKind = Field(description="Which rule decided: selected or the rejection rule.")
    reason: str
    max_similarity: float = Field(description="Highest TF-IDF cosine to an existing draft or a kept idea.")
    similar_to: str | None = Field(default=None, description="The draft id or idea number that score was against.")


class RefinementResult(_Strict):
    """Output of ``refined_ideas``: ``<workspace>/ideas/<seed>/refined_ideas.json``."""

    seed: Seed
    n: int
    similarity_threshold: float
    guidelines_sha256: str
    selected: list[Idea]
    decisions: list[IdeaDecision]


# --- drafts and registry ----------------------------------------------------------------------


class DraftSpec(_Strict):
    """``draft_spec.md``: exactly the reference's draft format, one ``Field: value`` line each."""

    task: str = Field(min_length=1)
    language: Language
    category: Category
    instructions: str = Field(min_length=1)
    environment_setup: str = Field(min_length=1)
    testing: str = Field(min_length=1)
    difficulty: Difficulty
    core_skills_tested: list[str]
    key_technologies: list[str]

    @field_validator("task", "instructions", "environment_setup", "testing")
    @classmethod
    def _one_line(cls, v: str) -> str:
        v = " ".join(v.split())
        if not v:
            raise ValueError("must not be empty")
        return v

    @field_validator("core_skills_tested", "key_technologies")
    @classmethod
    def _lists(cls, v: list[str], info) -> list[str]:  # noqa: ANN001 - pydantic ValidationInfo
        return _no_commas(v, info.field_name)


class RegistryRecord(_Strict):
    """One row of ``<workspace>/registry.jsonl`` (the reference's task registry)."""

    id: str
    type: RegistryType
    parent: str | None = Field(default=None, description="Parent seed id for a draft_dp.")
    task_name: str
    language: Language
    category: Category
    status: RegistryStatus = "pending"
    idea_summary: str = Field(default="", description="One line: title and domain of the idea.")
    scenario_type: str | None = None
    difficulty: Difficulty | None = None
    draft_path: str | None = Field(default=None, description="draft_spec.md relative to the workspace.")

    @model_validator(mode="after")
    def _parent(self) -> "RegistryRecord":
        if self.type == "draft_dp" and not self.parent:
            raise ValueError("a draft_dp record needs its parent seed id")
        return self
