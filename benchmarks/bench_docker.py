"""Docker sandbox vs local sandbox: time per sample on the same PRs.

Runs every PR of the demo repository (``acme/textkit``, 6 PRs: 3 accepted, 3 rejected)
through the real sample pipeline (``runner.run_partition``: the Dagster assets) once with
``SAMPLEGEN_SANDBOX=local`` and once with ``docker``, each from an empty cache (the first
PR builds the environment, the others reuse it), and prints per-PR wall time, the ratio,
and the totals with and without the environment build. Both runs must produce the same
F2P/P2P lists and rejection codes; the script says so, or exits 1.

    source .samplegen/engine.env       # from scripts/setup-container-engine.sh
    python benchmarks/bench_docker.py [--keep-env-image] [--json benchmarks/results/docker.json]

Goal: docker time per sample <= 2x local.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from dagster import DagsterInstance

from samplegen_dagster.demo.textkit import build, repos_yaml
from samplegen_dagster.runner import register, run_partition
from samplegen_dagster.sandbox import engine as eng
from samplegen_dagster.settings import Settings

KEYS = [f"acme__textkit-{n}" for n in range(1, 7)]


def run_all(kind: str, repo: Path, root: Path) -> dict:
    root.mkdir(parents=True)
    (root / "repos.yaml").write_text(repos_yaml(repo))
    settings = Settings.from_env(
        repos_file=str(root / "repos.yaml"),
        cache_dir=str(root / "cache"),
        samples_dir=str(root / "samples"),
        sandbox=kind,
    )
    instance = DagsterInstance.ephemeral()
    register(instance, KEYS)
    results = {}
    for key in KEYS:
        start = time.monotonic()
        out = run_partition(instance, key, settings)
        secs = time.monotonic() - start
        outcome = {"seconds": round(secs, 2), "success": out.success}
        if out.success:
            meta = json.loads((out.sample_dir / "metadata.json").read_text())
            outcome.update(
                F2P=meta["FAIL_TO_PASS"],
                P2P=meta["PASS_TO_PASS"],
                sandbox=meta["validation"]["sandbox"],
                env_reused=meta["validation"]["environment_reused"],
                fingerprint=meta["environment"]["fingerprint"],
            )
        else:
            outcome["rejection"] = (out.rejection or {}).get("code") or out.error
        results[key] = outcome
        print(f"  {kind:6} {key:16} {secs:6.1f}s  {'accepted' if out.success else outcome['rejection']}", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-env-image", action="store_true", help="reuse an existing docker env image (warm start)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    client = eng.engine_client(timeout_s=60)
    if client is None:
        print("no container engine answers (DOCKER_HOST); run scripts/setup-container-engine.sh", file=sys.stderr)
        return 2
    print(f"engine {client.version().get('Version')} at {os.environ.get('DOCKER_HOST', '(default)')}, "
          f"base image {os.environ.get('SAMPLEGEN_BASE_IMAGE') or 'python:X.Y-slim'}")

    with tempfile.TemporaryDirectory(prefix="bench-docker.") as tmp:
        tmp = Path(tmp)
        repo = build(tmp / "textkit.git", bare=True)
        print("local sandbox:")
        local = run_all("local", repo, tmp / "local")
        fps = {r["fingerprint"] for r in local.values() if r.get("fingerprint")}
        if not args.keep_env_image:
            eng.prune_env_images(client, fingerprints=fps)  # cold start, like the local run
        print("docker sandbox:")
        docker = run_all("docker", repo, tmp / "docker")

    same = True
    print(f"\n{'PR':18} {'local s':>8} {'docker s':>9} {'ratio':>6}  outcome")
    for key in KEYS:
        lo, do = local[key], docker[key]
        ratio = do["seconds"] / lo["seconds"] if lo["seconds"] else float("nan")
        agree = {k: lo.get(k) for k in ("success", "F2P", "P2P", "rejection")} == {
            k: do.get(k) for k in ("success", "F2P", "P2P", "rejection")
        }
        same &= agree
        what = "accepted" if lo["success"] else lo["rejection"]
        note = "" if agree else "  <-- DIFFERENT RESULT"
        built = "  (env built)" if do.get("env_reused") is False else ""
        print(f"{key:18} {lo['seconds']:8.1f} {do['seconds']:9.1f} {ratio:6.2f}  {what}{built}{note}")

    def total(res: dict, warm: bool) -> float:
        return sum(r["seconds"] for r in res.values() if not (warm and r.get("env_reused") is False))

    for label, warm in (("all PRs", False), ("env reused", True)):
        lt, dt = total(local, warm), total(docker, warm)
        print(f"{label:18} {lt:8.1f} {dt:9.1f} {dt / lt if lt else float('nan'):6.2f}  total")
    sampled = [k for k in KEYS if local[k]["success"] and local[k].get("env_reused")]
    if sampled:
        lt = sum(local[k]["seconds"] for k in sampled) / len(sampled)
        dt = sum(docker[k]["seconds"] for k in sampled) / len(sampled)
        verdict = "OK" if dt <= 2 * lt else "ABOVE GOAL"
        print(f"per accepted sample, env reused: local {lt:.1f}s, docker {dt:.1f}s, ratio {dt / lt:.2f} (goal <= 2.00: {verdict})")
    print("same F2P/P2P and rejections in both sandboxes" if same else "RESULTS DIFFER between sandboxes")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"local": local, "docker": docker}, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
