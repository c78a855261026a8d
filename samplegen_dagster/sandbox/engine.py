"""Talking to a Docker-API container engine: detection, labelled containers that are always
removed, run limits, timed execs, file copies in and out, env image names and pruning.

Works with any engine that serves the Docker API at ``DOCKER_HOST`` (Docker itself, or
podman's ``podman system service`` as set up by ``scripts/setup-container-engine.sh``).
Two engine differences matter and are handled here:

* podman ignores the API's ``NetworkDisabled`` flag, so isolation uses ``network_mode="none"``
  (no interface but loopback) which both engines honour;
* podman's compat API names locally built images ``docker.io/library/<name>``; lookups by
  the short name work on both, so the code only ever uses short names.

Nothing in this module reads the host environment into a container: the environment of a
container is exactly what the caller passes.
"""

from __future__ import annotations

import io
import logging
import re
import tarfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # docker is imported lazily: the local sandbox must work without an engine
    import docker
    from docker.models.containers import Container

log = logging.getLogger(__name__)

LABEL_MANAGED = "samplegen.managed"
LABEL_INSTANCE = "samplegen.instance_id"
LABEL_ROLE = "samplegen.role"
LABEL_FINGERPRINT = "samplegen.fingerprint"
LABEL_PYTHON = "samplegen.python"

ENV_IMAGE_REPO = "samplegen-env"
CA_PATH_IN_IMAGE = "/usr/local/share/samplegen/ca-bundle.crt"
SANDBOX_USER = "65534:65534"  # nobody:nogroup; numeric so it works whether or not the image names it


# ---------------------------------------------------------------------------- engine


def engine_client(timeout_s: int = 600) -> "docker.DockerClient | None":
    """A client for the engine at ``DOCKER_HOST`` (``docker.from_env()``) when it answers a ping."""
    try:
        import docker
    except ImportError:  # pragma: no cover - docker is a dependency
        return None
    try:
        client = docker.from_env(timeout=timeout_s)
        if client.ping():
            return client
    except Exception as exc:  # DockerException, requests errors, bad DOCKER_HOST
        log.debug("no container engine: %s", exc)
    return None


def engine_answers() -> bool:
    client = engine_client(timeout_s=10)
    if client is None:
        return False
    client.close()
    return True


def resolve_sandbox_kind(setting: str) -> str:
    """``local`` / ``docker`` as configured; ``auto`` is docker when an engine answers, else local."""
    setting = (setting or "auto").strip().lower()
    if setting in ("local", "docker"):
        return setting
    if setting != "auto":
        raise ValueError(f"SAMPLEGEN_SANDBOX must be local, docker or auto, not {setting!r}")
    return "docker" if engine_answers() else "local"


# ---------------------------------------------------------------------------- names


def _tag_part(value: str, limit: int = 128) -> str:
    """A string made safe as a Docker tag ([A-Za-z0-9_.-], not starting with . or -)."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", value).strip(".-") or "x"
    return cleaned[:limit]


def env_image_tag(fingerprint: str) -> str:
    """The environment image shared by every PR with this dependency fingerprint."""
    return f"{ENV_IMAGE_REPO}:{_tag_part(fingerprint)}"


def container_name(role: str, instance_id: str | None) -> str:
    key = _tag_part(instance_id or "none", 60)
    return f"samplegen-{role}-{key}-{uuid.uuid4().hex[:8]}"


def labels_for(role: str, instance_id: str | None = None, **extra: str) -> dict[str, str]:
    labels = {LABEL_MANAGED: "1", LABEL_ROLE: role}
    if instance_id:
        labels[LABEL_INSTANCE] = instance_id
    labels.update({k: v for k, v in extra.items() if v})
    return labels


# ---------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class RunLimits:
    """Resource limits of a sandbox container. ``network`` False = loopback only."""

    memory: str = "2g"
    pids: int = 1024
    cpus: float = 1.0
    network: bool = False
    user: str | None = SANDBOX_USER
    read_only_root: bool = False
    cap_add: tuple[str, ...] = ("CHOWN", "DAC_OVERRIDE", "FOWNER")  # root setup: install, chown

    def create_kwargs(self) -> dict:
        kw: dict = {
            "mem_limit": self.memory,
            "memswap_limit": self.memory,  # no swap beyond the memory limit
            "pids_limit": self.pids,
            "nano_cpus": int(self.cpus * 1_000_000_000),
            "cap_drop": ["ALL"],
            "cap_add": list(self.cap_add),
            "security_opt": ["no-new-privileges"],
        }
        if not self.network:
            kw["network_mode"] = "none"
        return kw


# ---------------------------------------------------------------------------- containers


def remove_container(container: "Container") -> None:
    """Kill and remove, ignoring 'already gone'; never raises."""
    try:
        container.remove(force=True, v=True)
    except Exception as exc:
        if "No such container" in str(exc) or "no such container" in str(exc) or getattr(exc, "status_code", 0) == 404:
            return
        log.warning("could not remove container %s: %s", getattr(container, "name", "?"), exc)


def _remove_by_name(client: "docker.DockerClient", name: str) -> None:
    try:
        remove_container(client.containers.get(name))
    except Exception:
        pass


@contextmanager
def managed_container(
    client: "docker.DockerClient",
    image: str,
    *,
    role: str,
    instance_id: str | None = None,
    limits: RunLimits = RunLimits(),
    environment: dict[str, str] | None = None,
    command: list[str] | None = None,
    working_dir: str | None = None,
    extra_labels: dict[str, str] | None = None,
    auto_remove: bool = True,
) -> Iterator["Container"]:
    """A started, labelled container that is removed on exit, whatever happens inside.

    The container idles (``sleep infinity``) and work is done with :func:`exec_timed`; it
    runs as root so setup steps can install and chown, while test execs pass ``user``.
    Give ``command`` a bounded ``sleep`` so that, with ``auto_remove``, the engine removes
    the container by itself even if this process dies before its ``finally``.
    """
    name = container_name(role, instance_id)
    container = None
    try:
        container = client.containers.create(
            image,
            command=command or ["sleep", "infinity"],
            name=name,
            labels=labels_for(role, instance_id, **(extra_labels or {})),
            environment=dict(environment or {}),
            working_dir=working_dir,
            detach=True,
            init=False,
            auto_remove=auto_remove,
            **limits.create_kwargs(),
        )
        container.start()
        yield container
    finally:
        if container is not None:
            remove_container(container)
        else:  # create may have failed after the engine made it
            _remove_by_name(client, name)


def list_managed_containers(client: "docker.DockerClient", instance_id: str | None = None) -> list["Container"]:
    # One label per filter: podman 4.x's compat API matches nothing when given two.
    found = client.containers.list(all=True, filters={"label": f"{LABEL_MANAGED}=1"})
    if instance_id:
        found = [c for c in found if (c.labels or {}).get(LABEL_INSTANCE) == instance_id]
    return found


def list_env_images(client: "docker.DockerClient") -> list:
    images = client.images.list(filters={"label": f"{LABEL_MANAGED}=1"})
    return [i for i in images if (i.labels or {}).get(LABEL_ROLE) == "env"]


def remove_managed_containers(client: "docker.DockerClient", instance_id: str | None = None) -> int:
    """Remove leftovers (e.g. after the host process itself was killed); returns how many."""
    found = list_managed_containers(client, instance_id)
    for c in found:
        remove_container(c)
    return len(found)


@dataclass
class ExecResult:
    exit_code: int | None
    output: str
    timed_out: bool
    duration_s: float
    killed: bool = False  # the container was killed (wall-clock limit): it is gone for later steps


def exec_timed(
    client: "docker.DockerClient",
    container: "Container",
    argv: list[str],
    *,
    timeout_s: float,
    user: str | None = None,
    environment: dict[str, str] | None = None,
    workdir: str | None = None,
) -> ExecResult:
    """Run ``argv`` in ``container`` with a wall-clock limit.

    Past the limit the whole container is killed (the reliable way to stop every process a
    test may have spawned); the result says ``timed_out`` and ``killed``, and the caller
    starts a fresh container for anything that follows.
    """
    api = client.api
    started = time.monotonic()
    exec_id = api.exec_create(
        container.id,
        argv,
        stdout=True,
        stderr=True,
        user=user or "",
        environment=dict(environment or {}),
        workdir=workdir,
    )["Id"]
    box: dict = {}

    def _run() -> None:
        try:
            box["out"] = api.exec_start(exec_id, stream=False, demux=False)
        except Exception as exc:  # the container died under us (kill on timeout)
            box["err"] = exc

    worker = threading.Thread(target=_run, name=f"exec-{container.name}", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        try:
            container.kill()
        except Exception as exc:
            log.warning("kill after timeout failed for %s: %s", container.name, exc)
        worker.join(30)
        out = box.get("out") or b""
        text = out.decode("utf-8", "replace") if isinstance(out, bytes) else str(out)
        return ExecResult(None, text, True, time.monotonic() - started, killed=True)
    out = box.get("out") or b""
    text = out.decode("utf-8", "replace") if isinstance(out, bytes) else str(out)
    if "err" in box:
        return ExecResult(None, text + f"\n[sandbox] exec failed: {box['err']}", False, time.monotonic() - started)
    code = api.exec_inspect(exec_id).get("ExitCode")
    return ExecResult(code, text, False, time.monotonic() - started)


# ---------------------------------------------------------------------------- files


def _tar_filter_factory(uid: int | None, gid: int | None):
    def _filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
        if uid is not None:
            info.uid, info.uname = uid, ""
        if gid is not None:
            info.gid, info.gname = gid, ""
        return info

    return _filter


def tar_directory(src: Path, arcname: str, *, exclude: tuple[str, ...] = (), uid: int | None = None, gid: int | None = None) -> bytes:
    """A tar of ``src`` as ``arcname``; top-level names in ``exclude`` are left out."""
    buf = io.BytesIO()
    owner = _tar_filter_factory(uid, gid)

    def _filter(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        rel = PurePosixPath(info.name).relative_to(arcname) if info.name != arcname else PurePosixPath(".")
        if rel.parts and rel.parts[0] in exclude:
            return None
        return owner(info)

    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(str(src), arcname=arcname, recursive=True, filter=_filter)
    return buf.getvalue()


def tar_files(files: dict[str, bytes | str], *, uid: int | None = None, gid: int | None = None, mode: int = 0o644) -> bytes:
    """A tar of in-memory files, names relative to the extraction directory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            raw = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(raw), mode, int(time.time())
            if uid is not None:
                info.uid = uid
            if gid is not None:
                info.gid = gid
            tar.addfile(info, io.BytesIO(raw))
    return buf.getvalue()


def put_files(container: "Container", dest_dir: str, files: dict[str, bytes | str], **owner) -> None:
    if not container.put_archive(dest_dir, tar_files(files, **owner)):
        raise RuntimeError(f"copying into {container.name}:{dest_dir} failed")


def put_directory(container: "Container", src: Path, dest_parent: str, arcname: str, **kw) -> None:
    if not container.put_archive(dest_parent, tar_directory(src, arcname, **kw)):
        raise RuntimeError(f"copying {src} into {container.name}:{dest_parent} failed")


def read_bytes(container: "Container", path: str, max_bytes: int = 64 * 1024 * 1024) -> bytes:
    """One file's bytes; ``FileNotFoundError`` / ``IsADirectoryError`` like ``Path.read_bytes``."""
    try:
        stream, _stat = container.get_archive(path)
    except Exception as exc:
        if getattr(exc, "status_code", None) == 404 or "no such file" in str(exc).lower() or "not found" in str(exc).lower():
            raise FileNotFoundError(path) from None
        raise
    raw = b"".join(stream)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r") as tar:
        first = tar.next()
        if first is None:
            raise FileNotFoundError(path)
        if first.isdir():
            raise IsADirectoryError(path)
        if first.issym() or first.islnk():
            raise FileNotFoundError(f"{path} is a link")  # never follow links out of the tree
        fh = tar.extractfile(first)
        return fh.read(max_bytes) if fh else b""


def read_file(container: "Container", path: str, max_bytes: int = 64 * 1024 * 1024) -> str | None:
    """The text of one file in the container, or None when it does not exist."""
    try:
        stream, _stat = container.get_archive(path)
    except Exception as exc:
        if getattr(exc, "status_code", None) == 404 or "no such file" in str(exc).lower() or "not found" in str(exc).lower():
            return None
        raise
    raw = b"".join(stream)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r") as tar:
        for member in tar.getmembers():
            if member.isfile():
                fh = tar.extractfile(member)
                return fh.read(max_bytes).decode("utf-8", "replace") if fh else None
    return None


# ---------------------------------------------------------------------------- images


def image_exists(client: "docker.DockerClient", tag: str) -> bool:
    from docker.errors import ImageNotFound

    try:
        client.images.get(tag)
        return True
    except ImageNotFound:
        return False


@dataclass
class PruneResult:
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def prune_env_images(
    client: "docker.DockerClient",
    *,
    keep: int | None = None,
    older_than_s: float | None = None,
    dry_run: bool = False,
    fingerprints: set[str] | None = None,
) -> PruneResult:
    """Remove samplegen env images: all but the ``keep`` newest, and/or those created more
    than ``older_than_s`` ago (both None = remove all); ``fingerprints`` limits the candidates.
    Images a container still uses are kept (the engine refuses; reported under ``kept``).
    """
    from datetime import datetime, timezone

    images = list_env_images(client)

    def created(img) -> float:
        raw = img.attrs.get("Created")
        if isinstance(raw, (int, float)):
            return float(raw)
        m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", str(raw or ""))
        return datetime.fromisoformat(m.group(1)).replace(tzinfo=timezone.utc).timestamp() if m else 0.0

    if fingerprints is not None:
        images = [i for i in images if (i.labels or {}).get(LABEL_FINGERPRINT) in fingerprints]
    images.sort(key=created, reverse=True)
    now = datetime.now(timezone.utc).timestamp()
    result = PruneResult()
    for i, img in enumerate(images):
        name = (img.tags or [img.short_id])[0]
        drop = keep is None and older_than_s is None
        if keep is not None and i >= keep:
            drop = True
        if older_than_s is not None and now - created(img) > older_than_s:
            drop = True
        if not drop:
            result.kept.append(name)
            continue
        if not dry_run:
            try:
                client.images.remove(img.id, force=False)
            except Exception as exc:
                log.warning("could not remove %s: %s", name, exc)
                result.kept.append(name)
                continue
        result.removed.append(name)
    return result


# ---------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """``python -m samplegen_dagster.sandbox.engine {status,prune,cleanup}``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m samplegen_dagster.sandbox.engine", description=main.__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("status", help="does an engine answer; which env images and containers exist")
    prune = sub.add_parser("prune", help="remove samplegen-env images")
    prune.add_argument("--keep", type=int, default=None, help="keep the N newest")
    prune.add_argument("--older-than-days", type=float, default=None, help="remove images older than this")
    prune.add_argument("--dry-run", action="store_true")
    sub.add_parser("cleanup", help="remove every samplegen container left behind (e.g. after a crash)")
    args = parser.parse_args(argv)

    client = engine_client(timeout_s=120)
    if client is None:
        print("no container engine answers (DOCKER_HOST); run scripts/setup-container-engine.sh")
        return 1
    if args.cmd == "status":
        images = list_env_images(client)
        print(f"engine: {client.version().get('Version', '?')} at {client.api.base_url}")
        for img in images:
            print(f"env image {(img.tags or [img.short_id])[0]}  fingerprint={img.labels.get(LABEL_FINGERPRINT)}")
        for c in list_managed_containers(client):
            print(f"container {c.name} {c.status} role={c.labels.get(LABEL_ROLE)} instance={c.labels.get(LABEL_INSTANCE)}")
        return 0
    if args.cmd == "prune":
        older = args.older_than_days * 86400 if args.older_than_days is not None else None
        res = prune_env_images(client, keep=args.keep, older_than_s=older, dry_run=args.dry_run)
        verb = "would remove" if args.dry_run else "removed"
        for name in res.removed:
            print(f"{verb} {name}")
        print(f"{verb} {len(res.removed)} env image(s), kept {len(res.kept)}")
        return 0
    n = remove_managed_containers(client)
    print(f"removed {n} container(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
