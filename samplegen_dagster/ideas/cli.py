"""``samplegen seeds``: add and list idea-pipeline seeds (wired into ``samplegen`` by
``samplegen_dagster.cli`` through ``add_parser``).

    samplegen seeds add FILE [--seeds-dir DIR]   validate, copy into the seeds dir, register the partition
    samplegen seeds list [--seeds-dir DIR] [--workspace-dir DIR]

Partitions live in the Dagster instance at ``DAGSTER_HOME`` (when unset, the CLI's default
``.samplegen/dagster_home``, the same one ``samplegen run`` uses). After ``add``, run the chain
with ``dagster asset materialize -m samplegen_dagster --select 'group:ideas' --partition <id>``
using the same ``DAGSTER_HOME``.

Errors print one line on stderr and return exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_HOME = Path(".samplegen/dagster_home")
SEEDS_PARTITIONS = "seeds"


def _instance():
    from dagster import DagsterInstance

    if not os.environ.get("DAGSTER_HOME"):
        DEFAULT_HOME.mkdir(parents=True, exist_ok=True)
        (DEFAULT_HOME / "dagster.yaml").touch()
        os.environ["DAGSTER_HOME"] = str(DEFAULT_HOME.resolve())
    return DagsterInstance.get()


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_seeds_add(args: argparse.Namespace) -> int:
    from samplegen_dagster.ideas.config import IdeasSettings
    from samplegen_dagster.ideas.errors import IdeasError
    from samplegen_dagster.ideas.seeds import add_seed_file, load_seed

    settings = IdeasSettings.from_env(seeds_dir=args.seeds_dir)
    try:
        load_seed(Path(args.file))  # validate before touching the instance or the seeds dir
        instance = _instance()
        seed, dest, changed = add_seed_file(Path(args.file), settings.seeds_dir)
    except IdeasError as exc:
        return _error(str(exc))
    except Exception as exc:  # noqa: BLE001 - instance problems (bad dagster.yaml, ...) get one line too
        return _error(f"cannot open the Dagster instance at DAGSTER_HOME={os.environ.get('DAGSTER_HOME')}: {exc}".splitlines()[0])
    registered = not instance.has_dynamic_partition(SEEDS_PARTITIONS, seed.id)
    if registered:
        instance.add_dynamic_partitions(SEEDS_PARTITIONS, [seed.id])
    print(seed.id)
    print(
        f"# {'copied to' if changed else 'already in'} {dest}; partition {'registered' if registered else 'already registered'} "
        f"in DAGSTER_HOME={instance.root_directory}",
        file=sys.stderr,
    )
    print(f"# next: dagster asset materialize -m samplegen_dagster --select 'group:ideas' --partition {seed.id}", file=sys.stderr)
    return 0


def cmd_seeds_list(args: argparse.Namespace) -> int:
    from dagster import AssetKey

    from samplegen_dagster.ideas.config import IdeasSettings
    from samplegen_dagster.ideas.errors import IdeasError
    from samplegen_dagster.ideas.registry import Registry
    from samplegen_dagster.ideas.seeds import scan_seeds

    settings = IdeasSettings.from_env(seeds_dir=args.seeds_dir, workspace_dir=args.workspace_dir)
    if not settings.seeds_dir.is_dir():
        return _error(f"{settings.seeds_dir}: seeds directory does not exist (set SAMPLEGEN_SEEDS_DIR or pass --seeds-dir)")
    scan = scan_seeds(settings.seeds_dir)
    try:
        instance = _instance()
        partitions = set(instance.get_dynamic_partitions(SEEDS_PARTITIONS))
        drafted = instance.get_materialized_partitions(AssetKey("draft_specs"))
        registry = Registry(settings.workspace_dir).load()
    except IdeasError as exc:
        return _error(str(exc))
    rows = [("ID", "LANGUAGE", "CATEGORY", "COMPLEXITY", "PARTITION", "DRAFTS", "REGISTRY", "FILE")]
    for sid, (seed, path) in sorted(scan.seeds.items()):
        rec = registry.get(sid)
        n_drafts = sum(1 for r in registry.values() if r.parent == sid and r.status != "superseded")
        rows.append(
            (
                sid,
                seed.language,
                seed.category,
                seed.complexity,
                "registered" if sid in partitions else "not registered",
                f"{n_drafts} (materialized)" if sid in drafted else str(n_drafts),
                rec.status if rec else "-",
                str(path),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    for error in scan.errors:
        print(f"error: {error}", file=sys.stderr)
    return 2 if scan.errors else 0


def add_parser(subparsers) -> None:  # noqa: ANN001 - argparse's private _SubParsersAction
    seeds = subparsers.add_parser("seeds", help="idea-pipeline seeds: add a seed file, list seeds and their partitions")
    sub = seeds.add_subparsers(dest="seeds_command", required=True)
    add = sub.add_parser("add", help="validate FILE, copy it into the seeds dir and register its partition; prints the key")
    add.add_argument("file", help="seed file (.json, .yaml or .yml)")
    add.add_argument("--seeds-dir", help="default: $SAMPLEGEN_SEEDS_DIR or seeds/")
    add.set_defaults(func=cmd_seeds_add)
    ls = sub.add_parser("list", help="list seeds with their partition and draft status")
    ls.add_argument("--seeds-dir", help="default: $SAMPLEGEN_SEEDS_DIR or seeds/")
    ls.add_argument("--workspace-dir", help="default: $SAMPLEGEN_WORKSPACE_DIR or workspace/")
    ls.set_defaults(func=cmd_seeds_list)
