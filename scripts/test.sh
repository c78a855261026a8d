#!/usr/bin/env bash
# Install everything the test-suite needs on a fresh Debian machine, then run it.
#
#   scripts/test.sh [pytest args...]
#
# 1. a Docker-API container engine and a local base image (scripts/setup-container-engine.sh:
#    podman from Debian's packages when no engine answers; needs root, skipped if one does);
# 2. this package and its test dependencies (pip);
# 3. pytest. Under CI (CI=true) the Docker-path tests must run: a missing engine fails them
#    instead of skipping them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "$(id -u)" == 0 ]]; then
  bash scripts/setup-container-engine.sh
else
  echo "[test.sh] not root: skipping the container-engine setup (docker tests need DOCKER_HOST)" >&2
fi
if [[ -f .samplegen/engine.env ]]; then
  set -a; source .samplegen/engine.env; set +a
fi
if [[ "${CI:-}" == "true" ]]; then
  export SAMPLEGEN_REQUIRE_DOCKER=1
fi

command -v git >/dev/null || { apt-get update -qq && apt-get install -y -qq git >/dev/null; }
python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]'
exec python3 -m pytest "$@"
