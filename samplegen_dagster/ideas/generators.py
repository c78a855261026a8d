"""Idea generators: one interface, an offline default and an OpenAI-compatible LLM client.

``IdeaGenerator.generate(seed, count)`` returns ``count`` validated ``Idea`` objects whose
language is the seed's and whose category is the seed's or a closely related one.

* ``OfflineIdeaGenerator`` draws scenarios from the curated catalog (``catalog.py``) and
  renders each with a technology stack of the seed's language and an industry domain. It is
  deterministic: the random choices are seeded by a hash of the seed's spec (everything but
  its id), so a rerun brainstorms the same ideas and two seeds with the same spec brainstorm
  the same ideas (which the refinement step then rejects as near-duplicates of the first).
* ``OpenAIIdeaGenerator`` asks any chat-completions endpoint (``base_url``, ``model``, API
  key) for a JSON object ``{"ideas": [...]}``, validates it with the pydantic models and
  retries: invalid output is sent back with the validation error, 429 and 5xx responses and
  connection errors are retried with backoff (honouring ``Retry-After``). The client's own
  retries are switched off so every attempt is visible in the log.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections.abc import Callable
from typing import Protocol

from pydantic import ValidationError

from samplegen_dagster.ideas.catalog import Catalog, load_catalog, render
from samplegen_dagster.ideas.errors import IdeasError, describe_validation_error
from samplegen_dagster.ideas.models import DIFFICULTIES, Idea, IdeaBatch, Seed, related_categories

# Probability that an idea gets a "twist" (one harder constraint), by seed complexity.
TWIST_PROBABILITY = {"easy": 0.2, "medium": 0.35, "hard": 0.5}


class IdeaGenerator(Protocol):
    @property
    def name(self) -> str: ...

    def generate(self, seed: Seed, count: int) -> list[Idea]: ...


def _rng_for(seed: Seed) -> random.Random:
    digest = hashlib.sha256(seed.content_key().encode("utf-8")).hexdigest()
    return random.Random(int(digest[:16], 16))


def _bump(difficulty: str) -> str:
    i = DIFFICULTIES.index(difficulty)
    return DIFFICULTIES[min(i + 1, len(DIFFICULTIES) - 1)]


class OfflineIdeaGenerator:
    """Deterministic ideas from the curated catalog; needs no network."""

    name = "offline"

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or load_catalog()

    def generate(self, seed: Seed, count: int) -> list[Idea]:
        cat = self.catalog
        rng = _rng_for(seed)
        pool = cat.pool(seed.language, related_categories(seed.category))
        if not pool:
            raise IdeasError(f"seed {seed.id}: the catalog has no scenarios for language {seed.language!r} and category {seed.category!r}")
        # The seed's own category first (it is the core skill), then its relatives; each shuffled.
        own = [s for s in pool if s.category == seed.category]
        others = [s for s in pool if s.category != seed.category]
        rng.shuffle(own)
        rng.shuffle(others)
        ordered = own + others
        domains = list(cat.domains)
        rng.shuffle(domains)
        stack_offset = rng.randrange(100)
        runtime = cat.runtimes[seed.language]  # type: ignore[index]
        stacks = cat.stacks[seed.language]  # type: ignore[index]

        ideas: list[Idea] = []
        for i in range(count):
            # If the pool is smaller than count, scenarios repeat with another stack and domain;
            # refinement will keep at most one idea per scenario type.
            scenario = ordered[i % len(ordered)]
            fitting = [st for st in stacks if scenario.fits(seed.language, st)]
            stack = fitting[(stack_offset + i) % len(fitting)]
            domain = domains[i % len(domains)]

            def r(template: str) -> str:
                return render(template, runtime=runtime, stack=stack, domain=domain)

            description, instructions, difficulty = r(scenario.description), r(scenario.instructions), scenario.difficulty
            if rng.random() < TWIST_PROBABILITY[seed.complexity]:
                twist = r(rng.choice(cat.twists))
                description = f"{description} {twist}"
                instructions = f"{instructions} {twist}"
                difficulty = _bump(difficulty)
            tech = [stack.framework, stack.orm, stack.db]
            tech += [getattr(stack, part) for part in scenario.uses]
            ideas.append(
                Idea(
                    title=r(scenario.title),
                    language=seed.language,
                    category=scenario.category,
                    scenario_type=scenario.key,
                    difficulty=difficulty,  # type: ignore[arg-type]
                    description=description,
                    why_valuable=r(scenario.why),
                    tech_stack=list(dict.fromkeys(tech)),
                    domain=domain.name,
                    task_type=scenario.task_type,
                    instructions=instructions,
                    testing=r(scenario.testing),
                    core_skills=list(scenario.skills),
                )
            )
        return ideas


# --- LLM ------------------------------------------------------------------------------------

SYSTEM_PROMPT = """You are the idea-generation stage of a data pipeline that creates evaluation tasks for an \
autonomous coding agent working in Linux Docker containers (terminal only, up to 50 turns, tests run in the \
same container afterwards).
Focus on BACKEND software engineering that mid-senior engineers meet in real work: repository-level problems \
in multi-file codebases (>1,000 LOC, >5 files), not toy or single-function puzzles.
Rules:
- Every idea keeps the seed's language and uses the seed's category or a closely related one from the allowed list.
- Vary difficulty (medium / hard / extremely hard; aim for tasks a state-of-the-art agent solves ~20% of the time, \
so mostly hard), industry domain (e-commerce, fintech, SaaS, healthcare, logistics, ...), task type (debugging, \
building, refactoring, configuring, migrating) and tech stack (frameworks, databases such as PostgreSQL, MySQL, \
MongoDB, Redis).
- Every idea has its own scenario_type (a snake_case sub-category such as n_plus_one_queries); never repeat one.
- description is exactly 2-3 sentences of a realistic scenario. instructions say what the agent is asked to do, \
specific but not prescriptive about implementation. testing says concretely how Python tests will verify the \
outcome (HTTP responses, files, exit codes, query counts, timings), never "code is clean".
- tech_stack and core_skills are lists of short items without commas.
Reply with one JSON object and nothing else."""

_EXAMPLE = {
    "title": "Eliminate N+1 queries in the Express orders listing endpoint",
    "language": "javascript",
    "category": "query_optimization",
    "scenario_type": "n_plus_one_queries",
    "difficulty": "hard",
    "description": "The orders listing of a marketplace issues one query per row to load the merchant. Latency grew tenfold as customers added data.",
    "why_valuable": "Tests recognising lazy-loading patterns across several files and fixing them without changing responses.",
    "tech_stack": ["Express", "Sequelize", "PostgreSQL"],
    "domain": "e-commerce",
    "task_type": "debugging",
    "instructions": "Make the orders listing run a small constant number of queries regardless of page size while returning exactly the same JSON.",
    "testing": "Tests will seed orders, call the endpoint with query logging and assert at most five queries for page sizes 10 and 100 and responses equal to fixtures.",
    "core_skills": ["ORM loading strategies", "Query counting"],
}


def build_user_prompt(seed: Seed, count: int) -> str:
    allowed = ", ".join(related_categories(seed.category))
    return (
        f"Seed task:\n{json.dumps(seed.model_dump(), indent=2)}\n\n"
        f"Brainstorm exactly {count} diverse task ideas derived from this seed.\n"
        f"language must be {seed.language!r}. category must be one of: {allowed}.\n"
        'Answer with {"ideas": [ ... ]} where each item has exactly these fields, as in this example:\n'
        f"{json.dumps(_EXAMPLE, indent=2)}"
    )


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


def parse_idea_batch(content: str | None, seed: Seed, count: int) -> list[Idea]:
    """Validate an LLM answer; raise ValueError with a one-line reason the model can act on."""
    if not content or not content.strip():
        raise ValueError("the answer was empty")
    m = _FENCE.match(content)
    text = m.group(1) if m else content
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the answer is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if isinstance(data, list):
        data = {"ideas": data}
    try:
        batch = IdeaBatch.model_validate(data)
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc)) from None
    problems = []
    allowed = related_categories(seed.category)
    for i, idea in enumerate(batch.ideas):
        if idea.language != seed.language:
            problems.append(f"ideas.{i}.language is {idea.language!r}, must be {seed.language!r}")
        if idea.category not in allowed:
            problems.append(f"ideas.{i}.category {idea.category!r} is not one of {', '.join(allowed)}")
    if len(batch.ideas) < count:
        problems.append(f"expected {count} ideas, got {len(batch.ideas)}")
    if problems:
        raise ValueError("; ".join(problems))
    return batch.ideas[:count]


class OpenAIIdeaGenerator:
    """Ideas from an OpenAI-compatible chat-completions endpoint, validated and retried."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None,
        max_attempts: int = 4,
        backoff_s: float = 2.0,
        timeout_s: float = 120.0,
        temperature: float = 0.8,
        json_mode: bool = True,
        log: Callable[[str], None] | None = None,
    ) -> None:
        if not base_url:
            raise IdeasError("openai generator: base_url is empty (set SAMPLEGEN_LLM_BASE_URL or the ideas_generator resource's base_url)")
        if not model:
            raise IdeasError("openai generator: model is empty (set SAMPLEGEN_LLM_MODEL or the ideas_generator resource's model)")
        self.base_url, self.model, self.api_key = base_url, model, api_key
        self.max_attempts, self.backoff_s, self.timeout_s = max(1, max_attempts), backoff_s, timeout_s
        self.temperature, self.json_mode = temperature, json_mode
        self.log = log or (lambda _msg: None)
        self.attempts: list[str] = []  # one line per attempt, for the asset's metadata

    @property
    def name(self) -> str:
        return f"openai:{self.model}"

    def _delay(self, attempt: int, exc: Exception | None) -> float:
        response = getattr(exc, "response", None)
        header = response.headers.get("retry-after") if response is not None else None
        try:
            if header is not None:
                return min(max(float(header), 0.0), 60.0)
        except ValueError:
            pass
        return self.backoff_s * (2 ** (attempt - 1))

    def generate(self, seed: Seed, count: int) -> list[Idea]:
        import openai  # imported here so the offline path never needs it

        client = openai.OpenAI(base_url=self.base_url, api_key=self.api_key or "not-needed", max_retries=0, timeout=self.timeout_s)
        messages: list[dict[str, str]] = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": build_user_prompt(seed, count)},
        ]
        last_error = "no attempt made"
        for attempt in range(1, self.max_attempts + 1):
            kwargs: dict[str, object] = {"model": self.model, "messages": messages, "temperature": self.temperature}
            if self.json_mode:
                kwargs["response_format"] = {"type": "json_object"}
            try:
                response = client.chat.completions.create(**kwargs)  # type: ignore[call-overload]
            except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as exc:
                status = getattr(exc, "status_code", None)
                last_error = f"HTTP {status}" if status else f"connection error ({type(exc).__name__})"
                delay = self._delay(attempt, exc)
                self._note(f"attempt {attempt}: {last_error}; retrying in {delay:.1f}s")
                if attempt < self.max_attempts:
                    time.sleep(delay)
                continue
            except openai.APIStatusError as exc:
                # 400/401/403/404 will not get better by retrying.
                raise IdeasError(f"LLM endpoint {self.base_url} refused the request: HTTP {exc.status_code}: {exc.message}") from None
            content = response.choices[0].message.content if response.choices else None
            try:
                ideas = parse_idea_batch(content, seed, count)
            except ValueError as exc:
                last_error = f"invalid output: {exc}"
                self._note(f"attempt {attempt}: {last_error}")
                messages = [
                    *messages,
                    {"role": "assistant", "content": content or ""},
                    {"role": "user", "content": f"That answer was invalid: {exc}. Reply again with only the JSON object, fixing these problems."},
                ]
                continue
            self._note(f"attempt {attempt}: {len(ideas)} valid ideas")
            return ideas
        raise IdeasError(f"LLM endpoint {self.base_url} (model {self.model}) gave no valid ideas after {self.max_attempts} attempts; last error: {last_error}")

    def _note(self, line: str) -> None:
        self.attempts.append(line)
        self.log(line)


def idea_to_brainstorm_text(number: int, idea: Idea) -> str:
    """The reference's brainstorming format, for humans reading the asset metadata."""
    return "\n".join(
        [
            f"Idea #{number}:",
            f"- Title: {idea.title}",
            f"- Language: {idea.language}",
            f"- Category: {idea.category} ({idea.scenario_type})",
            f"- Difficulty: {idea.difficulty}",
            f"- Description: {idea.description}",
            f"- Why Valuable: {idea.why_valuable}",
            f"- Tech Stack: {' + '.join(idea.tech_stack)}",
            f"- Domain: {idea.domain}; Task Type: {idea.task_type}",
        ]
    )


__all__ = [
    "IdeaGenerator",
    "OfflineIdeaGenerator",
    "OpenAIIdeaGenerator",
    "build_user_prompt",
    "idea_to_brainstorm_text",
    "parse_idea_batch",
]
