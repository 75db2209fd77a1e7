"""Checks that run before any resource is declared, each failing with its fix.

- Docker: the daemon answers (only when the database part is on).
- Port: the PostgreSQL host port is free on 127.0.0.1, or held by this stack's own
  container (a second ``pulumi up`` finds it there).
- Cache: ``TESTENV_CACHE_DIR`` (or the default cache folder) is a writable folder.
- Disk: the generated data fits on the disk that holds the cache.
- AWS: the caller identity can be read (missing or expired credentials are explained).
"""

from __future__ import annotations

import errno
import http.client
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlparse

import pulumi

from components import naming
from datagen.catalog import TableSpec

if TYPE_CHECKING:
    import pulumi_aws as aws

    from components.config import StackConfig

# A generous upper bound of bytes per generated row, staging copy included.
BYTES_PER_ROW_ESTIMATE = 400
DISK_HEADROOM_BYTES = 64 * 1024 * 1024


class PreflightError(pulumi.RunError):
    """The machine or the account is not ready; the message says how to fix it."""


# --- Docker -------------------------------------------------------------------------


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


def docker_host() -> str:
    return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


# Transports the Docker provider understands that this check does not speak itself.
_DOCKER_OTHER_SCHEMES = ("ssh", "npipe", "fd", "https")


def check_docker_host(host: str) -> None:
    """A ``DOCKER_HOST`` without a known scheme is a typo, not a transport to skip."""
    scheme = urlparse(host).scheme if "://" in host else ""
    if scheme not in ("unix", "tcp", "http", *_DOCKER_OTHER_SCHEMES):
        raise PreflightError(
            f"DOCKER_HOST is {host!r}, which has no scheme Docker knows (unix://, tcp://, "
            "ssh://). Fix: export DOCKER_HOST=unix:///var/run/docker.sock (a local socket) "
            "or DOCKER_HOST=tcp://<host>:2375 (a daemon on the network), or unset DOCKER_HOST."
        )


def _docker_get(path: str, host: str, timeout: float = 5.0) -> tuple[int, bytes]:
    url = urlparse(host)
    if url.scheme == "unix":
        conn: http.client.HTTPConnection = _UnixHTTPConnection(url.path, timeout)
    elif url.scheme in ("tcp", "http"):
        conn = http.client.HTTPConnection(
            url.hostname or "localhost", url.port or 2375, timeout=timeout
        )
    else:
        raise ValueError(f"DOCKER_HOST scheme {url.scheme!r} is not checked")
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def check_docker(host: str | None = None) -> None:
    host = host or docker_host()
    check_docker_host(host)
    try:
        status, body = _docker_get("/_ping", host)
    except ValueError:
        return  # ssh:// and other transports: leave it to the Docker provider
    except OSError as err:
        raise PreflightError(
            f"Docker is not reachable at {host} ({err.strerror or err}). The database part "
            "of the stack runs PostgreSQL in Docker. Fix: start Docker (Docker Desktop, or "
            "`sudo systemctl start docker`) and check with `docker info`; or turn the database "
            "part off with `pulumi config set database false`."
        ) from None
    if status != 200:
        raise PreflightError(
            f"Docker at {host} answered /_ping with HTTP {status}: {body[:200]!r}. "
            "Fix: check `docker info`, or `pulumi config set database false`."
        )


def container_ports(container_name: str, host: str | None = None) -> set[int]:
    """Host ports published by the running container named exactly ``container_name``."""
    filters = quote(json.dumps({"name": [f"^/{container_name}$"]}))
    try:
        status, body = _docker_get(f"/containers/json?filters={filters}", host or docker_host())
    except (OSError, ValueError):
        return set()
    if status != 200:
        return set()
    return {
        port["PublicPort"]
        for container in json.loads(body)
        for port in container.get("Ports", [])
        if "PublicPort" in port
    }


# --- port ---------------------------------------------------------------------------


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def check_port(port: int, container_name: str, docker: str | None = None) -> None:
    if port_is_free(port):
        return
    if port in container_ports(container_name, docker):
        return  # our own container from an earlier `pulumi up`
    raise PreflightError(
        f"port {port} on 127.0.0.1 is in use by another program, and not by this stack's "
        f"container {container_name}. Fix: free it (see `lsof -i :{port}` or "
        f"`ss -ltnp 'sport = :{port}'`) or choose another port for this stack: "
        f"`pulumi config set postgresPort {suggest_port(port)}`."
    )


def suggest_port(busy: int) -> int:
    """A free port to suggest instead of ``busy``: the first free one of 55432, 55433, ..."""
    for candidate in range(55432, 55532):
        if candidate != busy and port_is_free(candidate):
            return candidate
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- disk ---------------------------------------------------------------------------


def estimated_bytes(tables: Sequence[TableSpec], rows: int) -> int:
    return len(tables) * rows * BYTES_PER_ROW_ESTIMATE + DISK_HEADROOM_BYTES


def check_cache_dir(cache_dir: Path) -> None:
    """The cache folder exists or can be created, and files can be written in it."""
    fix = (
        "Fix: export TESTENV_CACHE_DIR=<a writable folder> (for example "
        "~/.cache/aws2openstack-testenv), or unset it to use .cache/datagen in the project."
    )
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise PreflightError(
            f"the generator cache TESTENV_CACHE_DIR={cache_dir} is not a folder (it, or a "
            f"folder above it, is a file). {fix}"
        ) from None
    except OSError as err:
        raise PreflightError(
            f"the generator cache TESTENV_CACHE_DIR={cache_dir} cannot be created "
            f"({err.strerror}). {fix}"
        ) from None
    # Tried, not looked up: os.access says yes to root on a read-only mount.
    try:
        probe = tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".preflight-")
    except OSError as err:
        raise PreflightError(
            f"the generator cache TESTENV_CACHE_DIR={cache_dir} is not writable "
            f"({err.strerror}). {fix}"
        ) from None
    probe.close()


def check_disk(
    cache_dir: Path,
    tables: Sequence[TableSpec],
    rows: int,
    free_bytes: Callable[[Path], int] | None = None,
) -> None:
    existing = cache_dir
    while not existing.exists():
        existing = existing.parent
    free = (free_bytes or (lambda p: shutil.disk_usage(p).free))(existing)
    needed = estimated_bytes(tables, rows)
    if free >= needed:
        return
    where = (
        f"{existing} has {free / 2**20:,.0f} MiB free. Fix: free disk space (an old cache is "
        f"safe to delete: `rm -rf {cache_dir}`)"
    )
    if free < DISK_HEADROOM_BYTES:
        # Fewer rows cannot help: the fixed headroom alone does not fit.
        raise PreflightError(
            f"not enough free disk for the test data: even the smallest data needs about "
            f"{DISK_HEADROOM_BYTES / 2**20:,.0f} MiB in {cache_dir}, and {where}: at least "
            f"{(needed - free) / 2**20:,.0f} MiB more, or point TESTENV_CACHE_DIR at a disk "
            "with more room."
        )
    raise PreflightError(
        f"not enough free disk for the test data: {len(tables)} tables x {rows:,} rows need "
        f"about {needed / 2**20:,.0f} MiB in {cache_dir}, and {where}, or make the data "
        f"smaller: `pulumi config set rows 1000`."
    )


# --- AWS ----------------------------------------------------------------------------


def explain_aws_error(err: Exception, profile: str | None) -> PreflightError:
    """Turn a failed caller-identity lookup into an error that says what to run."""
    text = str(err)
    login = f"aws sso login --profile {profile}" if profile else "aws sso login (or aws configure)"
    check = f"aws sts get-caller-identity{f' --profile {profile}' if profile else ''}"
    lowered = text.lower()
    if "expired" in lowered:
        reason = "the AWS credentials have expired"
    elif "no valid credential" in lowered or "credential" in lowered:
        reason = "no AWS credentials were found"
    else:
        reason = "the AWS account could not be identified"
    first_line = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    return PreflightError(
        f"{reason} ({first_line[:300]}). The stack names its bucket after the account. "
        f"Fix: run `{login}`, or export AWS_PROFILE / AWS_ACCESS_KEY_ID and "
        f"AWS_SECRET_ACCESS_KEY; check with `{check}`. To try the stack without AWS, use the "
        "offline stack: scripts/up local (docs/offline.md)."
    )


# --- all of it ----------------------------------------------------------------------


def run(cfg: StackConfig, cache_dir: Path) -> None:
    """The machine checks, in order; the AWS check wraps the identity lookup instead."""
    if cfg.database is not None:
        check_docker()
        check_port(cfg.database.host_port, naming.container_name(cfg.env))
    check_cache_dir(cache_dir)
    check_disk(cache_dir, cfg.tables, cfg.rows)


def account_id(provider: aws.Provider, profile: str | None) -> str:
    """The account id of the provider's credentials, or an error that says how to log in."""
    import pulumi_aws as aws

    try:
        return aws.get_caller_identity(opts=pulumi.InvokeOptions(provider=provider)).account_id
    except Exception as err:  # the provider's error text is all there is to go on
        # The SDK ends the run with the provider's raw error (it re-raises failed invokes
        # first); the explanation goes to the engine's error log, where it is shown too.
        explained = explain_aws_error(err, profile)
        pulumi.log.error(str(explained))
        raise explained from None
