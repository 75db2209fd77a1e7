"""The everyday scripts (scripts/up, down, status, psql, logs, check, clean) drive the
Pulumi and Docker CLIs in the documented order.

``pulumi``, ``docker`` and ``psql`` are stand-ins written here (they record their
arguments and environment and print canned output); the AWS emulator the offline
scripts start is the real moto server, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ("up", "down", "status", "psql", "logs", "check", "clean")
PASSWORD = "s3cr3t-Pa55word"

# The stand-in Pulumi CLI: a small state file of stacks and config, a log of calls.
FAKE_PULUMI = textwrap.dedent(
    """\
    #!/usr/bin/env python3
    import json, os, sys, urllib.request
    args = sys.argv[1:]
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(" ".join(args) + "\\n")
    watched = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_CONFIG_PASSPHRASE",
               "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_ENDPOINT_URL"]
    with open(os.environ["FAKE_LOG"] + ".env", "a") as log:
        log.write(json.dumps({k: os.environ.get(k) for k in watched}) + "\\n")
    path = os.environ["FAKE_STATE"]
    state = json.load(open(path)) if os.path.exists(path) else {"stacks": [], "config": {}}
    def save():
        json.dump(state, open(path, "w"))
    def opt(name):
        return args[args.index(name) + 1] if name in args else None
    stack = opt("--stack")
    words = [a for a in args if not a.startswith("-") and a != stack]
    cmd = " ".join(words[:2])
    if words[:1] == ["whoami"]:
        sys.exit(0 if os.environ.get("FAKE_LOGGED_IN") else 1)
    if cmd == "stack select":
        sys.exit(0 if words[2] in state["stacks"] or os.environ.get("FAKE_STACK_EXISTS") else 1)
    if cmd == "stack init":
        state["stacks"].append(words[2]); save(); sys.exit(0)
    if cmd == "config set":
        state["config"].setdefault(stack, {})[words[2]] = words[3]; save(); sys.exit(0)
    if cmd == "config get":
        value = state["config"].get(stack, {}).get(words[2])
        if value is None:
            sys.exit("error: configuration key not found")
        print(value); sys.exit(0)
    if cmd == "stack output":
        outputs = json.load(open(os.environ["FAKE_OUTPUTS"]))
        if "--show-secrets" not in args:
            outputs = {k: "[secret]" if k == "DATABASE_URL" else v for k, v in outputs.items()}
        if len(words) > 2:
            if words[2] not in outputs:
                sys.exit(f"error: current stack does not have output property '{words[2]}'")
            print(outputs[words[2]])
        else:
            print(json.dumps(outputs))
        sys.exit(0)
    if cmd == "stack export":
        print(open(os.environ["FAKE_EXPORT"]).read()); sys.exit(0)
    if words[:1] == ["up"] and os.environ.get("FAKE_UP_FAILS"):
        sys.exit("error: update failed")
    if words[:1] == ["up"] and os.environ.get("AWS_ENDPOINT_URL"):
        # What the AWS provider does first: talk to the endpoint the stack config names.
        endpoint = state["config"].get(stack, {}).get("aws:endpoints[0].s3",
                                                      "http://127.0.0.1:5000")
        request = urllib.request.Request(f"{endpoint}/fake-{stack}-bucket", method="PUT")
        try:
            urllib.request.urlopen(request, timeout=5).close()
        except OSError as err:
            sys.exit(f"error: creating S3 Bucket at {endpoint}: {err}")
    sys.exit(0)
    """
)

# The stand-in Docker CLI: inspect prints a health, everything else is recorded.
FAKE_DOCKER = textwrap.dedent(
    """\
    #!/usr/bin/env python3
    import json, os, sys
    with open(os.environ["FAKE_LOG"] + ".docker", "a") as log:
        log.write(json.dumps({"args": sys.argv[1:], "PGPASSWORD": os.environ.get("PGPASSWORD"),
                              "PGUSER": os.environ.get("PGUSER")}) + "\\n")
    if sys.argv[1] == "inspect":
        print("running (healthy)")
    elif sys.argv[1] == "logs":
        print("LOG: database system is ready to accept connections")
    """
)

FAKE_PSQL = textwrap.dedent(
    """\
    #!/usr/bin/env python3
    import json, os, sys
    with open(os.environ["FAKE_LOG"] + ".psql", "a") as log:
        env = {k: os.environ.get(k) for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD",
                                              "PGDATABASE")}
        log.write(json.dumps({"args": sys.argv[1:], "env": env}) + "\\n")
    """
)

OUTPUTS = {
    "TESTENV_STACK": "dev-bob",
    "TESTENV_BUCKET": "aws2openstack-dev-bob-123456789012-eu-central-1",
    "TESTENV_TABLES": {"dev_bob_analytics": {"sales_data": {"rows": 1000}}},
    "DATABASE_URL": f"postgresql://testuser:{PASSWORD}@127.0.0.1:55432/aws2openstack_test",
    "POSTGRES_CONTAINER": "aws2openstack-dev-bob-postgres",
    "SCHEMA_REVISION": "0001",
}
EXPORT = {
    "version": 3,
    "deployment": {
        "manifest": {"time": "2026-12-01T10:00:00Z"},
        "resources": [
            {"type": "pulumi:pulumi:Stack"},
            {"type": "pulumi:providers:aws"},
            {"type": "aws:s3/bucket:Bucket"},
            *[{"type": "aws:s3/bucketObjectv2:BucketObjectv2"}] * 3,
            {"type": "docker:index/container:Container"},
        ],
    },
}


def _uv_dir() -> str:
    uv = os.environ.get("UV") or shutil.which("uv") or str(Path.home() / ".local/bin/uv")
    return str(Path(uv).parent)


@dataclass
class Sandbox:
    """Stand-in CLIs on PATH and a state folder of its own; runs the scripts."""

    tmp: Path
    port: int
    env: dict[str, str] = field(default_factory=dict)
    root: Path = ROOT

    def __post_init__(self) -> None:
        self.bin = self.tmp / "bin"
        self.bin.mkdir()
        for name, text in (("pulumi", FAKE_PULUMI), ("docker", FAKE_DOCKER)):
            (self.bin / name).write_text(text)
            (self.bin / name).chmod(0o755)
        self.state = self.tmp / "state"
        self.log = self.tmp / "calls.log"
        (self.tmp / "outputs.json").write_text(json.dumps(OUTPUTS))
        (self.tmp / "export.json").write_text(json.dumps(EXPORT))

    def add_fake(self, name: str, text: str) -> None:
        (self.bin / name).write_text(text)
        (self.bin / name).chmod(0o755)

    def run(self, script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("TESTENV_", "PULUMI_"))}
        return subprocess.run(
            [str(self.root / "scripts" / script), *args],
            env={
                **base,
                "PATH": f"{self.bin}:{_uv_dir()}:{os.environ['PATH']}",
                "FAKE_LOG": str(self.log),
                "FAKE_STATE": str(self.tmp / "pulumi-state.json"),
                "FAKE_OUTPUTS": str(self.tmp / "outputs.json"),
                "FAKE_EXPORT": str(self.tmp / "export.json"),
                "TESTENV_STATE_DIR": str(self.state),
                "TESTENV_EMULATOR_PORT": str(self.port),
                "TESTENV_CACHE_DIR": str(self.tmp / "datagen-cache"),
                "USER": "alice",
                **self.env,
                **env,
            },
            capture_output=True,
            text=True,
            timeout=180,
        )

    def forget(self) -> None:
        """Start the call logs afresh."""
        for path in self.tmp.glob(f"{self.log.name}*"):
            path.unlink()

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def call_envs(self) -> list[dict[str, str | None]]:
        path = Path(f"{self.log}.env")
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def records(self, tool: str) -> list[dict]:
        path = Path(f"{self.log}.{tool}")
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def emulator_pid(self) -> int | None:
        pid_file = self.state / "emulator" / "moto.pid"
        return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.05)


def _answers_s3(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            return b"ListAllMyBucketsResult" in response.read()
    except OSError:
        return False


def _buckets(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
        return response.read().decode()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    box = Sandbox(tmp_path, free_port())
    try:
        yield box
    finally:
        pid = box.emulator_pid()
        if pid is not None:
            _kill_group(pid)


# --- scripts/up on a stack of your own login (unchanged) ------------------------------------


def test_new_stack_is_created_configured_from_test_and_deployed(sandbox):
    """Logged out, a new stack gets a local login, init, Pulumi.test.yaml's config, then up."""
    result = sandbox.run("up", "dev-bob", "--yes")
    calls = sandbox.calls()
    assert result.returncode == 0, result.stderr
    assert calls[0] == "whoami"
    assert calls[1] == "login --local"
    assert calls[2] == "stack select dev-bob"
    assert calls[3] == "stack init dev-bob"
    assert "config set --stack dev-bob aws:region eu-central-1" in calls
    assert "config set --stack dev-bob aws2openstack-testenv:seed 42" in calls
    assert calls[-1] == "up --stack dev-bob --yes"


def test_existing_stack_is_only_deployed(sandbox):
    """Logged in and given no stack, the existing dev-$USER stack is only selected and deployed."""
    result = sandbox.run("up", FAKE_LOGGED_IN="1", FAKE_STACK_EXISTS="1")
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == ["whoami", "stack select dev-alice", "up --stack dev-alice"]


def test_backend_url_is_used_for_login(sandbox):
    """When not logged in, scripts/up logs in to the backend named by PULUMI_BACKEND_URL."""
    result = sandbox.run(
        "up", "dev-bob", PULUMI_BACKEND_URL="s3://team-state", FAKE_STACK_EXISTS="1"
    )
    assert result.returncode == 0, result.stderr
    assert "login s3://team-state" in sandbox.calls()


@pytest.mark.parametrize("script", SCRIPTS[:-1])
@pytest.mark.parametrize("stack", ["dev alice", "dev/alice", "dev;rm"])
def test_bad_stack_name_is_refused_before_any_pulumi_call(sandbox, script, stack):
    """A stack name with a space, '/' or ';' exits 2 with an example and never calls pulumi."""
    result = sandbox.run(script, stack)
    assert result.returncode == 2
    assert f"stack name '{stack}'" in result.stderr and f"{script} dev-alice" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sandbox.calls() == []


def test_bad_emulator_port_is_refused_before_anything_runs(sandbox):
    """TESTENV_EMULATOR_PORT that is not a port from 1024 to 65535 exits 2 with the fix."""
    result = sandbox.run("up", "local", TESTENV_EMULATOR_PORT="80")
    assert result.returncode == 2
    assert "TESTENV_EMULATOR_PORT is '80'" in result.stderr and "fix:" in result.stderr
    assert sandbox.calls() == [] and not sandbox.state.exists()


# --- scripts/up local: offline in one command ------------------------------------------------


def _assert_offline_env(sandbox: Sandbox, stack: str) -> None:
    passphrase = sandbox.state / "stacks" / f"{stack}.passphrase"
    for env in sandbox.call_envs():
        assert env["PULUMI_BACKEND_URL"] == f"file://{sandbox.state}/pulumi"
        assert env["PULUMI_CONFIG_PASSPHRASE_FILE"] == str(passphrase)
        assert env["PULUMI_CONFIG_PASSPHRASE"] is None  # the user's own is not used
        assert env["AWS_PROFILE"] is None
        assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == ("testing", "testing")
        assert env["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{sandbox.port}"
    assert passphrase.stat().st_mode & 0o777 == 0o600
    assert len(passphrase.read_text().strip()) >= 32


def test_up_local_from_nothing_starts_the_emulator_and_a_second_up_reuses_it(sandbox):
    """scripts/up local starts moto, uses a project-local backend and passphrase (no login),
    points the stack at the emulator's port and deploys; a second up reuses the emulator,
    and scripts/down local destroys the stack and stops the emulator."""
    sandbox.env.update(PULUMI_CONFIG_PASSPHRASE="the-users-own", AWS_PROFILE="real-account")
    first = sandbox.run("up", "local", "--yes")
    assert first.returncode == 0, first.stderr
    assert "starting the AWS emulator" in first.stderr
    pid = sandbox.emulator_pid()
    assert pid is not None and _alive(pid) and _answers_s3(sandbox.port)
    assert (sandbox.state / "emulator" / "moto.log").is_file()
    calls = sandbox.calls()
    assert not any(c.startswith(("login", "whoami")) for c in calls)
    assert calls[:2] == ["stack select local", "stack init local"]
    assert "configuration of Pulumi.local.yaml" in first.stderr
    endpoint = f"http://127.0.0.1:{sandbox.port}"
    for service in ("s3", "glue", "sts", "iam"):
        assert f"config set --stack local --path aws:endpoints[0].{service} {endpoint}" in calls
    assert calls[-1] == "up --stack local --yes"
    assert "fake-local-bucket" in _buckets(sandbox.port)  # the stand-in up reached moto
    _assert_offline_env(sandbox, "local")

    sandbox.forget()
    second = sandbox.run("up", "local", "--yes")
    assert second.returncode == 0, second.stderr
    assert "using the AWS emulator already listening" in second.stderr
    assert "starting" not in second.stderr and "restarted" not in second.stderr
    assert sandbox.emulator_pid() == pid and _alive(pid)
    assert [c for c in sandbox.calls() if not c.startswith("config get")] == [
        "stack select local",
        "up --stack local --yes",
    ]

    down = sandbox.run("down", "local", "--yes")
    assert down.returncode == 0, down.stderr
    assert sandbox.calls()[-1] == "destroy --stack local --yes"
    assert f"stopped the AWS emulator (pid {pid})" in down.stderr
    assert not _alive(pid) and not _answers_s3(sandbox.port)
    assert sandbox.emulator_pid() is None


def test_up_local_works_in_a_fresh_copy_of_the_repository(sandbox):
    """In a copy of the tracked files with no .venv and no .cache, scripts/up local builds
    the environment with the offline extra only (no engines), starts the emulator from it,
    which serves the services the stack's provider calls, and deploys (uv offline: from its
    cache)."""
    clone = sandbox.tmp / "clone"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (t.decode() for t in tracked)):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    sandbox.root, sandbox.state = clone, clone / ".cache"
    # The copy's own .cache, as a new user has it; no network for uv.
    sandbox.env = {"TESTENV_STATE_DIR": "", "TESTENV_CACHE_DIR": "", "UV_OFFLINE": "1"}
    try:
        first = sandbox.run("up", "local", "--yes")
        assert first.returncode == 0, first.stderr
        assert (clone / ".venv").is_dir() and sandbox.emulator_pid() is not None
        assert sandbox.calls()[-1] == "up --stack local --yes"
        assert "fake-local-bucket" in _buckets(sandbox.port)
        installed = {p.name.split("-")[0].lower() for p in clone.glob(".venv/lib/*/site-*/*")}
        assert "moto" in installed and "flask" in installed
        assert not installed & {"pyspark", "duckdb", "datafusion", "pytest", "cfnlint"}
        _serves_the_providers_services(sandbox.port)
        down = sandbox.run("down", "local", "--yes")
    finally:
        pid = sandbox.emulator_pid()
        if pid is not None:
            _kill_group(pid)
        shutil.rmtree(clone / ".venv", ignore_errors=True)  # 700 MB that no one reads again
    assert down.returncode == 0, down.stderr
    assert "stopped the AWS emulator" in down.stderr and not _answers_s3(sandbox.port)


def _serves_the_providers_services(port: int) -> None:
    """S3, Glue, STS and IAM answer on the emulator (the stack's aws:endpoints)."""
    import boto3

    args = {
        "endpoint_url": f"http://127.0.0.1:{port}",
        "region_name": "eu-central-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    glue = boto3.client("glue", **args)
    glue.create_database(DatabaseInput={"Name": "fresh_copy"})
    assert glue.get_database(Name="fresh_copy")["Database"]["Name"] == "fresh_copy"
    assert boto3.client("sts", **args).get_caller_identity()["Account"] == "123456789012"
    assert boto3.client("iam", **args).list_roles()["Roles"] == []
    assert boto3.client("s3", **args).list_buckets()["Buckets"]


def test_restarted_emulator_is_reported_and_the_stack_refreshed_before_up(sandbox):
    """After the emulator is restarted, scripts/up says so and runs pulumi refresh before up."""
    assert sandbox.run("up", "local", "--yes").returncode == 0
    old = sandbox.emulator_pid()
    _kill_group(old)
    sandbox.forget()

    again = sandbox.run("up", "local", "--yes")
    assert again.returncode == 0, again.stderr
    assert "the AWS emulator was restarted since the last up of local" in again.stderr
    calls = sandbox.calls()
    assert "refresh --stack local --yes --skip-preview" in calls
    assert calls.index("refresh --stack local --yes --skip-preview") < calls.index(
        "up --stack local --yes"
    )
    new = sandbox.emulator_pid()
    assert new is not None and new != old and _alive(new)


def test_failed_up_exits_1_with_the_fix_and_is_still_refreshed_after_a_restart(sandbox):
    """A failing pulumi up gives one line with its fix; the resources it may have left in
    the emulator are refreshed away once the emulator was restarted."""
    failed = sandbox.run("up", "local", "--yes", FAKE_UP_FAILS="1")
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines()[-1] == (
        "scripts/up: pulumi up of stack local failed (exit status 1); fix: read the error "
        "above; scripts/check local runs the preflight checks alone"
    )
    _kill_group(sandbox.emulator_pid())
    again = sandbox.run("up", "local", "--yes")
    assert again.returncode == 0, again.stderr
    assert "refresh --stack local --yes --skip-preview" in sandbox.calls()


def test_two_offline_stacks_share_the_emulator_until_the_last_is_down(sandbox):
    """--offline creates a stack with Pulumi.local.yaml's config; down of one offline stack
    keeps the emulator while the other still has resources in it."""
    stack = "offline-scripts-test"
    assert not (ROOT / f"Pulumi.{stack}.yaml").exists()
    assert sandbox.run("up", "local", "--yes").returncode == 0
    pid = sandbox.emulator_pid()
    sandbox.forget()
    other = sandbox.run("up", "--offline", stack, "--yes")
    assert other.returncode == 0, other.stderr
    calls = sandbox.calls()
    assert f"config set --stack {stack} aws:accessKey testing" in calls
    assert f"config set --stack {stack} aws2openstack-testenv:tlsOnlyPolicy false" in calls
    assert not any("- s3" in c or "endpoints:" in c for c in calls)  # nested: set by --path
    endpoint = f"http://127.0.0.1:{sandbox.port}"
    assert f"config set --stack {stack} --path aws:endpoints[0].s3 {endpoint}" in calls
    _assert_offline_env(sandbox, stack)

    first_down = sandbox.run("down", "local", "--yes")
    assert first_down.returncode == 0, first_down.stderr
    assert f"stack(s) {stack} still have resources" in first_down.stderr and _alive(pid)
    # Created offline, the stack is found offline without --offline.
    last_down = sandbox.run("down", stack, "--yes")
    assert last_down.returncode == 0, last_down.stderr
    assert "stopped the AWS emulator" in last_down.stderr and not _alive(pid)


class _NotS3(http.server.BaseHTTPRequestHandler):
    """What macOS's AirPlay receiver answers on port 5000."""

    server_version, sys_version = "AirTunes/695.5.1", ""

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        self.send_response(403)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_http_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_port_held_by_another_program_is_refused_with_the_fix(sandbox, other_http_server):
    """A non-S3 program on the emulator port stops scripts/up before pulumi up, saying how."""
    sandbox.port = other_http_server
    result = sandbox.run("up", "local", "--yes")
    assert result.returncode == 1
    line = result.stderr.strip().splitlines()[-1]
    assert f"127.0.0.1:{other_http_server} is held by" in line and "AirTunes" in line
    assert f"TESTENV_EMULATOR_PORT={other_http_server + 1} scripts/up local" in line
    assert not any(c.startswith("up") for c in sandbox.calls())
    assert sandbox.emulator_pid() is None


# --- status, psql, logs -----------------------------------------------------------------------


def test_status_shows_resources_outputs_without_secrets_and_container_health(sandbox):
    """scripts/status: resources by type, outputs with DATABASE_URL hidden, health, revision."""
    result = sandbox.run("status", "dev-bob", FAKE_STACK_EXISTS="1")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"resources\s+5\n", out)
    assert re.search(r"3\s+aws:s3/bucketObjectv2:BucketObjectv2", out)
    assert re.search(r"DATABASE_URL\s+\[secret\]", out)
    assert PASSWORD not in out + result.stderr
    assert "aws2openstack-dev-bob-postgres: running (healthy)" in out
    assert "revision 0001" in out
    assert len(out.splitlines()) <= 40  # one screen
    assert sandbox.records("docker")[0]["args"][0] == "inspect"


def test_status_of_a_stack_that_does_not_exist_says_how_to_create_it(sandbox):
    """scripts/status on a missing stack exits 1 with one line naming scripts/up."""
    result = sandbox.run("status", "dev-nobody", FAKE_LOGGED_IN="1")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "scripts/status: stack dev-nobody does not exist in your Pulumi backend; "
        "fix: scripts/up dev-nobody"
    )


def test_offline_commands_before_the_first_up_say_so(sandbox):
    """status/psql/logs/down of an offline stack never created exit 1 naming scripts/up."""
    for script in ("status", "psql", "logs", "down"):
        result = sandbox.run(script, "local")
        assert result.returncode == 1, script
        assert "offline stack local has not been created here" in result.stderr
        assert "fix: scripts/up local" in result.stderr
    assert sandbox.calls() == []


def test_psql_gives_the_password_to_psql_only_through_its_environment(sandbox):
    """scripts/psql runs the host psql with PG* variables from the secret DATABASE_URL."""
    sandbox.add_fake("psql", FAKE_PSQL)
    result = sandbox.run("psql", "dev-bob", "-c", "select 1", FAKE_STACK_EXISTS="1")
    assert result.returncode == 0, result.stderr
    (call,) = sandbox.records("psql")
    assert call["args"] == ["-c", "select 1"]
    assert call["env"] == {
        "PGHOST": "127.0.0.1",
        "PGPORT": "55432",
        "PGUSER": "testuser",
        "PGPASSWORD": PASSWORD,
        "PGDATABASE": "aws2openstack_test",
    }
    assert PASSWORD not in result.stdout + result.stderr


def test_psql_in_container_passes_the_password_by_name_not_value(sandbox):
    """scripts/psql --in-container runs docker exec -e PGPASSWORD, the value only in its env."""
    result = sandbox.run(
        "psql", "dev-bob", "--in-container", "-c", "select 1", FAKE_STACK_EXISTS="1"
    )
    assert result.returncode == 0, result.stderr
    (call,) = sandbox.records("docker")
    assert call["args"] == [
        "exec", "-i", "-e", "PGPASSWORD", "-e", "PGUSER", "-e", "PGDATABASE",
        "aws2openstack-dev-bob-postgres", "psql", "-c", "select 1",
    ]  # fmt: skip
    assert call["PGPASSWORD"] == PASSWORD and call["PGUSER"] == "testuser"
    assert PASSWORD not in " ".join(call["args"]) + result.stdout + result.stderr


def test_logs_runs_docker_logs_of_the_stacks_container(sandbox):
    """scripts/logs passes its options to docker logs of POSTGRES_CONTAINER."""
    result = sandbox.run("logs", "dev-bob", "--tail", "5", FAKE_STACK_EXISTS="1")
    assert result.returncode == 0, result.stderr
    assert "ready to accept connections" in result.stdout
    assert sandbox.records("docker")[0]["args"] == [
        "logs", "--tail", "5", "aws2openstack-dev-bob-postgres"
    ]  # fmt: skip


def test_logs_of_a_stack_without_database_says_why(sandbox):
    """scripts/logs on a stack with no POSTGRES_CONTAINER exits 1 with the reason and fix."""
    (sandbox.tmp / "outputs.json").write_text(json.dumps({"TESTENV_STACK": "dev-bob"}))
    result = sandbox.run("logs", "dev-bob", FAKE_STACK_EXISTS="1")
    assert result.returncode == 1
    assert "has no POSTGRES_CONTAINER output" in result.stderr and "fix:" in result.stderr
    assert sandbox.records("docker") == []


# --- check ----------------------------------------------------------------------------------


class _DockerPing(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        body = b"OK" if self.path == "/_ping" else b"[]"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def docker_api() -> Iterator[str]:
    """An HTTP server that answers the Docker API's /_ping and /containers/json."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _DockerPing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_check_passes_every_preflight_check_with_a_tick(sandbox, docker_api, moto_server):
    """scripts/check local: configuration, Docker, port, disk and the emulator's STS, each ✓."""
    port = int(moto_server.rsplit(":", 1)[1])
    result = sandbox.run("check", "local", DOCKER_HOST=docker_api, TESTENV_EMULATOR_PORT=str(port))
    lines = result.stdout.splitlines()
    marks = {line.split(":")[0] for line in lines if line[:1] in "✓✗"}
    assert {"✓ configuration", "✓ docker", "✓ disk", "✓ aws"} <= marks, result.stdout
    assert "account 123456789012" in result.stdout
    assert result.returncode == (1 if "✗ port" in marks else 0)


def test_check_marks_each_failure_with_its_fix_and_exits_1(sandbox):
    """Without Docker and emulator, scripts/check shows ✗ docker and ✗ aws, each with a fix."""
    result = sandbox.run("check", "local", DOCKER_HOST="unix:///nonexistent/docker.sock")
    assert result.returncode == 1
    lines = {line.split(":")[0]: line for line in result.stdout.splitlines() if line[:1] in "✓✗"}
    assert "Fix: start Docker" in lines["✗ docker"]
    assert "no AWS emulator answers" in lines["✗ aws"] and "scripts/up local" in lines["✗ aws"]
    assert lines["✓ configuration"] and lines["✓ disk"]
    assert sandbox.calls() == []  # no Pulumi CLI needed


def test_check_reports_a_bad_configuration_with_the_config_fix(sandbox, tmp_path):
    """A stack file with a bad value gives ✗ configuration naming the pulumi config set fix."""
    stack = "check-bad-config-test"
    config_file = ROOT / f"Pulumi.{stack}.yaml"
    config_file.write_text(
        "config:\n  aws:region: eu-central-1\n  aws2openstack-testenv:rows: -5\n"
    )
    try:
        result = sandbox.run("check", stack)
    finally:
        config_file.unlink()
    assert result.returncode == 1
    assert "✗ configuration" in result.stdout and "pulumi config set rows" in result.stdout


# --- clean ----------------------------------------------------------------------------------


def test_clean_removes_the_generator_cache_and_emulator_files(sandbox):
    """scripts/clean deletes the cache entries and .cache/emulator, and keeps the backend."""
    cache = sandbox.tmp / "datagen-cache"
    (cache / ("a" * 32)).mkdir(parents=True)
    (cache / ("a" * 32) / "manifest.json").write_text("{}")
    (sandbox.state / "emulator").mkdir(parents=True)
    (sandbox.state / "emulator" / "moto.log").write_text("old log\n")
    (sandbox.state / "pulumi").mkdir()
    result = sandbox.run("clean")
    assert result.returncode == 0, result.stderr
    assert not cache.exists() and not (sandbox.state / "emulator").exists()
    assert (sandbox.state / "pulumi").is_dir()
    assert f"removing the generator cache {cache}" in result.stderr


def test_clean_refuses_while_the_emulator_it_started_runs(sandbox):
    """With the started emulator's pid alive, scripts/clean exits 1 and removes nothing."""
    (sandbox.state / "emulator").mkdir(parents=True)
    # A session leader whose command line names moto_server, as the started emulator is.
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "moto_server"],
        start_new_session=True,
    )
    try:
        (sandbox.state / "emulator" / "moto.pid").write_text(f"{process.pid} {sandbox.port}\n")
        result = sandbox.run("clean")
    finally:
        process.kill()
        process.wait()
    assert result.returncode == 1
    assert f"still runs (pid {process.pid})" in result.stderr
    assert "fix: scripts/down local" in result.stderr
    assert (sandbox.state / "emulator" / "moto.pid").exists()


def test_a_pid_file_naming_another_process_is_not_taken_for_the_emulator(sandbox):
    """A stale pid file whose pid now belongs to another program neither blocks clean nor
    gets that program stopped."""
    (sandbox.state / "emulator").mkdir(parents=True)
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (sandbox.state / "emulator" / "moto.pid").write_text(f"{process.pid} {sandbox.port}\n")
        result = sandbox.run("clean")
        assert process.poll() is None  # still running
    finally:
        process.kill()
        process.wait()
    assert result.returncode == 0, result.stderr
    assert not (sandbox.state / "emulator").exists()


def test_clean_refuses_a_cache_dir_that_holds_other_files(sandbox):
    """A TESTENV_CACHE_DIR with files that are not cache entries is left alone, exit 1."""
    cache = sandbox.tmp / "datagen-cache"
    cache.mkdir()
    (cache / "thesis.tex").write_text("keep me")
    result = sandbox.run("clean")
    assert result.returncode == 1
    assert "thesis.tex, which is not a generator cache entry" in result.stderr
    assert (cache / "thesis.tex").read_text() == "keep me"


# --- docs ------------------------------------------------------------------------------------


def test_readme_lists_every_script_and_every_script_says_what_it_does():
    """Each executable in scripts/ is in the README's commands table and has a usage comment."""
    readme = (ROOT / "README.md").read_text()
    table = {m.group(1) for m in re.finditer(r"^\| `scripts/(\w+)[^`]*` \|", readme, re.M)}
    commands = {
        p.name for p in (ROOT / "scripts").iterdir() if os.access(p, os.X_OK) and p.is_file()
    }
    assert commands == {*SCRIPTS, "test"}
    assert commands - {"test", "up"} <= table, "README commands table misses a script"
    for name in commands:
        text = (ROOT / "scripts" / name).read_text()
        assert f"scripts/{name}" in text.split("\n\n")[0] or name == "test", name
