#!/usr/bin/env bash
# Provide a Docker-API container engine for samplegen's docker sandbox.
#
# On a machine without Docker (CI, these build boxes) it installs podman from Debian's
# packages and serves the Docker API on a unix socket, then builds a local base image with
# debootstrap (no registry needs to be reachable: only the Debian package mirrors).
#
# Idempotent and non-interactive; run as root on Debian bookworm. Safe to rerun: every step
# is skipped when already done. At the end it prints, and writes to $SAMPLEGEN_ENGINE_ENV
# (default .samplegen/engine.env), the variables the sandbox reads:
#   DOCKER_HOST, SAMPLEGEN_BASE_IMAGE, SAMPLEGEN_CA_BUNDLE
#
# When DOCKER_HOST already points at an engine that answers (a real Docker daemon), nothing
# is installed; only the base image is provided if absent.
#
# Knobs (environment):
#   SAMPLEGEN_BASE_IMAGE     image name to provide (default localhost/samplegen-base:bookworm)
#   SAMPLEGEN_ENGINE_CACHE   where the debootstrap tarball is cached (default .samplegen/engine-cache)
#   SAMPLEGEN_ENGINE_ENV     env file written at the end (default .samplegen/engine.env)
#   SAMPLEGEN_CA_BUNDLE      CA bundle to hand to builds (default the host bundle, if present)
#   DEBIAN_MIRROR            mirror for debootstrap (default: the one apt uses, else deb.debian.org)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SOCK="/run/podman/podman.sock"
BASE_IMAGE="${SAMPLEGEN_BASE_IMAGE:-localhost/samplegen-base:bookworm}"
CACHE_DIR="${SAMPLEGEN_ENGINE_CACHE:-$ROOT/.samplegen/engine-cache}"
ENV_FILE="${SAMPLEGEN_ENGINE_ENV:-$ROOT/.samplegen/engine.env}"
CA_BUNDLE="${SAMPLEGEN_CA_BUNDLE:-}"
if [[ -z "$CA_BUNDLE" && -f /etc/ssl/certs/ca-certificates.crt ]]; then
  CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
fi
INCLUDE_PKGS="python3,python3-venv,python3-pip,python-is-python3,git,ca-certificates"

log() { printf '[setup-container-engine] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$(id -u)" == 0 ]] || die "run as root (installs packages, starts the podman service)"

# ---------------------------------------------------------------- engine reachability
api_ping() {
  # $1: DOCKER_HOST value; answers 0 when GET /_ping says OK.
  local host="$1"
  case "$host" in
    unix://*)
      local path="${host#unix://}"
      [[ -S "$path" ]] || return 1
      [[ "$(curl -fsS --max-time 5 --unix-socket "$path" http://d/_ping 2>/dev/null)" == "OK" ]]
      ;;
    tcp://*)
      [[ "$(curl -fsS --max-time 5 "http://${host#tcp://}/_ping" 2>/dev/null)" == "OK" ]]
      ;;
    *) return 1 ;;
  esac
}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  if ((apt_updated == 0)); then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  log "installing: ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

command -v curl >/dev/null || apt_install curl ca-certificates
command -v python3 >/dev/null || apt_install python3

USE_PODMAN=1
if [[ -n "${DOCKER_HOST:-}" && "${DOCKER_HOST}" != "unix://$SOCK" ]] && api_ping "$DOCKER_HOST"; then
  log "DOCKER_HOST=$DOCKER_HOST already answers; not installing podman"
  USE_PODMAN=0
elif [[ -z "${DOCKER_HOST:-}" ]] && api_ping "unix:///var/run/docker.sock"; then
  log "a Docker daemon answers on /var/run/docker.sock; not installing podman"
  export DOCKER_HOST="unix:///var/run/docker.sock"
  USE_PODMAN=0
fi

# ---------------------------------------------------------------- podman + config
configure_containers_conf() {
  # Set runtime=runc (crun fails on hybrid cgroup v1 layouts) and bounded default ulimits
  # (podman's defaults exceed what these hosts allow). Rewrites only the keys it owns.
  local conf=/etc/containers/containers.conf
  mkdir -p /etc/containers
  python3 - "$conf" <<'PY'
import re, sys
from pathlib import Path
path = Path(sys.argv[1])
text = path.read_text() if path.exists() else ""
wanted = {
    "engine": {"runtime": '"runc"'},
    "containers": {"default_ulimits": '["nofile=20000:20000", "nproc=4096:4096"]'},
}
lines = text.splitlines()
for table, keys in wanted.items():
    header = f"[{table}]"
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == header)
    except StopIteration:
        lines += ["", header] + [f"{k} = {v}" for k, v in keys.items()]
        continue
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^\s*\[", lines[i])), len(lines))
    for key, value in keys.items():
        pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
        hit = next((i for i in range(start + 1, end) if pat.match(lines[i])), None)
        if hit is None:
            lines.insert(start + 1, f"{key} = {value}")
            end += 1
        else:
            lines[hit] = f"{key} = {value}"
new = "\n".join(lines).strip("\n") + "\n"
if new != text:
    path.write_text(new)
    print("updated", path)
PY
}

start_podman_service() {
  mkdir -p /run/podman "$CACHE_DIR"
  if api_ping "unix://$SOCK"; then
    log "podman API already answers on $SOCK"
    return 0
  fi
  rm -f "$SOCK"
  log "starting podman system service on $SOCK (log: $CACHE_DIR/podman-service.log)"
  # setsid + nohup: the service outlives this script (and the CI step that ran it).
  setsid nohup podman system service --time=0 "unix://$SOCK" \
    >>"$CACHE_DIR/podman-service.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    api_ping "unix://$SOCK" && { log "podman API answers"; return 0; }
    sleep 0.5
  done
  tail -n 20 "$CACHE_DIR/podman-service.log" >&2 || true
  die "podman API did not answer on $SOCK within 30 s"
}

if ((USE_PODMAN)); then
  apt_install podman runc debootstrap
  configure_containers_conf
  start_podman_service
  export DOCKER_HOST="unix://$SOCK"
fi

# ---------------------------------------------------------------- base image
image_exists() {
  if ((USE_PODMAN)); then
    podman image exists "$1"
  else
    # Docker API: GET /images/<name>/json
    local enc
    enc="$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1], safe=""))' "$1")"
    case "$DOCKER_HOST" in
      unix://*) curl -fsS --unix-socket "${DOCKER_HOST#unix://}" "http://d/images/$enc/json" >/dev/null 2>&1 ;;
      tcp://*) curl -fsS "http://${DOCKER_HOST#tcp://}/images/$enc/json" >/dev/null 2>&1 ;;
    esac
  fi
}

debian_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local m=""
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    m="$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
  fi
  if [[ -z "$m" && -f /etc/apt/sources.list ]]; then
    m="$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)"
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

build_base_image() {
  local tarball="$CACHE_DIR/samplegen-base-bookworm.tar"
  mkdir -p "$CACHE_DIR"
  if [[ ! -s "$tarball" ]]; then
    apt_install debootstrap
    local dir="$CACHE_DIR/rootfs.tmp"
    rm -rf "$dir"
    local mirror
    mirror="$(debian_mirror)"
    log "debootstrap bookworm from $mirror (takes ~90 s)"
    debootstrap --variant=minbase --include="$INCLUDE_PKGS" bookworm "$dir" "$mirror" \
      >"$CACHE_DIR/debootstrap.log" 2>&1 || { tail -n 30 "$CACHE_DIR/debootstrap.log" >&2; die "debootstrap failed"; }
    # Trim apt caches; keep the image small.
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    tar -C "$dir" -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    rm -rf "$dir"
  else
    log "reusing cached rootfs tarball $tarball"
  fi
  log "importing $tarball as $BASE_IMAGE"
  if ((USE_PODMAN)); then
    podman import --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      "$tarball" "$BASE_IMAGE" >/dev/null
  else
    python3 - "$tarball" "$BASE_IMAGE" <<'PY' || die "import through the Docker API failed (pip install docker?)"
import sys, docker
repo, _, tag = sys.argv[2].rpartition(":")
with open(sys.argv[1], "rb") as fh:
    docker.from_env().api.import_image_from_stream(fh, repository=repo, tag=tag,
        changes=['CMD ["/bin/bash"]'])
PY
  fi
}

if image_exists "$BASE_IMAGE"; then
  log "base image $BASE_IMAGE present"
else
  build_base_image
  image_exists "$BASE_IMAGE" || die "base image $BASE_IMAGE missing after import"
fi

# ---------------------------------------------------------------- final check + env file
api_ping "$DOCKER_HOST" || die "engine at $DOCKER_HOST does not answer"

mkdir -p "$(dirname "$ENV_FILE")"
{
  echo "export DOCKER_HOST=$DOCKER_HOST"
  echo "export SAMPLEGEN_BASE_IMAGE=$BASE_IMAGE"
  if [[ -n "$CA_BUNDLE" ]]; then echo "export SAMPLEGEN_CA_BUNDLE=$CA_BUNDLE"; fi
} >"$ENV_FILE"
log "engine ready; variables written to $ENV_FILE"
cat "$ENV_FILE"
