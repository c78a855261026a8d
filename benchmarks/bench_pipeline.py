"""Benchmark: the sample pipeline against a bare baseline, side by side in one run.

For N PRs of one repository:

* pipeline: the real Dagster chain (``runner.run_partition``: analysis, patches,
  environment, validation, sample) with a cold environment cache, so the first PR
  builds its environment and the next ones reuse it when the fingerprint matches;
* baseline: what a minimal script does for the same PRs -- ``git clone`` + checkout of
  the base commit, one fresh virtualenv with the project and its test deps installed,
  and the three test runs (base, +tests.patch, +fix.patch) with JUnit output -- per PR.

Both share the pip download cache (warmed first), so the comparison is about work done,
not network. It prints per-PR seconds and the ratio pipeline / baseline (goal: <= 1.5).

    python benchmarks/bench_pipeline.py                      # demo repository, its 3 accepted PRs
    python benchmarks/bench_pipeline.py --repos-file R --keys owner__name-1 owner__name-2
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dagster import DagsterInstance

from samplegen_dagster.demo.textkit import ACCEPTED, build, repos_yaml
from samplegen_dagster.environment.detect import detect_env
from samplegen_dagster.ids import parse_instance_id
from samplegen_dagster.runner import register, run_partition
from samplegen_dagster.settings import Settings
from samplegen_dagster.sources.repos_file import load_repos_file


def sh(argv: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, capture_output=True, **kw)


def baseline_one(url: str, meta: dict, sample: Path, work: Path) -> float:
    """Clone, check out base, install one env, run the three states. Returns seconds."""
    start = time.perf_counter()
    repo = work / "repo"
    sh(["git", "clone", "-q", url, str(repo)], work, check=True)
    sh(["git", "checkout", "-q", meta["base_commit"]], repo, check=True)
    spec = detect_env(repo)
    venv = work / "venv"
    sh([sys.executable, "-m", "venv", str(venv)], work, check=True)
    py = str(venv / "bin" / "python")
    target = spec.install_target(".")
    sh([py, "-m", "pip", "install", "-q", *spec.packages, *spec.build_requires], repo, check=True)
    if spec.project_installable:
        sh([py, "-m", "pip", "install", "-q", "-e", target], repo, check=True)
    states = {s["name"]: s["targets"] for s in meta["validation"]["states"]}
    for name, patch in (("pre_tests", None), ("pre_patch", "tests.patch"), ("post_patch", "fix.patch")):
        if patch:
            sh(["git", "apply", "--binary", str(sample / patch)], repo, check=True)
        if states[name]:
            cov = ["--cov=.", "--cov-report="] if name != "pre_patch" else []
            sh([py, "-m", "pytest", "-q", f"--junitxml={work / name}.xml", *cov, *states[name]], repo)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repos-file", help="repos file (default: the demo repository, built in a temp dir)")
    ap.add_argument("--keys", nargs="*", help="partition keys to run (default: the demo's accepted PRs)")
    ap.add_argument("--out", default="benchmarks/results/pipeline.json")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="samplegen-bench-"))
    try:
        if args.repos_file:
            repos_file = Path(args.repos_file).resolve()
            keys = args.keys or []
        else:
            url = build(tmp / "textkit.git", bare=True)
            repos_file = tmp / "repos.yaml"
            repos_file.write_text(repos_yaml(url))
            keys = [f"acme__textkit-{n}" for n in ACCEPTED]
        if not keys:
            print("error: --keys is required with --repos-file", file=sys.stderr)
            return 2
        repos = load_repos_file(repos_file)
        settings = Settings.from_env(
            repos_file=str(repos_file), cache_dir=str(tmp / "cache"), samples_dir=str(tmp / "samples"), sandbox="local"
        )
        # Warm pip's download cache so neither side pays for the network.
        warm = tmp / "warm"
        subprocess.run([sys.executable, "-m", "venv", str(warm)], check=True)
        subprocess.run([str(warm / "bin" / "python"), "-m", "pip", "install", "-q", "pytest", "pytest-cov", "coverage[toml]", "setuptools", "wheel"], check=True)

        instance = DagsterInstance.ephemeral()
        register(instance, keys)
        pipeline: dict[str, float] = {}
        reused: dict[str, bool] = {}
        for key in keys:
            t = time.perf_counter()
            out = run_partition(instance, key, settings)
            pipeline[key] = time.perf_counter() - t
            if not out.success:
                print(f"{key}: not a sample ({out.rejection or out.error}); benchmark needs accepted PRs", file=sys.stderr)
                return 1
            meta = json.loads((out.sample_dir / "metadata.json").read_text())
            reused[key] = meta["validation"]["environment_reused"]

        baseline: dict[str, float] = {}
        for key in keys:
            repo, _ = parse_instance_id(key)
            url = repos.find(repo).url
            meta = json.loads((settings.samples_dir / key / "metadata.json").read_text())
            work = tmp / "baseline" / key
            work.mkdir(parents=True)
            baseline[key] = baseline_one(url, meta, settings.samples_dir / key, work)

        total_p, total_b = sum(pipeline.values()), sum(baseline.values())
        print(f"{'PR':<40} {'pipeline s':>11} {'baseline s':>11}  env")
        for key in keys:
            print(f"{key:<40} {pipeline[key]:>11.2f} {baseline[key]:>11.2f}  {'reused' if reused[key] else 'built'}")
        ratio = total_p / total_b
        print(f"{'total':<40} {total_p:>11.2f} {total_b:>11.2f}")
        print(f"ratio pipeline/baseline: {ratio:.2f}x (goal <= 1.5x)")
        later = [reused[k] for k in keys[1:]]
        print(f"later PRs reused the first PR's environment: {all(later) if later else 'n/a'}")
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"pipeline_s": pipeline, "baseline_s": baseline, "ratio": ratio, "reused": reused}, indent=2))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
