"""``samplegen``: the command line.

    samplegen demo                    build the demo repository, discover its PRs, write samples
    samplegen discover [--repos-file F]   register merged PRs as partitions, print their keys
    samplegen run KEY... | --all      materialize the sample chain for partitions in-process
    samplegen schema [--out DIR]      export the JSON schemas of the boundary models
    samplegen seeds add FILE | list   idea-pipeline seeds

Errors are one line on stderr and exit code 2; a run where some PRs are rejected exits 0
(rejections are results), one where a PR failed for another reason exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_HOME = Path(".samplegen/dagster_home")
DEMO_REPO = Path(".samplegen/demo/textkit.git")


def _settings(args):
    from samplegen_dagster.settings import Settings

    return Settings.from_env(repos_file=getattr(args, "repos_file", None))


def _discover_and_register(settings, instance) -> list[str]:
    from samplegen_dagster.runner import register
    from samplegen_dagster.sources.discovery import discover

    found = discover(settings)
    for repo, line in found.funnels.items():
        print(f"funnel: {line}", file=sys.stderr)
    for repo, err in found.errors.items():
        print(f"warning: {repo}: {err}", file=sys.stderr)
    register(instance, found.keys)
    return found.keys


def cmd_discover(args) -> int:
    from samplegen_dagster.runner import instance_for_cli

    settings = _settings(args)
    instance = instance_for_cli(DEFAULT_HOME)
    for key in _discover_and_register(settings, instance):
        print(key)
    return 0


def _run_keys(settings, instance, keys: list[str]) -> int:
    from samplegen_dagster.runner import run_partition

    failed = False
    width = max((len(k) for k in keys), default=10)
    for key in keys:
        out = run_partition(instance, key, settings)
        if out.success:
            print(f"{key:<{width}}  sample    {out.sample_dir}")
        elif out.rejection:
            print(f"{key:<{width}}  rejected  {out.rejection['code']}: {out.rejection['message']}")
        else:
            failed = True
            print(f"{key:<{width}}  failed    {out.error}")
    return 1 if failed else 0


def cmd_run(args) -> int:
    from samplegen_dagster.runner import instance_for_cli, register

    settings = _settings(args)
    instance = instance_for_cli(DEFAULT_HOME)
    keys = list(args.keys)
    if args.all:
        keys = _discover_and_register(settings, instance)
    else:
        from samplegen_dagster.ids import parse_instance_id

        for key in keys:  # a malformed key is refused before anything is registered or written
            parse_instance_id(key)
        register(instance, keys)
    if not keys:
        print("error: no partitions given (pass keys or --all)", file=sys.stderr)
        return 2
    return _run_keys(settings, instance, keys)


def cmd_demo(args) -> int:
    from samplegen_dagster.demo.textkit import build, repos_yaml
    from samplegen_dagster.runner import instance_for_cli
    from samplegen_dagster.settings import Settings
    from samplegen_dagster.sources.repos_file import load_repos_file

    settings = Settings.from_env(repos_file=args.repos_file)
    if not settings.repos_file.exists():
        settings.repos_file.write_text(repos_yaml("./" + str(DEMO_REPO)), encoding="utf-8")
    entry = load_repos_file(settings.repos_file).find("acme/textkit")
    if entry is None:
        print(f"error: {settings.repos_file} does not list acme/textkit (the demo repository)", file=sys.stderr)
        return 2
    if not Path(entry.url).exists():
        print(f"building the demo repository acme/textkit at {entry.url}")
        build(Path(entry.url), bare=True)
    instance = instance_for_cli(DEFAULT_HOME)
    keys = _discover_and_register(settings, instance)
    print(f"{len(keys)} PR(s) found; samples go to {settings.samples_dir}")
    code = _run_keys(settings, instance, keys)
    print(f"\nDagster instance: DAGSTER_HOME={instance.root_directory}  (run `dagster dev` with it to browse the runs)")
    return code


def cmd_schema(args) -> int:
    from samplegen_dagster.models.schemas import export_schemas

    for path in export_schemas(Path(args.out)):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="samplegen", description="Samples from merged PRs, task ideas from seeds (Dagster).")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("discover", help="register merged PRs of the repos file as partitions and print their keys")
    d.add_argument("--repos-file", help="repository list (default: $SAMPLEGEN_REPOS_FILE or repos.yaml)")
    d.set_defaults(func=cmd_discover)

    r = sub.add_parser("run", help="materialize the sample chain for partitions in-process")
    r.add_argument("keys", nargs="*", help="partition keys (owner__name-N)")
    r.add_argument("--all", action="store_true", help="discover every PR of the repos file and run them all")
    r.add_argument("--repos-file")
    r.set_defaults(func=cmd_run)

    m = sub.add_parser("demo", help="build the demo repository and write its samples")
    m.add_argument("--repos-file")
    m.set_defaults(func=cmd_demo)

    s = sub.add_parser("schema", help="export JSON schemas of the boundary models")
    s.add_argument("--out", default="schemas")
    s.set_defaults(func=cmd_schema)

    try:
        from samplegen_dagster.ideas.cli import add_parser as add_seeds_parser
    except ImportError:
        add_seeds_parser = None
    if add_seeds_parser is not None:
        add_seeds_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from samplegen_dagster.ids import InvalidIdentifier
    from samplegen_dagster.sources.repos_file import ReposFileError

    try:
        return args.func(args)
    except (ReposFileError, InvalidIdentifier, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
