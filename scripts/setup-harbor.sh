#!/usr/bin/env bash
# A Python >= 3.12 virtualenv with Harbor and podman-compose: the peer tool whose Task loader,
# linter and trials judge our Harbor exports (Harbor needs Python >= 3.12; samplegen runs on 3.11).
#
#   scripts/setup-harbor.sh        -> .samplegen/harbor-venv/bin/{python,harbor,podman-compose}
#
# Idempotent: an existing venv with harbor in it is kept. Not yet called by scripts/test.sh:
# the Harbor export tests that need it are not on main yet.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=.samplegen/harbor-venv
if [[ -x "$venv/bin/harbor" ]] && "$venv/bin/python" -c "import harbor" 2>/dev/null; then
  exit 0
fi
py=""
for cand in python3.13 python3.12 "$HOME"/.pyenv/versions/3.13*/bin/python3.13 "$HOME"/.pyenv/versions/3.12*/bin/python3.12; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    py="$cand"; break
  fi
done
if [[ -z "$py" ]]; then
  echo "[setup-harbor] no Python >= 3.12 found: Harbor export tests cannot run" >&2
  exit 1
fi
rm -rf "$venv"
"$py" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check harbor podman-compose
echo "[setup-harbor] harbor ready in $venv" >&2
