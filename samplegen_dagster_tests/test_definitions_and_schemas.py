import subprocess
from pathlib import Path

from samplegen_dagster.models.schemas import render_schemas

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schemas_are_current():
    for name, text in render_schemas().items():
        path = ROOT / "schemas" / name
        assert path.is_file(), f"run `samplegen schema` to export {name}"
        assert path.read_text() == text, f"schemas/{name} is stale: run `samplegen schema`"


import pytest


@pytest.mark.parametrize(
    "target",
    [["-m", "samplegen_dagster"], ["-w", "workspace.yaml"], ["-m", "samplegen_dagster.definitions"]],
    ids=["package", "workspace (dagster dev)", "definitions module"],
)
def test_code_location_validates(target):
    proc = subprocess.run(["dagster", "definitions", "validate", *target], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "All code locations passed validation" in proc.stderr + proc.stdout


def test_dg_check_defs():
    proc = subprocess.run(["dg", "check", "defs"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]


def test_groups_and_partitions():
    from samplegen_dagster import defs

    graph = defs.resolve_asset_graph()
    samples = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).group_name == "samples"}
    assert samples == {"pr_analysis", "pr_patches", "pr_environment", "pr_validation", "pr_trajectories", "pr_enrichment", "pr_sample"}
    assert defs.resolve_job_def("samples_job") is not None
    assert graph.get(next(iter(graph.get_all_asset_keys()))).partitions_def is not None
