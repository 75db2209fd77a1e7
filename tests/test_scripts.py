"""The everyday scripts (scripts/up, down, status, env, psql, logs, check, clean) drive the
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
import shlex
import shutil
import signal
import socket
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
import yaml

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ("up", "down", "status", "env", "psql", "logs", "check", "clean")
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
    if cmd == "stack init" and os.environ.get("FAKE_INIT_FAILS"):
        sys.exit("error: stack 'dev-bob' already exists in another project")
    if cmd == "stack init":
        state["stacks"].append(words[2]); save()
        # What Pulumi does with a passphrase: the stack's salt goes into its config file.
        if os.environ.get("FAKE_WRITES_STACK_FILE") and os.environ.get(
                "PULUMI_CONFIG_PASSPHRASE_FILE"):
            with open(f"Pulumi.{words[2]}.yaml", "a") as out:
                out.write("encryptionsalt: v1:fake\\n")
        sys.exit(0)
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

    def run(
        self, script: str, *args: str, cwd: Path | None = None, **env: str
    ) -> subprocess.CompletedProcess:
        # Nothing of the caller's own stacks or AWS setup (an exported AWS_ENDPOINT_URL,
        # a profile) reaches the scripts: each test states what they get.
        inherited = ("TESTENV_", "PULUMI_", "AWS_")
        base = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
        return subprocess.run(
            [str(self.root / "scripts" / script), *args],
            cwd=cwd or self.tmp,
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
    """Logged in and given no stack, the existing dev-$USER stack is selected, its state read
    for objects to compare with the bucket, and deployed."""
    result = sandbox.run("up", FAKE_LOGGED_IN="1", FAKE_STACK_EXISTS="1")
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == [
        "whoami",
        "stack select dev-alice",
        "stack export --stack dev-alice",
        "up --stack dev-alice",
    ]
    assert "scripts/up: pulumi up --stack dev-alice" in result.stderr
    assert "next: scripts/env dev-alice" in result.stderr


def test_failed_stack_init_exits_1_with_the_reason_and_fix(sandbox):
    """A pulumi stack init that fails ends scripts/up with its error, then one line: the
    reason and the fix, and no up runs."""
    result = sandbox.run("up", "dev-bob", FAKE_LOGGED_IN="1", FAKE_INIT_FAILS="1")
    assert result.returncode == 1
    assert "already exists in another project" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "scripts/up: pulumi stack init dev-bob failed; fix: read the error above; pulumi "
        "stack ls lists the stacks of this backend"
    )
    assert not any(c.startswith("up") for c in sandbox.calls())


def test_failed_online_up_exits_1_with_the_reason_and_fix(sandbox):
    """On your own login too, a failing pulumi up ends with one line: its reason and the fix."""
    result = sandbox.run("up", "dev-bob", FAKE_LOGGED_IN="1", FAKE_UP_FAILS="1")
    assert result.returncode == 1
    assert "error: update failed" in result.stderr  # pulumi's own error, unfiltered
    assert result.stderr.strip().splitlines()[-1] == (
        "scripts/up: pulumi up of stack dev-bob failed (exit status 1); fix: read the error "
        "above; scripts/check dev-bob runs the preflight checks alone"
    )


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
    and scripts/down local --rm destroys the stack, stops the emulator and removes the
    stack's record and passphrase."""
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
    assert "configuration of scripts/offline.yaml" in first.stderr
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
        "stack export --stack local",
        "up --stack local --yes",
    ]

    down = sandbox.run("down", "local", "--yes", "--rm")
    assert down.returncode == 0, down.stderr
    assert sandbox.calls()[-2:] == ["destroy --stack local --yes", "stack rm local --yes"]
    assert f"stopped the AWS emulator (pid {pid})" in down.stderr
    assert not _alive(pid) and not _answers_s3(sandbox.port)
    assert sandbox.emulator_pid() is None
    assert not (sandbox.state / "stacks" / "local.passphrase").exists()


def test_up_local_works_in_a_fresh_copy_of_the_repository(sandbox):
    """In a copy of the tracked files with no .venv and no .cache, scripts/up local builds
    the environment with the offline extra only (no engines), starts the emulator from it,
    which serves the services the stack's provider calls, and deploys (uv offline: from its
    cache); the stack's salt lands in its own Pulumi.local.yaml, which git ignores, and no
    tracked file changes."""
    clone = sandbox.tmp / "clone"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (t.decode() for t in tracked)):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    sandbox.root, sandbox.state = clone, clone / ".cache"
    # The copy's own .cache, as a new user has it; no network for uv; a stand-in pulumi
    # that writes the stack's salt into Pulumi.local.yaml, as Pulumi does.
    sandbox.env = {
        "TESTENV_STATE_DIR": "",
        "TESTENV_CACHE_DIR": "",
        "UV_OFFLINE": "1",
        "FAKE_WRITES_STACK_FILE": "1",
    }
    try:
        first = sandbox.run("up", "local", "--yes")
        assert first.returncode == 0, first.stderr
        assert (clone / ".venv").is_dir() and sandbox.emulator_pid() is not None
        assert sandbox.calls()[-1] == "up --stack local --yes"
        assert "fake-local-bucket" in _buckets(sandbox.port)
        # The salt went into the stack's own, untracked file; the config still came from the
        # template, which stays as it is.
        assert (clone / "Pulumi.local.yaml").read_text() == "encryptionsalt: v1:fake\n"
        assert "config set --stack local aws2openstack-testenv:tlsOnlyPolicy false" in (
            sandbox.calls()
        )
        for name in filter(None, (t.decode() for t in tracked)):
            if (ROOT / name).is_file():
                assert (clone / name).read_bytes() == (ROOT / name).read_bytes(), name
        ignored = ["git", "check-ignore", "-q", "--no-index", "Pulumi.local.yaml"]
        assert subprocess.run(ignored, cwd=ROOT).returncode == 0
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
    """--offline creates a stack with scripts/offline.yaml's config; down of one offline stack
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


def test_status_probes_each_target_service_and_names_the_fix_for_a_silent_one(sandbox, moto_server):
    """With the target's outputs, scripts/status probes each endpoint as its kind of
    server: the emulator answers as S3 (ready); nothing listens on the other three
    ports, and each such line says so with the container to read the log of."""
    names = [f"aws2openstack-dev-bob-{role}" for role in ("objects", "rest", "metastore", "trino")]
    closed = [free_port() for _ in range(3)]
    outputs = {
        **OUTPUTS,
        "TARGET_S3_ENDPOINT": moto_server,
        "TARGET_ICEBERG_REST_URI": f"http://127.0.0.1:{closed[0]}",
        "TARGET_METASTORE_URI": f"thrift://127.0.0.1:{closed[1]}",
        "TARGET_TRINO_URI": f"http://127.0.0.1:{closed[2]}",
        "TARGET_CONTAINERS": ",".join(names),
    }
    (sandbox.tmp / "outputs.json").write_text(json.dumps(outputs))
    result = sandbox.run("status", "dev-bob", FAKE_STACK_EXISTS="1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("target     ", 1)[1].splitlines()[1:]
    ready = r"objects\s+http://127\.0\.0\.1:\d+\s+ready \(S3 answers, HTTP 200\)"
    assert re.search(ready, lines[0]), lines[0]
    roles = ("rest", "metastore", "trino")
    for line, role, name in zip(lines[2::2], roles, names[1:], strict=True):
        assert line.split()[0] == role, line
        assert "no answer (" in line and f"fix: docker logs {name} shows why" in line, line
    for line, name in zip(lines[1::2], names, strict=True):
        assert line.strip() == f"container {name}: running (healthy)"
    assert len(result.stdout.splitlines()) <= 40  # still one screen


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


# --- env: the env file for the tool under test -----------------------------------------------

TRUTH = {"format_version": 2, "stack": "dev-bob", "databases": [], "totals": {"files": 2}}
OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"


def state_export(bucket: str, keys: list[str], truth: dict | None = TRUTH) -> dict:
    """What `pulumi stack export` prints: the provider, one object per key, the ground truth."""
    objects = [{"type": OBJECT, "inputs": {"bucket": bucket, "key": key}} for key in keys]
    if truth is not None:
        objects.append(
            {
                "type": OBJECT,
                "inputs": {"bucket": bucket, "key": "_testenv/ground-truth.json"},
                "outputs": {"key": "_testenv/ground-truth.json", "content": json.dumps(truth)},
            }
        )
    provider = {"type": "pulumi:providers:aws", "inputs": {"region": "eu-central-1"}}
    return {"version": 3, "deployment": {"resources": [provider, *objects]}}


def sourced(env_file: Path, *names: str, **env: str) -> dict[str, str | None]:
    """The variables a shell has after `source env_file` (started with ``env``)."""
    show = "import json, os, sys; print(json.dumps({n: os.environ.get(n) for n in sys.argv[1:]}))"
    script = f'source {env_file} && exec {sys.executable} -c {shlex.quote(show)} "$@"'
    done = subprocess.run(
        ["bash", "-c", script, "bash", *names],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], **env},
        check=True,
    )
    return json.loads(done.stdout)


def test_env_writes_an_env_file_that_works_when_sourced(sandbox):
    """scripts/env dev-bob writes export lines with the secrets shown, mode 0600, the outputs
    as JSON and the ground truth from the state next to it; sourced, every value arrives
    intact (JSON, quotes, spaces), with the stack's AWS profile."""
    outputs = {**OUTPUTS, "PSQL_COMMAND": "psql -h 127.0.0.1 -U testuser 'it''s' \"$HOME\""}
    (sandbox.tmp / "outputs.json").write_text(json.dumps(outputs))
    (sandbox.tmp / "export.json").write_text(json.dumps(state_export("b", ["a.parquet"])))
    (sandbox.tmp / "pulumi-state.json").write_text(
        json.dumps({"stacks": ["dev-bob"], "config": {"dev-bob": {"aws:profile": "team-dev"}}})
    )
    result = sandbox.run("env", "dev-bob", "--dir", str(sandbox.tmp / "envs"))
    assert result.returncode == 0, result.stderr
    env_file = sandbox.tmp / "envs" / "dev-bob.env"
    assert result.stdout.strip() == f"source {env_file}"
    for name in ("dev-bob.env", "dev-bob.outputs.json", "dev-bob.ground-truth.json"):
        assert (sandbox.tmp / "envs" / name).stat().st_mode & 0o777 == 0o600, name
    assert "stack output --stack dev-bob --json --show-secrets" in sandbox.calls()
    lines = [line for line in env_file.read_text().splitlines() if not line.startswith("#")]
    assert all(line.startswith("export ") for line in lines)
    got = sourced(env_file, *outputs, "TESTENV_GROUND_TRUTH_FILE", "AWS_PROFILE")
    assert got["DATABASE_URL"] == OUTPUTS["DATABASE_URL"]  # the secret, shown
    assert got["PSQL_COMMAND"] == outputs["PSQL_COMMAND"]
    assert json.loads(got["TESTENV_TABLES"]) == OUTPUTS["TESTENV_TABLES"]
    assert got["AWS_PROFILE"] == "team-dev"
    assert json.loads(Path(got["TESTENV_GROUND_TRUTH_FILE"]).read_text()) == TRUTH
    written = json.loads((sandbox.tmp / "envs" / "dev-bob.outputs.json").read_text())
    assert written == {**outputs, "TESTENV_GROUND_TRUTH_FILE": got["TESTENV_GROUND_TRUTH_FILE"]}
    assert PASSWORD not in result.stderr


def test_env_of_an_offline_stack_sends_every_client_to_the_emulator(sandbox):
    """scripts/env local reads the offline backend; sourced in a shell with a real AWS
    profile, its file unsets the profile and gives the fake keys and the emulator's
    endpoint, so boto3 with no arguments lists the emulator's buckets."""
    assert sandbox.run("up", "local", "--yes").returncode == 0
    (sandbox.tmp / "export.json").write_text(json.dumps(state_export("fake-local-bucket", [])))
    sandbox.forget()
    result = sandbox.run("env", "local", "--dir", "envs", cwd=sandbox.tmp)  # relative: to cwd
    assert result.returncode == 0, result.stderr
    _assert_offline_env(sandbox, "local")
    env_file = sandbox.tmp / "envs" / "local.env"
    names = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE")
    got = sourced(env_file, *names, AWS_PROFILE="real-account", AWS_SESSION_TOKEN="t")
    assert got == {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{sandbox.port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_PROFILE": None,
    }
    list_buckets = "import boto3; print(boto3.client('s3').list_buckets()['Buckets'])"
    listing = subprocess.run(
        ["bash", "-c", f"source {env_file} && {sys.executable} -c {shlex.quote(list_buckets)}"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "AWS_PROFILE": "real-account"},
        check=True,
    )
    assert "fake-local-bucket" in listing.stdout


def test_env_without_a_ground_truth_in_the_state_says_to_up(sandbox):
    """A stack whose state holds no ground-truth object: exit 1, one line naming scripts/up."""
    (sandbox.tmp / "export.json").write_text(json.dumps(state_export("b", [], truth=None)))
    result = sandbox.run("env", "dev-bob", "--dir", str(sandbox.tmp), FAKE_STACK_EXISTS="1")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "scripts/env: the state of stack dev-bob holds no ground truth "
        "(_testenv/ground-truth.json); fix: scripts/up dev-bob (a stack that was never "
        "deployed has none)"
    )


# --- expired objects: the lifecycle rule against Pulumi's state ------------------------------


def _s3(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-central-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _expired_stack(sandbox: Sandbox, endpoint: str, bucket: str) -> list[str]:
    """A bucket in the emulator holding all but one object of the state: that one expired."""
    s3 = _s3(endpoint)
    keys = ["analytics/sales_data/year=2024/month=1/part-0.parquet", "logs/access_logs/a.csv"]
    if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
    for key in [*keys, "_testenv/ground-truth.json"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"data")
    s3.delete_object(Bucket=bucket, Key=keys[0])  # what the lifecycle rule does after 7 days
    (sandbox.tmp / "export.json").write_text(json.dumps(state_export(bucket, keys)))
    return keys


def test_expired_objects_of_an_offline_stack_are_reported_and_restored(sandbox):
    """An object the lifecycle rule deleted from the emulator's bucket: scripts/status and
    scripts/env say so, scripts/up says so and runs pulumi refresh before up; once the
    bucket holds every object again, up runs no refresh."""
    assert sandbox.run("up", "local", "--yes").returncode == 0
    keys = _expired_stack(sandbox, f"http://127.0.0.1:{sandbox.port}", "fake-local-bucket")
    sandbox.forget()

    status = sandbox.run("status", "local")
    assert status.returncode == 0, status.stderr
    assert (
        f"objects    1 of 3 gone from s3://fake-local-bucket (first: {keys[0]}), expired by its "
        "lifecycle rule; fix: scripts/up local restores them"
    ) in status.stdout
    env = sandbox.run("env", "local", "--dir", str(sandbox.tmp / "envs"))
    assert env.returncode == 0, env.stderr
    assert "warning: 1 of 3 objects are gone from s3://fake-local-bucket" in env.stderr

    sandbox.forget()
    up = sandbox.run("up", "local", "--yes")
    assert up.returncode == 0, up.stderr
    assert (
        "1 of 3 objects of stack local are gone from s3://fake-local-bucket (first: "
        f"{keys[0]}): the bucket's lifecycle rule expires objects"
    ) in up.stderr
    calls = sandbox.calls()
    refresh = "refresh --stack local --yes --skip-preview"
    assert calls.index(refresh) < calls.index("up --stack local --yes")
    _assert_offline_env(sandbox, "local")

    _s3(f"http://127.0.0.1:{sandbox.port}").put_object(
        Bucket="fake-local-bucket", Key=keys[0], Body=b"data"
    )  # what the up uploads again
    sandbox.forget()
    again = sandbox.run("up", "local", "--yes")
    assert again.returncode == 0, again.stderr
    assert refresh not in sandbox.calls() and "gone from" not in again.stderr
    status = sandbox.run("status", "local")
    assert "objects    all 3 of the state in s3://fake-local-bucket" in status.stdout


def test_expired_objects_of_an_online_stack_are_restored_with_its_credentials(sandbox, moto_server):
    """On your own login, scripts/up lists the bucket with your AWS settings (here pointed at
    moto) and refreshes before up when an object expired."""
    aws = {
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    config = {"dev-bob": {"aws:endpoints[0].s3": moto_server}}  # where the stand-in up goes
    (sandbox.tmp / "pulumi-state.json").write_text(json.dumps({"stacks": [], "config": config}))
    _expired_stack(sandbox, moto_server, "aws2openstack-dev-bob-expiry-eu-central-1")
    up = sandbox.run("up", "dev-bob", "--yes", FAKE_LOGGED_IN="1", FAKE_STACK_EXISTS="1", **aws)
    assert up.returncode == 0, up.stderr
    assert "1 of 3 objects of stack dev-bob are gone from s3://aws2openstack-dev-bob-exp" in (
        up.stderr
    )
    assert sandbox.calls()[-2:] == [
        "refresh --stack dev-bob --yes --skip-preview",
        "up --stack dev-bob --yes",
    ]


def test_a_bucket_that_cannot_be_listed_does_not_stop_up(sandbox):
    """Without credentials that can list the bucket, scripts/up says it could not look for
    expired objects and goes on with pulumi up."""
    (sandbox.tmp / "export.json").write_text(json.dumps(state_export("some-bucket", ["k"])))
    result = sandbox.run(
        "up",
        "dev-bob",
        FAKE_LOGGED_IN="1",
        FAKE_STACK_EXISTS="1",
        AWS_ACCESS_KEY_ID="",
        AWS_SECRET_ACCESS_KEY="",
        AWS_CONFIG_FILE=str(sandbox.tmp / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(sandbox.tmp / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    assert result.returncode == 0, result.stderr
    assert "could not list s3://some-bucket to look for expired objects" in result.stderr
    assert "Unable to locate credentials" in result.stderr
    assert sandbox.calls()[-1] == "up --stack dev-bob" and "refresh" not in " ".join(
        sandbox.calls()
    )


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


def local_config_with_port(folder: Path, postgres_port: int) -> Path:
    """The offline template (scripts/offline.yaml) with another postgresPort, as a file of
    its own in ``folder``."""
    config = yaml.safe_load((ROOT / "scripts" / "offline.yaml").read_text())
    config["config"]["aws2openstack-testenv:postgresPort"] = str(postgres_port)
    path = folder / "Pulumi.local-port.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def _marks(stdout: str) -> dict[str, str]:
    return {line.split(":")[0]: line for line in stdout.splitlines() if line[:1] in "✓✗"}


def test_check_passes_every_preflight_check_with_a_tick(sandbox, docker_api, moto_server):
    """scripts/check local: configuration, Docker, port, disk and the emulator's STS, each ✓."""
    port = int(moto_server.rsplit(":", 1)[1])
    config = local_config_with_port(sandbox.tmp, free_port())  # 55432 may be taken here
    env = {"DOCKER_HOST": docker_api, "TESTENV_EMULATOR_PORT": str(port)}
    result = sandbox.run("check", "local", "--config-file", str(config), **env)
    marks = _marks(result.stdout)
    assert set(marks) == {"✓ configuration", "✓ docker", "✓ port", "✓ disk", "✓ aws"}, result.stdout
    assert "account 123456789012" in result.stdout
    assert f"configuration from {config.name}" in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_marks_a_port_held_by_another_program_with_the_fix(sandbox, docker_api):
    """A PostgreSQL port that another program listens on gives ✗ port with the fix, exit 1."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        held = holder.getsockname()[1]
        config = local_config_with_port(sandbox.tmp, held)
        result = sandbox.run("check", "local", "--config-file", str(config), DOCKER_HOST=docker_api)
    assert result.returncode == 1
    line = _marks(result.stdout)["✗ port"]
    assert f"port {held} on 127.0.0.1 is in use by another program" in line
    assert "pulumi config set postgresPort" in line


def test_check_marks_each_failure_with_its_fix_and_exits_1(sandbox):
    """Without Docker and emulator, scripts/check shows ✗ docker and ✗ aws, each with a fix."""
    result = sandbox.run("check", "local", DOCKER_HOST="unix:///nonexistent/docker.sock")
    assert result.returncode == 1
    # No stack file yet in a fresh checkout: the offline template it would start from.
    assert "configuration from offline.yaml" in result.stdout
    lines = _marks(result.stdout)
    assert "Fix: start Docker" in lines["✗ docker"]
    assert "no AWS emulator answers" in lines["✗ aws"] and "scripts/up local" in lines["✗ aws"]
    assert lines["✓ configuration"] and lines["✓ disk"]
    assert sandbox.calls() == []  # no Pulumi CLI needed


def test_check_reports_a_bad_configuration_with_the_config_fix(sandbox):
    """A stack file with a bad value gives ✗ configuration naming the pulumi config set fix
    (the file given by --config-file, relative to where scripts/check is run)."""
    stack = "check-bad-config-test"
    (sandbox.tmp / f"Pulumi.{stack}.yaml").write_text(
        "config:\n  aws:region: eu-central-1\n  aws2openstack-testenv:rows: -5\n"
    )
    result = sandbox.run("check", stack, "--config-file", f"Pulumi.{stack}.yaml")
    assert result.returncode == 1
    assert "✗ configuration" in result.stdout and "pulumi config set rows" in result.stdout
    assert not (ROOT / f"Pulumi.{stack}.yaml").exists()


def test_check_refuses_a_config_file_that_does_not_exist(sandbox):
    """--config-file naming no file exits 2 before anything runs."""
    result = sandbox.run("check", "local", "--config-file", "Pulumi.missing.yaml")
    assert result.returncode == 2
    assert "--config-file 'Pulumi.missing.yaml' is not a file" in result.stderr


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


# --- test ------------------------------------------------------------------------------------


def test_scripts_test_refuses_a_worker_count_that_is_not_a_number():
    """TESTENV_TEST_WORKERS=two stops scripts/test first, naming the variable and the fix."""
    env = {**os.environ, "TESTENV_TEST_WORKERS": "two"}
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "test")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "scripts/test: TESTENV_TEST_WORKERS='two' is not a number of workers (fix: a whole "
        "number such as 2, or 0 for one process)"
    )


def test_test_without_apt_get_says_what_to_install(tmp_path):
    """On a machine without apt-get, scripts/test stops before anything runs and names what
    to install: Java here (java is not on PATH), or first PostgreSQL where its server
    binaries are not installed under /usr/lib/postgresql either."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "id", "ls"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "test")], env=env, capture_output=True, text=True
    )
    has_postgres = bool(list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")))
    what = (
        "a Java 17 runtime (java)" if has_postgres else "the PostgreSQL 15 server binaries (pg_ctl)"
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"scripts/test: {what} is missing and this machine has no apt-get (scripts/test "
        f"installs it on Debian and Ubuntu only); fix: install {what} yourself, then run "
        "scripts/test again"
    )


# --- docs ------------------------------------------------------------------------------------


def test_readme_lists_every_script_and_every_script_says_what_it_does():
    """Each executable in scripts/ is in the README's commands table and has a usage comment."""
    readme = (ROOT / "README.md").read_text()
    table = {m.group(1) for m in re.finditer(r"^\| `scripts/(\w+)[^`]*` \|", readme, re.M)}
    commands = {
        p.name for p in (ROOT / "scripts").iterdir() if os.access(p, os.X_OK) and p.is_file()
    }
    # scripts/accept takes a checkout first; tests/plugin/test_accept.py tests it.
    assert commands == {*SCRIPTS, "test", "accept"}
    assert commands - {"test", "up"} <= table, "README commands table misses a script"
    for name in commands:
        text = (ROOT / "scripts" / name).read_text()
        assert f"scripts/{name}" in text.split("\n\n")[0] or name == "test", name


DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
EXAMPLE_STACKS = ("dev_alice", "dev-alice", "test", "local", "smoke")
NAME_PATTERNS = (
    r"aws2openstack-[a-z0-9-]+-\d{12}-[a-z]{2}-[a-z]+-\d",  # buckets
    r"aws2openstack-[a-z0-9-]+-(?:postgres|pgdata)\b",  # containers and volumes
    r"\b[a-z][a-z0-9_]*_(?:analytics|logs|zoo|scale_\d\d)\b",  # Glue databases
    r"\b[a-z][a-z0-9_]*_[a-z2-7]{16}\b",  # digested <env>s
)


def test_names_shown_in_the_docs_are_the_names_naming_gives():
    """Every bucket, Glue database, container, volume and digested <env> that README and docs
    show is what components/naming.py gives one of the example stacks (dev_alice, dev-alice,
    test, local, smoke) in account 123456789012, eu-central-1."""
    from components import naming
    from datagen.catalog import TABLES, ZOO_TABLES
    from datagen.kinds import ZOO_KINDS

    roles = {spec.role for spec in (*TABLES, *ZOO_TABLES)} | {
        f"scale_{n:02d}" for n in range(1, 21)
    }
    # Table and kind names may end like database roles (access_logs, regex_logs).
    table_names = {spec.name for spec in (*TABLES, *ZOO_TABLES)} | set(ZOO_KINDS)
    names: set[str] = set()
    for stack in EXAMPLE_STACKS:
        env = naming.env_name(stack)
        names |= {env, naming.container_name(env), naming.volume_name(env)}
        names.add(naming.bucket_name(env, "123456789012", "eu-central-1"))
        names |= {naming.database_name(env, role) for role in roles}
    shown = {
        (doc.name, match.group(0))
        for doc in DOCS
        for pattern in NAME_PATTERNS
        for match in re.finditer(pattern, doc.read_text())
    }
    assert {name for _, name in shown} & names  # the docs do show example names
    assert (
        sorted((doc, name) for doc, name in shown if name not in names and name not in table_names)
        == []
    )


def _bash_blocks(text: str) -> str:
    return "\n".join(re.findall(r"```bash\n(.*?)```", text, re.S))


def test_docs_give_no_instruction_the_code_proves_wrong():
    """No command block runs `pulumi config cp --stack test` (it needs a stack named test in
    your backend), no doc promises an up "under a minute" (docs/performance.md's times are
    estimates), and none reads the ground truth from an output or variable (it is a file
    and an object)."""
    for doc in DOCS:
        text = doc.read_text()
        assert "config cp --stack test" not in _bash_blocks(text), doc.name
        assert "under a minute" not in text, doc.name
        assert not re.search(r"TESTENV_GROUND_TRUTH\b", text), doc.name
        assert "stack output --shell >" not in _bash_blocks(text), doc.name


def test_the_readme_is_a_front_door_with_the_whole_loop():
    """The README has at most 150 lines, both quick-start commands (up, env) on its first
    screen, and one block that goes from up to the findings compared; every command it
    names in scripts/ exists or is the acceptance command of the pytest plugin's work."""
    text = (ROOT / "README.md").read_text()
    lines = text.splitlines()
    assert len(lines) <= 150
    first_screen = "\n".join(lines[:30])
    for command in ("scripts/up local --yes", "scripts/env local", "scripts/up dev_alice"):
        assert command in first_screen, command
    loop = next(b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if "accept" in b)
    for step in ("scripts/up", "scripts/env", "source .testenv/", "aws2openstack assess"):
        assert step in loop, step
    assert "scripts/accept" in loop and "--testenv-outputs" in loop
    named = set(re.findall(r"scripts/([a-z]+)\b", text))
    assert named <= {*SCRIPTS, "test", "accept"}, named
    from components.local_database import POSTGRES_IMAGE

    assert f"docker image rm {POSTGRES_IMAGE}" in text  # the image down keeps


def test_the_glossary_defines_the_words_the_docs_use():
    """docs/glossary.md defines each term the README and docs rely on, one meaning each."""
    glossary = (ROOT / "docs" / "glossary.md").read_text()
    for term in (
        "stack",
        "`<env>`",
        "profile",
        "AWS\nprofile",
        "family",
        "emulator",
        "moto",
        "offline stack",
        "`local`",
        "ground truth",
        "env file",
        "label",
        "expected finding",
        "expired objects",
    ):
        assert f"**{term}**" in glossary, term
