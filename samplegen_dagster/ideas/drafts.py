"""``draft_spec.md``: deterministic task ids, building a draft from an idea, render and parse.

The file format is exactly the reference's draft format: nine ``Field: value`` lines in this
order -- Task, Language, Category, Instructions, Environment Setup, Testing, Difficulty, Core
Skills Tested, Key Technologies. Values are single lines; the two list fields are
comma-separated (which is why list items may not contain commas). ``parse_draft`` also accepts
values wrapped onto continuation lines, since people edit these files by hand.

Task ids are ``draft_dp_<10 hex>`` from a hash of the seed id and the idea's canonical JSON: the
same idea for the same seed always gets the same id, which is what makes reruns idempotent.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import ValidationError

from samplegen_dagster.ideas.errors import IdeasError, invalid
from samplegen_dagster.ideas.models import DraftSpec, Idea

# (label in the file, model field)
DRAFT_FIELDS: tuple[tuple[str, str], ...] = (
    ("Task", "task"),
    ("Language", "language"),
    ("Category", "category"),
    ("Instructions", "instructions"),
    ("Environment Setup", "environment_setup"),
    ("Testing", "testing"),
    ("Difficulty", "difficulty"),
    ("Core Skills Tested", "core_skills_tested"),
    ("Key Technologies", "key_technologies"),
)
_LIST_FIELDS = {"core_skills_tested", "key_technologies"}
_LABELS = {label.lower(): attr for label, attr in DRAFT_FIELDS}
_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]*?):\s*(?P<value>.*)$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def draft_task_id(seed_id: str, idea: Idea) -> str:
    digest = hashlib.sha256(f"{seed_id}\n{idea.model_dump_json()}".encode("utf-8")).hexdigest()
    return f"draft_dp_{digest[:10]}"


def _merge_sentences(*texts: str) -> str:
    """Join texts, dropping sentences already said (a twist appears in both inputs)."""
    seen: list[str] = []
    for text in texts:
        for sentence in _SENTENCE_SPLIT.split(" ".join(text.split())):
            if sentence and sentence not in seen:
                seen.append(sentence)
    return " ".join(seen)


def build_draft(idea: Idea, runtime: str) -> DraftSpec:
    """Everything the builder needs, since it sees only this file (not the seed or the idea)."""
    framework, *services = idea.tech_stack
    service_text = f"the rest of the stack ({', '.join(services)}) runs" if services else "its dependencies run"
    environment = (
        f"Linux Docker image based on {runtime} containing a realistic multi-file {framework} backend "
        f"(more than 1,000 lines across more than 5 files) for a {idea.domain} product with seeded fixture data; "
        f"{service_text} inside the container, started by the entrypoint; Python 3 with pytest and "
        f"requests is installed for the tests; the image must build in under 5 minutes."
    )
    testing = idea.testing
    if "python" not in testing.lower():
        testing = f"Python tests (pytest) run in the container after the agent finishes. {testing}"
    technologies = list(dict.fromkeys([*idea.tech_stack, "Docker", "pytest"]))
    return DraftSpec(
        task=idea.title,
        language=idea.language,
        category=idea.category,
        instructions=_merge_sentences(idea.description, idea.instructions),
        environment_setup=environment,
        testing=testing,
        difficulty=idea.difficulty,
        core_skills_tested=idea.core_skills,
        key_technologies=technologies,
    )


def render_draft(spec: DraftSpec) -> str:
    lines = []
    for label, attr in DRAFT_FIELDS:
        value = getattr(spec, attr)
        lines.append(f"{label}: {', '.join(value) if attr in _LIST_FIELDS else value}")
    return "\n".join(lines) + "\n"


def parse_draft(text: str, source: Path | str = "draft_spec.md") -> DraftSpec:
    """Parse a draft back into its model; errors name the file and the field."""
    values: dict[str, str] = {}
    current: str | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("```"):
            continue
        m = _LINE.match(line)
        attr = _LABELS.get(m["label"].strip().lower()) if m else None
        if m and attr:
            if attr in values:
                raise IdeasError(f"{source}: field '{m['label']}' appears twice (line {lineno})")
            values[attr] = m["value"].strip()
            current = attr
        elif current is not None:
            values[current] = f"{values[current]} {line}".strip()  # continuation line
        else:
            raise IdeasError(f"{source}: line {lineno} is not a 'Field: value' line of the draft format")
    missing = [label for label, attr in DRAFT_FIELDS if attr not in values]
    if missing:
        raise IdeasError(f"{source}: missing field(s) {', '.join(repr(m) for m in missing)}")
    data: dict[str, object] = dict(values)
    for attr in _LIST_FIELDS:
        data[attr] = [item.strip() for item in values[attr].split(",") if item.strip()]
    try:
        return DraftSpec.model_validate(data)
    except ValidationError as exc:
        labels = {attr: label for label, attr in DRAFT_FIELDS}
        for err in exc.errors():  # report the file's labels, not the model's attribute names
            loc = err["loc"][0] if err.get("loc") else None
            if loc in labels:
                raise IdeasError(f"{source}: field '{labels[loc]}': {err['msg']}") from None
        raise invalid(source, "draft", exc) from None


def load_draft(path: Path) -> DraftSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IdeasError(f"{path}: cannot read: {exc}") from None
    return parse_draft(text, path)


def draft_similarity_text(spec: DraftSpec) -> str:
    """The part of a draft compared with ideas (mirrors ``Idea.text``)."""
    return f"{spec.task}. {spec.instructions}"
