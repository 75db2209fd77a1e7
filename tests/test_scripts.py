"""scripts/up drives the Pulumi CLI in the documented order (a recording stand-in CLI)."""

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FAKE_PULUMI = textwrap.dedent(
    """\
    #!/usr/bin/env bash
    echo "$*" >> "$FAKE_LOG"
    case "$1 $2" in
        "whoami "*) [ -n "${FAKE_LOGGED_IN:-}" ] ;;
        "stack select") [ -n "${FAKE_STACK_EXISTS:-}" ] ;;
        *) exit 0 ;;
    esac
    """
)


def run_up(tmp_path: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "pulumi"
    fake.write_text(FAKE_PULUMI)
    fake.chmod(0o755)
    log = tmp_path / "pulumi.log"
    result = subprocess.run(
        [str(ROOT / "scripts" / "up"), *args],
        env={
            **os.environ,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "FAKE_LOG": str(log),
            "USER": "alice",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result, log.read_text().splitlines() if log.exists() else []


def test_new_stack_is_created_configured_from_test_and_deployed(tmp_path):
    """Logged out, a new stack gets a local login, init, Pulumi.test.yaml's config, then up."""
    result, calls = run_up(tmp_path, "dev-bob", "--yes")
    assert result.returncode == 0, result.stderr
    assert calls[0] == "whoami"
    assert calls[1] == "login --local"
    assert calls[2] == "stack select dev-bob"
    assert calls[3] == "stack init dev-bob"
    assert "config set --stack dev-bob aws:region eu-central-1" in calls
    assert "config set --stack dev-bob aws2openstack-testenv:seed 42" in calls
    assert calls[-1] == "up --stack dev-bob --yes"


def test_new_stack_with_its_own_config_file_keeps_it(tmp_path):
    """A new stack with its own Pulumi.<stack>.yaml is created and deployed with no config set."""
    result, calls = run_up(tmp_path, "local", "--yes", FAKE_LOGGED_IN="1")
    assert result.returncode == 0, result.stderr
    assert calls == ["whoami", "stack select local", "stack init local", "up --stack local --yes"]
    assert "configuration of Pulumi.local.yaml" in result.stderr


def test_existing_stack_is_only_deployed(tmp_path):
    """Logged in and given no stack, the existing dev-$USER stack is only selected and deployed."""
    result, calls = run_up(tmp_path, FAKE_LOGGED_IN="1", FAKE_STACK_EXISTS="1")
    assert result.returncode == 0, result.stderr
    assert calls == ["whoami", "stack select dev-alice", "up --stack dev-alice"]


def test_backend_url_is_used_for_login(tmp_path):
    """When not logged in, scripts/up logs in to the backend named by PULUMI_BACKEND_URL."""
    result, calls = run_up(
        tmp_path, "dev-bob", PULUMI_BACKEND_URL="s3://team-state", FAKE_STACK_EXISTS="1"
    )
    assert result.returncode == 0, result.stderr
    assert "login s3://team-state" in calls


@pytest.mark.parametrize("stack", ["dev alice", "dev/alice", "dev;rm"])
def test_bad_stack_name_is_refused_before_any_pulumi_call(tmp_path, stack):
    """A stack name with a space, '/' or ';' exits 2 with an example and never calls pulumi."""
    result, calls = run_up(tmp_path, stack)
    assert result.returncode == 2
    assert f"stack name '{stack}'" in result.stderr and "scripts/up dev-alice" in result.stderr
    assert calls == []
