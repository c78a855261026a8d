"""The sample's ``Dockerfile`` and ``run.sh``: the portable, by-hand reproduction of validation.

Dockerfile layers, cheapest to share first:

1. ``ARG BASE_IMAGE`` (``python:X.Y-slim`` by default; any image with Python 3 and a shell);
2. a virtualenv at ``/opt/venv`` (works on official and Debian images alike, PEP 668);
3. the dependency layer, derived from the ``EnvSpec`` only, so every PR with the same
   fingerprint produces the same layer and a builder's cache shares it;
4. the sample's files (``COPY . /sample``) and the repository at the base commit
   (cloned from ``REPO_URL``, or from ``repo.bundle`` when one is in the build context);
5. the project installed editable with its extras.

``run.sh`` on a host builds that image and runs itself inside it (``--in-container``),
where it runs the three states with the same pytest command the pipeline used, writing
each state's log and JUnit XML to ``/sample/out`` (mounted back to ``./out``).
"""

from __future__ import annotations

import shlex

from samplegen_dagster.sandbox.base import CyclePlan, EnvSpec
from samplegen_dagster.validation.commands import PINNED_ENV, PLUGIN_DIR, PLUGIN_NAME, pytest_argv


def _q(items: list[str]) -> str:
    return " ".join(shlex.quote(i) for i in items)


def render_dockerfile(spec: EnvSpec, *, instance_id: str, repo_url: str, base_commit: str, base_image: str) -> str:
    deps = list(dict.fromkeys(spec.build_requires + ["pip>=23", "wheel"] + spec.packages))
    env_line = " ".join(f"{k}={v}" for k, v in PINNED_ENV.items())
    lines = [
        f"# {instance_id}: validation environment (fingerprint {spec.fingerprint}, install: {spec.install_method}).",
        "# Build from this directory:  docker build -t sample .   (or let ./run.sh do it)",
        f"ARG BASE_IMAGE={base_image}",
        "FROM ${BASE_IMAGE}",
        "",
        f"ENV {env_line}",
        "# git is needed for the checkout; python:*-slim images do not ship it.",
        "RUN if ! command -v git >/dev/null 2>&1; then \\",
        "      apt-get update && apt-get install -y --no-install-recommends git ca-certificates \\",
        "      && rm -rf /var/lib/apt/lists/*; fi",
        "# Optional CA bundle for TLS-intercepting proxies: ./run.sh copies $CA_BUNDLE here as",
        "# samplegen-ca.crt (the Dockerfile itself always matches, so the COPY never fails).",
        "COPY Dockerfile samplegen-ca.crt* /etc/samplegen/",
        "RUN if [ -f /etc/samplegen/samplegen-ca.crt ]; then \\",
        "      printf '[global]\\ncert = /etc/samplegen/samplegen-ca.crt\\n' > /etc/pip.conf \\",
        "      && git config --system http.sslCAInfo /etc/samplegen/samplegen-ca.crt; fi",
        "# A virtualenv works on official and Debian Python images alike (PEP 668).",
        "RUN python3 -m venv /opt/venv",
        "ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH",
        "",
        f"# Dependency layer: the same for every PR with fingerprint {spec.fingerprint}.",
        f"RUN pip install {_q(deps)}",
        "",
        "# The sample (patches, run.sh) and the repository at the PR's base commit.",
        "COPY . /sample",
        f"ARG REPO_URL={repo_url}",
        f"ARG BASE_COMMIT={base_commit}",
        'RUN src="$REPO_URL"; if [ -f /sample/repo.bundle ]; then src=/sample/repo.bundle; fi; \\',
        '    git clone --quiet "$src" /repo && git -C /repo checkout --quiet --detach "$BASE_COMMIT"',
        "WORKDIR /repo",
    ]
    if spec.project_installable:
        lines.append(f"RUN pip install -e {shlex.quote(spec.install_target('.'))}")
    lines.append('CMD ["bash", "/sample/run.sh", "--in-container"]')
    return "\n".join(lines) + "\n"


def render_run_sh(plan: CyclePlan, *, instance_id: str, repo_url: str, base_commit: str) -> str:
    plugin_src = (PLUGIN_DIR / f"{PLUGIN_NAME}.py").read_text(encoding="utf-8")
    states = []
    for state in plan.states:
        argv = pytest_argv("python", state.targets, f"/sample/out/{state.name}.junit.xml", coverage=state.coverage)
        apply = "".join(f'  git apply --binary --whitespace=nowarn "/sample/{p}"\n' for p in state.apply_before)
        if state.targets:
            cov = ""
            if state.coverage:
                include = ",".join(plan.coverage_include)
                cov = (
                    f'  python -m coverage json --show-contexts --data-file="$COVERAGE_FILE" -o /sample/out/{state.name}.coverage.json -q || true\n'
                    f"  python -m coverage report -m --data-file=\"$COVERAGE_FILE\" {('--include=' + shlex.quote(include)) if include else ''} || true\n"
                )
            run = (
                f"  export COVERAGE_FILE=/sample/out/.coverage-{state.name}\n"
                f"  timeout --kill-after=10 {plan.timeout_s} {_q(argv)} || echo \"[pytest exit $?]\"\n" + cov
            )
        else:
            run = '  echo "no test targets exist in this state"\n'
        states.append(f"state_{state.name}() {{\n{apply}{run}}}\n")
    calls = "".join(f'state_{s.name} 2>&1 | tee "/sample/out/{s.name}.log"\n' for s in plan.states)
    env_exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in plan.env.items())
    return f"""#!/usr/bin/env bash
# {instance_id}: reproduce the validation cycle (pass -> fail -> pass) by hand.
#   ./run.sh                  build the image from ./Dockerfile and run the cycle in a container
#                             (DOCKER=podman to use podman, BASE_IMAGE=... to change the base,
#                              CA_BUNDLE=/path/ca.crt behind a TLS-intercepting proxy)
#   ./run.sh --in-container   run the cycle here (inside the image, in /repo)
# Results: out/<state>.log, out/<state>.junit.xml, out/<state>.coverage.json
set -euo pipefail
REPO_URL=${{REPO_URL:-{shlex.quote(repo_url)}}}
BASE_COMMIT={base_commit}

if [ "${{1:-}}" != "--in-container" ]; then
  here="$(cd "$(dirname "$0")" && pwd)"
  engine="${{DOCKER:-docker}}"
  ctx="$(mktemp -d)"; trap 'rm -rf "$ctx"' EXIT
  cp -r "$here"/. "$ctx"/
  rm -rf "$ctx/out"
  if [ -n "${{CA_BUNDLE:-}}" ]; then cp "$CA_BUNDLE" "$ctx/samplegen-ca.crt"; fi
  if [ -d "$REPO_URL" ]; then  # a local repository: ship it in the build context
    git -C "$REPO_URL" bundle create "$ctx/repo.bundle" --all
  fi
  tag="samplegen-sample:{instance_id.lower()}"
  "$engine" build ${{BASE_IMAGE:+--build-arg BASE_IMAGE="$BASE_IMAGE"}} -t "$tag" "$ctx"
  mkdir -p "$here/out"
  exec "$engine" run --rm --network none -v "$here/out:/sample/out" "$tag" bash /sample/run.sh --in-container
fi

cd /repo
git reset --quiet --hard "$BASE_COMMIT" && git clean -qfdx
mkdir -p /sample/out /tmp/samplegen_plugin
cat > /tmp/samplegen_plugin/{PLUGIN_NAME}.py <<'PLUGIN'
{plugin_src}PLUGIN
export PYTHONPATH=/tmp/samplegen_plugin
{env_exports}
{"".join(states)}
{calls}echo "done: logs and JUnit reports in /sample/out"
"""
