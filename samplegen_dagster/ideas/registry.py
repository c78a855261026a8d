"""The task registry: ``<workspace>/registry.jsonl``, one ``RegistryRecord`` per line.

It plays the reference's ``data_pipeline.py`` role: seeds (``seed_dp``) and drafts
(``draft_dp``) with their parent links and statuses (pending, in_progress, completed, failed,
superseded). Writers hold an ``flock`` for the whole read-modify-write and replace the file
atomically; records are sorted by id so an unchanged registry is byte-identical after a
rerun. Upserts never move a record's status backwards: a draft the builder marked
``completed`` stays completed when the idea pipeline reruns.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from samplegen_dagster.ideas.errors import IdeasError, invalid
from samplegen_dagster.ideas.fsutil import atomic_write_text, locked
from samplegen_dagster.ideas.models import RegistryRecord

REGISTRY_FILE = "registry.jsonl"


class Registry:
    def __init__(self, workspace_dir: Path) -> None:
        self.path = Path(workspace_dir) / REGISTRY_FILE
        self._lock = Path(workspace_dir) / ".registry.lock"

    def load(self) -> dict[str, RegistryRecord]:
        records: dict[str, RegistryRecord] = {}
        if not self.path.is_file():
            return records
        for lineno, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{self.path}:{lineno}"
            try:
                rec = RegistryRecord.model_validate(json.loads(line))
            except json.JSONDecodeError as exc:
                raise IdeasError(f"{where}: not valid JSON: {exc.msg}") from None
            except ValidationError as exc:
                raise invalid(where, "registry record", exc) from None
            records[rec.id] = rec
        return records

    def _write(self, records: dict[str, RegistryRecord]) -> None:
        text = "".join(records[k].model_dump_json(exclude_none=True) + "\n" for k in sorted(records))
        atomic_write_text(self.path, text)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[dict[str, RegistryRecord]]:
        """Load under the lock, let the caller edit the dict, write it back."""
        with locked(self._lock):
            records = self.load()
            yield records
            self._write(records)

    def upsert(self, new: Iterable[RegistryRecord]) -> tuple[int, int]:
        """Insert or update by id, keeping existing statuses; returns (added, updated)."""
        added = updated = 0
        with self.transaction() as records:
            for rec in new:
                old = records.get(rec.id)
                if old is None:
                    records[rec.id] = rec
                    added += 1
                    continue
                merged = rec.model_copy(update={"status": old.status})
                if merged != old:
                    records[rec.id] = merged
                    updated += 1
        return added, updated

    def set_status(self, record_id: str, status: str) -> RegistryRecord:
        with self.transaction() as records:
            if record_id not in records:
                raise IdeasError(f"{self.path}: no record with id {record_id!r}")
            rec = RegistryRecord.model_validate({**records[record_id].model_dump(), "status": status})
            records[record_id] = rec
        return rec

    def list(self, type: str | None = None, status: str | None = None, parent: str | None = None) -> list[RegistryRecord]:
        return [
            r
            for _, r in sorted(self.load().items())
            if (type is None or r.type == type) and (status is None or r.status == status) and (parent is None or r.parent == parent)
        ]

    def next_pending(self, type: str = "draft_dp") -> RegistryRecord | None:
        """The reference's ``next``: the first pending record of a type."""
        pending = self.list(type=type, status="pending")
        return pending[0] if pending else None
