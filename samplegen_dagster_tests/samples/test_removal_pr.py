"""A PR that removes a feature together with its only test module: rejected, with the reason spelled out."""

from dagster import DagsterInstance

from samplegen_dagster.runner import register, run_partition
from samplegen_dagster.settings import Settings
from samplegen_dagster_tests.conftest import init_repo


def test_removal_pr_is_rejected_with_a_clear_reason(tmp_path):
    r = tmp_path / "origin"
    sh = init_repo(r)
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='oldapi', version='1.0', packages=['oldapi'])\n",
        "oldapi/__init__.py": "",
        "oldapi/legacy.py": "def legacy():\n    return 1\n",
        "tests/test_legacy.py": "from oldapi.legacy import legacy\n\ndef test_legacy():\n    assert legacy() == 1\n",
    }
    for rel, text in files.items():
        (r / rel).parent.mkdir(parents=True, exist_ok=True)
        (r / rel).write_text(text)
    sh("git", "add", "-A")
    sh("git", "commit", "-qm", "init")
    sh("git", "rm", "-q", "oldapi/legacy.py", "tests/test_legacy.py")
    sh("git", "commit", "-qm", "Remove the deprecated legacy API (#7)")

    (tmp_path / "repos.yaml").write_text(f"repositories:\n  - repo: acme/oldapi\n    url: {r}\n")
    settings = Settings.from_env(
        repos_file=str(tmp_path / "repos.yaml"), cache_dir=str(tmp_path / "cache"), samples_dir=str(tmp_path / "samples"), sandbox="local"
    )
    instance = DagsterInstance.ephemeral()
    register(instance, ["acme__oldapi-7"])
    out = run_partition(instance, "acme__oldapi-7", settings)
    assert not out.success
    assert out.rejection["code"] == "no_results_after_fix"
    assert out.rejection["message"] == (
        "the run with fix.patch applied produced no test results: no test module touched by "
        "tests.patch exists after it (it only deletes or empties tests)"
    )
    assert out.rejection["details"]["counts"]["pre_tests"]["passed"] == 1  # the module ran at base
