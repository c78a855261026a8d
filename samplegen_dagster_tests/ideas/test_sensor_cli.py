"""The seed sensor, the ``samplegen seeds`` commands, and the real ``dagster asset materialize`` CLI."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import DagsterInstance, SensorResult, SkipReason, build_sensor_context

from samplegen_dagster.defs.ideas.definitions import defs
from samplegen_dagster.defs.ideas.resources import IdeasSettingsResource
from samplegen_dagster.defs.ideas.sensors import ideas_seed_sensor
from samplegen_dagster.ideas.cli import add_parser
from samplegen_dagster.ideas.drafts import load_draft
from samplegen_dagster_tests.ideas.conftest import PY_SEED, write_seed

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def dagster_home(tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def _parse(argv):
    parser = argparse.ArgumentParser(prog="samplegen")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_sensor_registers_new_seeds_and_requests_runs(dirs):
    write_seed(dirs.seeds_dir, PY_SEED)
    write_seed(dirs.seeds_dir, {**PY_SEED, "id": "seed_two", "language": "go"})
    write_seed(dirs.seeds_dir, {**PY_SEED, "id": "broken", "category": "astrology"})
    assert ideas_seed_sensor.default_status.value == "STOPPED"
    with DagsterInstance.ephemeral() as instance:
        res = {"ideas_settings": IdeasSettingsResource(seeds_dir=str(dirs.seeds_dir), workspace_dir=str(dirs.workspace_dir))}
        ctx = build_sensor_context(instance=instance, resources=res, definitions=defs)
        result = ideas_seed_sensor(ctx)
        assert isinstance(result, SensorResult)
        assert [r.partition_key for r in result.run_requests] == ["seed_py_n_plus_one", "seed_two"]
        assert result.dynamic_partitions_requests[0].partition_keys == ["seed_py_n_plus_one", "seed_two"]
        instance.add_dynamic_partitions("seeds", ["seed_py_n_plus_one", "seed_two"])

        again = ideas_seed_sensor(build_sensor_context(instance=instance, resources=res, cursor=result.cursor, definitions=defs))
        assert isinstance(again, SkipReason)

        write_seed(dirs.seeds_dir, {**PY_SEED, "complexity": "hard"})  # spec changed -> one new run
        changed = ideas_seed_sensor(build_sensor_context(instance=instance, resources=res, cursor=result.cursor, definitions=defs))
        assert [r.partition_key for r in changed.run_requests] == ["seed_py_n_plus_one"]
        assert changed.dynamic_partitions_requests == []


def test_seeds_add_and_list(dirs, dagster_home, tmp_path, capsys):
    src = write_seed(tmp_path / "incoming", PY_SEED, "my-seed.yaml")
    args = _parse(["seeds", "add", str(src), "--seeds-dir", str(dirs.seeds_dir)])
    assert args.func(args) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["seed_py_n_plus_one"]
    assert "--partition seed_py_n_plus_one" in err
    assert (dirs.seeds_dir / "seed_py_n_plus_one.yaml").read_text() == src.read_text()
    with DagsterInstance.get() as instance:
        assert instance.get_dynamic_partitions("seeds") == ["seed_py_n_plus_one"]
    assert args.func(args) == 0  # adding again is a no-op
    capsys.readouterr()

    write_seed(dirs.seeds_dir, {**PY_SEED, "id": "unregistered", "language": "typescript"})
    args = _parse(["seeds", "list", "--seeds-dir", str(dirs.seeds_dir), "--workspace-dir", str(dirs.workspace_dir)])
    assert args.func(args) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "LANGUAGE", "CATEGORY", "COMPLEXITY", "PARTITION", "DRAFTS", "REGISTRY", "FILE"]
    assert "seed_py_n_plus_one" in lines[1] and " registered " in lines[1]
    assert "unregistered" in lines[2] and "not registered" in lines[2]
    assert err == ""


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        ("id: x\nlanguage: [python\n", "bad.yaml", "bad.yaml: not valid YAML"),
        ('{"id": "x"', "bad.json", "bad.json: not valid JSON"),
        (None, "cobol.yaml", "cobol.yaml: invalid seed: field 'language'"),
        (None, "astro.yaml", "astro.yaml: invalid seed: field 'category'"),
    ],
)
def test_seeds_add_rejects_bad_files_with_one_line(dirs, dagster_home, tmp_path, capsys, content, name, expected):
    path = tmp_path / name
    if content is None:
        field = "language" if "cobol" in name else "category"
        write_seed(tmp_path, {**PY_SEED, field: "cobol" if field == "language" else "astrology"}, name)
    else:
        path.write_text(content)
    args = _parse(["seeds", "add", str(path), "--seeds-dir", str(dirs.seeds_dir)])
    assert args.func(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and expected in err
    assert list(dirs.seeds_dir.iterdir()) == []


def test_seeds_list_reports_invalid_files(dirs, dagster_home, capsys):
    write_seed(dirs.seeds_dir, PY_SEED)
    (dirs.seeds_dir / "oops.json").write_text("[1, 2]")
    args = _parse(["seeds", "list", "--seeds-dir", str(dirs.seeds_dir), "--workspace-dir", str(dirs.workspace_dir)])
    assert args.func(args) == 2
    out, err = capsys.readouterr()
    assert "seed_py_n_plus_one" in out
    assert err.strip().splitlines() == [f"error: {dirs.seeds_dir / 'oops.json'}: a seed file must hold one mapping (id, task_name, description, language, category, complexity), got list"]


@pytest.mark.slow
def test_real_dagster_cli_materializes_the_ideas_group(dirs, dagster_home, tmp_path, capsys):
    """`samplegen seeds add` then `dagster asset materialize ... --partition <id>` as a subprocess."""
    src = write_seed(tmp_path / "incoming", PY_SEED)
    args = _parse(["seeds", "add", str(src), "--seeds-dir", str(dirs.seeds_dir)])
    assert args.func(args) == 0
    key = capsys.readouterr().out.strip()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "SAMPLEGEN_SEEDS_DIR": str(dirs.seeds_dir),
        "SAMPLEGEN_WORKSPACE_DIR": str(dirs.workspace_dir),
    }
    env.pop("SAMPLEGEN_IDEAS_GENERATOR", None)
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.run(
        [str(dagster), "asset", "materialize", "-m", "samplegen_dagster", "--select", "group:ideas", "--partition", key],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    drafts = sorted((dirs.workspace_dir / "data_points").glob("*/draft_spec.md"))
    assert len(drafts) == 5
    assert {load_draft(p).language for p in drafts} == {"python"}
    with DagsterInstance.get() as instance:
        from dagster import AssetKey

        assert instance.get_materialized_partitions(AssetKey("draft_specs")) == {key}


def test_samplegen_entry_point_wires_the_seeds_commands(dirs, dagster_home, tmp_path, capsys):
    from samplegen_dagster.cli import main

    src = write_seed(tmp_path / "incoming", PY_SEED)
    assert main(["seeds", "add", str(src), "--seeds-dir", str(dirs.seeds_dir)]) == 0
    assert capsys.readouterr().out.strip() == PY_SEED["id"]
    assert main(["seeds", "list", "--seeds-dir", str(dirs.seeds_dir), "--workspace-dir", str(dirs.workspace_dir)]) == 0
    assert PY_SEED["id"] in capsys.readouterr().out
