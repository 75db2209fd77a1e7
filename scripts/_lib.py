"""What the everyday scripts do in Python: the emulator's life cycle, and reading stack
outputs as JSON. Called by the shell scripts next to this file, never by hand.

Only the standard library is used outside ``check`` (which imports the project's own
preflight checks): the scripts run it with the system ``python3`` before the project's
environment may exist.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any, NoReturn

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# The emulator's identity is kept in the emulator itself: a restarted (empty) emulator
# has lost it, and whoever started it, the scripts see the difference.
MARKER_BUCKET = "aws2openstack-emulator-instance"
MARKER_KEY = "instance-id"
EMULATED_SERVICES = ("s3", "glue", "sts", "iam", "ec2", "athena", "lakeformation")
"""The services Pulumi.local.yaml (and scripts/_lib.sh) send to the emulator."""
PID_FILE = "moto.pid"
LOG_FILE = "moto.log"

PROG = os.environ.get("TESTENV_SCRIPT", "scripts")


class Failure(Exception):
    """A one-line reason and the command that fixes it."""

    def __init__(self, reason: str, fix: str):
        super().__init__(f"{reason}; fix: {fix}")


def fail(err: Failure) -> NoReturn:
    print(f"{PROG}: {err}", file=sys.stderr)
    sys.exit(1)


def say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


# --- the emulator ---------------------------------------------------------------------


def _request(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    timeout = 3.0
    return urllib.request.urlopen(request, timeout=timeout)


def probe(port: int) -> str:
    """``"s3"`` if an S3 emulator answers on the port, ``"free"`` if nothing listens,
    else a description of the other program that answers there."""
    try:
        with _request("GET", f"http://{HOST}:{port}/") as response:
            body = response.read(4096)
            server = response.headers.get("Server", "")
    except urllib.error.HTTPError as err:
        return f"a program answering HTTP {err.code} ({err.headers.get('Server') or 'no Server'})"
    except ConnectionRefusedError:
        return "free"
    except urllib.error.URLError as err:
        if isinstance(err.reason, ConnectionRefusedError):
            return "free"
        return f"a program that does not speak HTTP ({err.reason})"
    except OSError as err:
        return f"a program that does not speak HTTP ({err})"
    if b"ListAllMyBucketsResult" in body:
        return "s3"
    return f"a program that is not an S3 emulator (Server: {server or 'none'})"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def started_pid(state: Path) -> int | None:
    """The pid of the emulator the scripts started, if it still runs."""
    try:
        pid = int((state / PID_FILE).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if _alive(pid) and _is_our_emulator(pid) else None


def _is_our_emulator(pid: int) -> bool:
    """The pid still leads the session started for moto (not a reused pid of another).

    Its command line holds ``scripts/_moto_server.py``, so the check for ``moto_server``
    finds it (and an emulator that an earlier version started as ``moto_server``)."""
    try:
        if os.getpgid(pid) != pid:
            return False
    except ProcessLookupError:
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():  # Linux: the command itself can be checked too
        try:
            return b"moto_server" in cmdline.read_bytes()
        except OSError:
            return False
    return True


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(text[-lines:])


def start(port: int, state: Path, timeout: float) -> str:
    """Start moto in the background unless an S3 emulator already answers on ``port``.

    Returns ``"reused"`` or ``"started"``.
    """
    found = probe(port)
    if found == "s3":
        pid = started_pid(state)
        whose = f"started by scripts/up, pid {pid}" if pid else "not started by scripts/up"
        say(f"using the AWS emulator already listening on {HOST}:{port} ({whose})")
        return "reused"
    if found != "free":
        raise Failure(
            f"{HOST}:{port} is held by {found}, not by an AWS emulator",
            f"free the port (lsof -i :{port}) or use another one: "
            f"TESTENV_EMULATOR_PORT={port + 1} scripts/up local",
        )
    state.mkdir(parents=True, exist_ok=True)
    log = state / LOG_FILE
    command = [
        "uv",
        "run",
        "--locked",
        "--extra",
        "offline",
        "python",
        # moto plus the calls of the stack's resources that moto lacks (the file says which).
        "scripts/_moto_server.py",
        "-H",
        HOST,
        "-p",
        str(port),
    ]
    say(f"starting the AWS emulator: {' '.join(command)} (log: {log})")
    # No real account reaches the emulator: a profile of yours would even stop moto,
    # which looks it up.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PULUMI_"))}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    with log.open("ab") as out:
        # Its own session, so that stopping it stops uv and moto together.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (state / PID_FILE).write_text(f"{process.pid} {port}\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            (state / PID_FILE).unlink(missing_ok=True)
            raise Failure(
                f"the AWS emulator exited with status {process.returncode} before it answered "
                f"({_tail(log)})",
                f"read {log}; `uv sync --locked --inexact --extra offline` installs the emulator",
            )
        if probe(port) == "s3":
            say(f"the AWS emulator answers on {HOST}:{port} (pid {process.pid})")
            return "started"
        time.sleep(0.2)
    stop(state)
    raise Failure(
        f"the AWS emulator did not answer on {HOST}:{port} within {timeout:.0f} s",
        f"read {log}, or raise TESTENV_EMULATOR_TIMEOUT",
    )


def stop(state: Path, timeout: float = 10.0) -> int | None:
    """Stop the emulator the scripts started; the pid it had, or ``None`` if none ran."""
    pid = started_pid(state)
    if pid is None:
        (state / PID_FILE).unlink(missing_ok=True)  # a stale file of a dead process
        return None
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.1)
    if _alive(pid):
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    (state / PID_FILE).unlink(missing_ok=True)
    return pid


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def instance_id(port: int) -> str:
    """The id this emulator instance carries; a new one is stored if it has none."""
    url = f"http://{HOST}:{port}/{MARKER_BUCKET}/{MARKER_KEY}"
    try:
        with _request("GET", url) as response:
            return response.read().decode().strip()
    except urllib.error.HTTPError as err:
        if err.code != 404:
            raise
    except OSError as err:
        raise Failure(
            f"the AWS emulator on {HOST}:{port} does not answer ({err})",
            "scripts/up local starts it",
        ) from None
    new = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(4)}"
    # Unsigned requests are anonymous to moto: only a public-read marker can be read back.
    public = {"x-amz-acl": "public-read"}
    try:
        _request("PUT", f"http://{HOST}:{port}/{MARKER_BUCKET}", headers=public).close()
    except urllib.error.HTTPError as err:
        if err.code != 409:  # already there, without the object
            raise
    body_headers = {**public, "Content-Type": "text/plain"}
    _request("PUT", url, body=new.encode(), headers=body_headers).close()
    return new


# --- stack outputs ----------------------------------------------------------------------


def pulumi_json(*args: str) -> Any:
    """The JSON a ``pulumi`` command prints; the CLI's own error as the reason if it fails."""
    try:
        done = subprocess.run(["pulumi", *args], capture_output=True, text=True, timeout=300)
    except FileNotFoundError:
        raise Failure(
            "the Pulumi CLI is not installed", "curl -fsSL https://get.pulumi.com | sh"
        ) from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise Failure(f"pulumi {' '.join(args[:2])} failed: {reason}", "scripts/up STACK first")
    try:
        return json.loads(done.stdout or "null")
    except json.JSONDecodeError:
        raise Failure(
            f"pulumi {' '.join(args[:2])} printed no JSON", "check `pulumi version`"
        ) from None


def outputs(stack: str, show_secrets: bool = False) -> dict[str, Any]:
    args = ["stack", "output", "--stack", stack, "--json"]
    return pulumi_json(*args, *(["--show-secrets"] if show_secrets else [])) or {}


def _one_line(value: Any, width: int) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def container_health(name: str) -> str:
    fmt = "{{.State.Status}}{{if .State.Health}} ({{.State.Health.Status}}){{end}}"
    try:
        done = subprocess.run(
            ["docker", "inspect", "--format", fmt, name],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except FileNotFoundError:
        return "unknown (the docker CLI is not installed)"
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no such container"])[-1]
        return f"not found ({reason}); fix: scripts/up recreates it"
    return done.stdout.strip()


TARGET_SERVICES = (
    ("objects", "TARGET_S3_ENDPOINT"),
    ("rest", "TARGET_ICEBERG_REST_URI"),
    ("metastore", "TARGET_METASTORE_URI"),
    ("trino", "TARGET_TRINO_URI"),
)
"""The target's services (docs/target.md): each one's role and the output of its endpoint."""
PROBE_SECONDS = 5.0


def _get(url: str) -> tuple[int, bytes]:
    """The status and body of a GET; an HTTP error status is an answer too."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_SECONDS) as response:
            return response.status, response.read(4096)
    except urllib.error.HTTPError as error:
        return error.code, error.read(4096)


def _no_answer(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or error
    return f"no answer ({reason})"


def probe_target(role: str, endpoint: str) -> str:
    """What the target service at ``endpoint`` answers, probed as its kind of server:
    an S3 XML reply, the REST catalog's ``/v1/config``, a thrift port that accepts a
    connection, Trino's ``/v1/info`` (``starting`` until its first node is up)."""
    import socket
    from urllib.parse import urlsplit

    try:
        if role == "metastore":
            parts = urlsplit(endpoint)
            with socket.create_connection(
                (parts.hostname or HOST, parts.port or 9083), timeout=PROBE_SECONDS
            ):
                return "ready (thrift port accepts connections)"
        if role == "objects":
            code, body = _get(f"{endpoint}/")
            if b"<?xml" in body or b"<Error>" in body or b"ListAllMyBucketsResult" in body:
                return f"ready (S3 answers, HTTP {code})"
            return f"answers HTTP {code}, but not as S3"
        if role == "rest":
            code, body = _get(f"{endpoint}/v1/config")
            if code == 200 and b"defaults" in body:
                return "ready (GET /v1/config)"
            return f"answers HTTP {code} on /v1/config, not as an Iceberg REST catalog"
        code, body = _get(f"{endpoint}/v1/info")
        info = json.loads(body) if code == 200 else {}
        if info.get("starting") is False:
            return f"ready (Trino {info.get('nodeVersion', {}).get('version', '?')})"
        if info.get("starting"):
            return "starting (its first node is not up yet)"
        return f"answers HTTP {code} on /v1/info, not as Trino"
    except (OSError, ValueError) as error:
        return _no_answer(error)


def target_health(values: dict[str, Any], stack: str) -> list[str]:
    """One line per target service of the outputs: its endpoint, what answers there and,
    when the outputs name them, its container's state."""
    containers = str(values.get("TARGET_CONTAINERS") or "").split(",")
    lines = []
    for index, (role, key) in enumerate(TARGET_SERVICES):
        endpoint = str(values.get(key) or "")
        if not endpoint:
            lines.append(f"  {role:<10} no {key} output; fix: scripts/up {stack}")
            continue
        name = containers[index] if index < len(containers) else ""
        answer = probe_target(role, endpoint)
        if answer.startswith("no answer"):
            why = f"docker logs {name}" if name else "docker logs of its container"
            answer += f"; fix: {why} shows why, scripts/up {stack} restarts it"
        line = f"  {role:<10} {endpoint:<26} {answer}"
        if name:
            line += f"\n  {'':<10} container {name}: {container_health(name)}"
        lines.append(line)
    return lines


def status(stack: str, offline: bool) -> None:
    exported = pulumi_json("stack", "export", "--stack", stack)
    deployment = (exported or {}).get("deployment") or {}
    resources = deployment.get("resources") or []
    kinds = Counter(
        r.get("type", "?")
        for r in resources
        if not r.get("type", "").startswith("pulumi:providers:")
        and r.get("type") != "pulumi:pulumi:Stack"
    )
    when = (deployment.get("manifest") or {}).get("time", "never")
    backend = "offline (local file backend, AWS emulator)" if offline else "your Pulumi login"
    print(f"stack      {stack}  [{backend}]")
    print(f"updated    {when}")
    print(f"resources  {sum(kinds.values())}")
    for kind, count in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:>5}  {kind}")
    values = outputs(stack)
    print("outputs    (secrets hidden; `pulumi stack output --show-secrets NAME` shows one)")
    for key in sorted(values):
        print(f"  {key:<26} {_one_line(values[key], 60)}")
    container = values.get("POSTGRES_CONTAINER")
    if container:
        print(f"container  {container}: {container_health(str(container))}")
        print(f"schema     revision {values.get('SCHEMA_REVISION', 'unknown')}")
    else:
        print("container  none (database is off for this stack)")
    if values.get("TARGET_TRINO_URI"):
        print("target     (docs/target.md)")
        print("\n".join(target_health(values, stack)))


def database_env(stack: str) -> dict[str, str]:
    """PG* variables for psql from the stack's DATABASE_URL (a secret output)."""
    from urllib.parse import unquote, urlsplit

    url = outputs(stack, show_secrets=True).get("DATABASE_URL")
    if not url:
        raise Failure(
            f"stack {stack} has no DATABASE_URL output (its database part is off)",
            f"pulumi config set --stack {stack} database true && scripts/up {stack}",
        )
    parts = urlsplit(str(url))
    return {
        "PGHOST": parts.hostname or HOST,
        "PGPORT": str(parts.port or 5432),
        "PGUSER": unquote(parts.username or ""),
        "PGPASSWORD": unquote(parts.password or ""),
        "PGDATABASE": unquote(parts.path.lstrip("/")),
    }


def psql(stack: str, in_container: bool, args: list[str]) -> NoReturn:
    pg = database_env(stack)
    env = {**os.environ, **pg}
    if not in_container and _which("psql"):
        say(f"psql on {pg['PGHOST']}:{pg['PGPORT']}/{pg['PGDATABASE']} as {pg['PGUSER']}")
        os.execvpe("psql", ["psql", *args], env)
    container = str(outputs(stack).get("POSTGRES_CONTAINER") or "")
    tty = ["-it"] if sys.stdin.isatty() else ["-i"]
    # `-e NAME` without a value: docker copies it from its own environment, so the
    # password never appears in a command line.
    command = ["docker", "exec", *tty, "-e", "PGPASSWORD", "-e", "PGUSER", "-e", "PGDATABASE"]
    say(f"psql inside container {container} as {pg['PGUSER']} (no psql on the host needed)")
    if not _which("docker"):
        fail(
            Failure(
                "neither psql nor docker is installed",
                "install psql (apt install postgresql-client)",
            )
        )
    os.execvpe("docker", [*command, container, "psql", *args], env)


def _which(name: str) -> bool:
    from shutil import which

    return which(name) is not None


# --- preflight checks ---------------------------------------------------------------------


def check(stack: str, offline: bool, port: int, config_file: Path | None = None) -> int:
    """Each preflight check of components/preflight.py, one line each; 1 if any failed.

    The configuration comes from ``config_file`` when given, else from Pulumi.<stack>.yaml.
    """
    import yaml

    sys.path.insert(0, str(ROOT))
    import pulumi
    from pulumi.runtime import settings

    from components import config as stack_config
    from components import naming, preflight

    source = config_file or ROOT / f"Pulumi.{stack}.yaml"
    if not config_file and not source.is_file():
        source = ROOT / ("scripts/offline.yaml" if offline else "Pulumi.test.yaml")
    raw = (yaml.safe_load(source.read_text()) or {}).get("config") or {}
    values = {
        key: value if isinstance(value, str) else json.dumps(value)
        for key, value in raw.items()
        if not (isinstance(value, dict) and "secure" in value)
    }
    if offline:
        endpoint = f"http://{HOST}:{port}"
        values["aws:endpoints"] = json.dumps([{s: endpoint for s in EMULATED_SERVICES}])
    project = yaml.safe_load(stack_config.PROJECT_FILE.read_text())["name"]
    settings.configure(settings.Settings(project=project, stack=stack))
    pulumi.runtime.set_all_config(values)
    print(f"{PROG}: preflight checks of stack {stack} (configuration from {source.name})")

    failed = 0

    def report(name: str, run: Any) -> Any:
        nonlocal failed
        try:
            ok = run()
        except Exception as err:  # the checks' own messages carry the fix
            failed += 1
            print(f"✗ {name}: {' '.join(str(err).split())}")
            return None
        print(f"✓ {name}: {ok}")
        return ok

    cfg = None
    try:
        cfg = stack_config.load(stack=stack)
    except Exception as err:  # ConfigError lists every bad key with its fix
        print(f"✗ configuration: {' '.join(str(err).split())}")
        return 1
    print(f"✓ configuration: valid ({source.name})")
    cache_dir = Path(os.environ.get("TESTENV_CACHE_DIR") or ROOT / ".cache" / "datagen")
    if cfg.database is not None:
        host = preflight.docker_host()
        report("docker", lambda: preflight.check_docker() or f"the daemon answers at {host}")
        container = naming.container_name(cfg.env)
        port_ = cfg.database.host_port
        report(
            "port",
            lambda: (
                preflight.check_port(port_, container)
                or f"{HOST}:{port_} is free or held by this stack's container {container}"
            ),
        )
    else:
        print("- docker, port: skipped (database is off for this stack)")
    report(
        "disk",
        lambda: (
            preflight.check_disk(cache_dir, cfg.tables, cfg.rows)
            or f"room for {len(cfg.tables)} tables x {cfg.rows:,} rows in {cache_dir}"
        ),
    )
    report("aws", lambda: _caller_identity(cfg, raw, offline, port))
    return 1 if failed else 0


def _caller_identity(cfg: Any, raw: dict[str, Any], offline: bool, port: int) -> str:
    import boto3
    from botocore.config import Config

    from components import preflight
    from components.outputs import emulator_endpoint

    profile = cfg.aws.provider_args.get("profile")
    endpoint = emulator_endpoint(cfg.aws.provider_args.get("endpoints"))
    session_args: dict[str, Any] = {"region_name": cfg.aws.region}
    if profile:
        session_args["profile_name"] = profile
    if endpoint:
        session_args["aws_access_key_id"] = str(raw.get("aws:accessKey") or "testing")
        session_args["aws_secret_access_key"] = str(raw.get("aws:secretKey") or "testing")
    try:
        client = boto3.Session(**session_args).client(
            "sts",
            endpoint_url=endpoint,
            config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 1}),
        )
        found = client.get_caller_identity()
    except Exception as err:
        if endpoint:
            fix = "scripts/up local starts it" if offline else "start the emulator"
            raise Failure(f"no AWS emulator answers at {endpoint} ({err})", fix) from None
        raise preflight.explain_aws_error(err, profile) from None
    where = f" (emulator at {endpoint})" if endpoint else ""
    return f"account {found['Account']} as {found['Arn']}{where}"


# --- command line -------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/_lib.py")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("start", "stop", "running", "instance", "probe"):
        p = sub.add_parser(name)
        p.add_argument("--port", type=int, default=5000)
        p.add_argument("--state", type=Path, default=ROOT / ".cache" / "emulator")
        p.add_argument("--timeout", type=float, default=120.0)
    for name in ("status", "psql", "check"):
        p = sub.add_parser(name)
        p.add_argument("--stack", required=True)
        p.add_argument("--offline", action="store_true")
        p.add_argument("--port", type=int, default=5000)
        p.add_argument("--in-container", action="store_true")
        p.add_argument("--config-file", type=Path)
    rest: list[str] = []
    if "--" in argv:
        argv, rest = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            print(start(args.port, args.state, args.timeout))
        elif args.command == "stop":
            pid = stop(args.state)
            print(pid if pid is not None else "")
        elif args.command == "running":
            pid = started_pid(args.state)
            if pid is None:
                return 1
            print(pid)
        elif args.command == "probe":
            found = probe(args.port)
            print({"s3": "an AWS emulator answers", "free": "nothing listens"}.get(found, found))
        elif args.command == "instance":
            print(instance_id(args.port))
        elif args.command == "status":
            status(args.stack, args.offline)
        elif args.command == "psql":
            psql(args.stack, args.in_container, rest)
        elif args.command == "check":
            return check(args.stack, args.offline, args.port, args.config_file)
    except Failure as err:
        fail(err)
    except urllib.error.HTTPError as err:
        fail(Failure(f"the AWS emulator answered {err.url} with HTTP {err.code}", _RESTART))
    except OSError as err:
        fail(Failure(f"talking to the AWS emulator failed ({err})", _RESTART))
    return 0


_RESTART = "read .cache/emulator/moto.log; scripts/down local && scripts/up local starts afresh"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
