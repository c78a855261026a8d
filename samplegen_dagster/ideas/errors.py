"""One exception type for bad input, and one-line rendering of pydantic errors.

Operators see these messages in the CLI, in the Dagster UI and in sensor logs, so each one
names the file and the field and fits on a line; nobody should have to read a traceback to
learn that ``langauge`` is misspelt.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError


class IdeasError(Exception):
    """Bad input or state the operator must fix; the message is the whole story."""


def describe_validation_error(exc: ValidationError) -> str:
    """``field 'language': Input should be 'python', ... ; field 'id': ...`` on one line."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())) or "(record)"
        msg = err.get("msg", "invalid")
        if err.get("type") == "missing":
            msg = "required field is missing"
        elif err.get("type") == "extra_forbidden":
            msg = "unknown field (check the spelling)"
        parts.append(f"field '{loc}': {msg}")
    return "; ".join(parts)


def invalid(path: Path | str, what: str, exc: ValidationError) -> IdeasError:
    return IdeasError(f"{path}: invalid {what}: {describe_validation_error(exc)}")
