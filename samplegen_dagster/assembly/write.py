"""Writing samples and rejection records atomically.

A sample directory is built in a hidden sibling (``samples/.tmp-<id>-*``), then renamed
into place; an existing directory is first renamed aside and deleted only after the new
one is in place, so a reader sees the old sample or the new one, never a half-written
one. A rejection removes any stale sample of the same id, and an accepted sample removes
any stale rejection, so ``samples/`` always reflects the latest run of each PR.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from samplegen_dagster.assembly.metadata import RejectionRecord, SampleMetadata

REJECTED_DIR = "_rejected"


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _swap_in(tmp: Path, final: Path) -> None:
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_sample(samples_dir: Path, metadata: SampleMetadata, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` plus ``metadata.json`` as ``samples_dir/<instance_id>/``; return the directory."""
    samples_dir.mkdir(parents=True, exist_ok=True)
    final = samples_dir / metadata.instance_id
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{metadata.instance_id}-", dir=samples_dir))
    try:
        for name, content in files.items():
            target = tmp / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                # latin-1 for patches keeps their bytes exact; everything else is UTF-8 text.
                target.write_bytes(content.encode("latin-1" if name.endswith(".patch") else "utf-8"))
            if name.endswith(".sh"):
                target.chmod(0o755)
        (tmp / "metadata.json").write_text(metadata.model_dump_json(indent=2) + "\n", encoding="utf-8")
        tmp.chmod(0o755)
        _swap_in(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    (samples_dir / REJECTED_DIR / f"{metadata.instance_id}.json").unlink(missing_ok=True)
    return final


def write_rejection(samples_dir: Path, record: RejectionRecord) -> Path:
    path = samples_dir / REJECTED_DIR / f"{record.instance_id}.json"
    atomic_write_text(path, record.model_dump_json(indent=2) + "\n")
    stale = samples_dir / record.instance_id
    if stale.exists():
        aside = stale.with_name(f".rejected-{stale.name}-{os.getpid()}")
        os.replace(stale, aside)
        shutil.rmtree(aside, ignore_errors=True)
    return path


def read_rejection(samples_dir: Path, instance_id: str) -> dict | None:
    path = samples_dir / REJECTED_DIR / f"{instance_id}.json"
    return json.loads(path.read_text()) if path.is_file() else None
