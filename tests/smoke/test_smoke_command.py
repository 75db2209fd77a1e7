"""The documented command, ``pytest tests/smoke --stack NAME``, run as a user runs it.

A stand-in ``pulumi`` on PATH answers ``pulumi stack output --json --show-secrets
--stack NAME`` with the outputs of the emulated deployment (the real CLI cannot run
here); the suite then reaches moto through ``AWS_ENDPOINT_URL`` and PostgreSQL through
``DATABASE_URL``, exactly as it would reach a deployed stack.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.smoke.conftest import truth_object
from tests.stack.program import ROOT
from tests.support.moto_server import ACCESS_KEY, SECRET_KEY


def fake_pulumi(directory, outputs: dict) -> None:
    (directory / "outputs.json").write_text(json.dumps(outputs))
    script = directory / "pulumi"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{directory}/calls"\n'
        'if [ "$1 $2 $3 $4" = "stack output --json --show-secrets" ] \\\n'
        '   && [ "$6" = "dev-alice" ]; then\n'
        f'  cat "{directory}/outputs.json"; exit 0\n'
        "fi\n"
        'echo "error: no stack named $6" >&2; exit 255\n'
    )
    script.chmod(0o755)


def smoke(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/smoke/test_smoke.py",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PATH": f"{tmp_path}:{os.environ['PATH']}",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            **env,
        },
    )


def test_the_smoke_command_checks_a_stack_by_name(deployment, tmp_path):
    """pytest tests/smoke --stack NAME reads that stack's outputs from pulumi; all 7 checks pass."""
    fake_pulumi(tmp_path, deployment.outputs)
    done = smoke(tmp_path, "--stack", "dev-alice", AWS_ENDPOINT_URL=deployment.endpoint.url)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "7 passed" in done.stdout
    assert (
        "stack output --json --show-secrets --stack dev-alice" in (tmp_path / "calls").read_text()
    )


def test_the_smoke_command_checks_the_files_scripts_env_writes(deployment, tmp_path):
    """pytest tests/smoke --outputs FILE, with the outputs file and the local ground truth
    scripts/env writes, passes all 7 checks without the Pulumi CLI."""
    truth = tmp_path / "dev-alice.ground-truth.json"
    truth.write_text(json.dumps(truth_object(deployment)))
    outputs = tmp_path / "dev-alice.outputs.json"
    outputs.write_text(json.dumps({**deployment.outputs, "TESTENV_GROUND_TRUTH_FILE": str(truth)}))
    done = smoke(tmp_path, "--outputs", str(outputs), AWS_ENDPOINT_URL=deployment.endpoint.url)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "7 passed" in done.stdout
    assert not (tmp_path / "calls").exists()  # no pulumi call


def test_the_smoke_command_fails_when_an_object_is_missing(deployment, tmp_path):
    """The smoke command, given a local ground truth that names one object more than the
    bucket holds, fails and names its key."""
    truth = truth_object(deployment)
    table = truth["databases"][0]["tables"][0]
    table["objects"].append({"key": table["objects"][0]["key"] + ".missing", "bytes": 1})
    (tmp_path / "truth.json").write_text(json.dumps(truth))
    outputs = {**deployment.outputs, "TESTENV_GROUND_TRUTH_FILE": str(tmp_path / "truth.json")}
    fake_pulumi(tmp_path, outputs)
    done = smoke(
        tmp_path,
        "--stack",
        "dev-alice",
        "-k",
        "object_is_present",
        AWS_ENDPOINT_URL=deployment.endpoint.url,
    )
    assert done.returncode == 1
    assert ".missing" in done.stdout


def test_an_unknown_stack_is_a_usage_error(tmp_path):
    """An unknown stack is pytest's usage error, quoting pulumi's own error."""
    fake_pulumi(tmp_path, {})
    done = smoke(tmp_path, "--stack", "nobody")
    assert done.returncode == 4  # pytest's usage error
    assert "cannot read the outputs of stack 'nobody'" in done.stdout + done.stderr
    assert "no stack named nobody" in done.stdout + done.stderr
