"""An offline stack as the plugin and scripts/accept meet it: the program's outputs with
its AWS provider pointed at the session's moto server (so they carry
``AWS_ENDPOINT_URL``), its resources applied there, its schema in the test PostgreSQL;
and a stand-in ``pulumi`` that knows the stack ``dev-alice`` with those outputs (the real
CLI cannot run on this machine)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.stack.program import ROOT
from tests.support.emulated import emulated_stack

STACK = "plugin"
"""Not the smoke suite's stack: both are applied to the session's one emulator."""


@pytest.fixture(scope="session")
def offline_outputs(request, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The outputs of the offline stack ``plugin``, as `pulumi stack output --json
    --show-secrets` printed them while the ground truth was an output: the document is
    read back from the object the stack uploaded and added as ``TESTENV_GROUND_TRUTH``, so
    the tests can give the plugin either shape (``small_outputs`` makes today's)."""
    url = request.getfixturevalue("moto_server")
    aws_config = {
        "aws:endpoints": json.dumps([{s: url for s in ("s3", "glue", "sts", "iam")}]),
        "aws:accessKey": "testing",
        "aws:secretKey": "testing",
        "aws:s3UsePathStyle": "true",
        "aws:skipCredentialsValidation": "true",
    }
    with emulated_stack(
        request,
        tmp_path_factory,
        stack=STACK,
        migrations=ROOT / "migrations",
        config={"tlsOnlyPolicy": "false"},
        aws_config=aws_config,
    ) as (outputs, _):
        assert outputs["AWS_ENDPOINT_URL"] == url
        bucket, key = outputs["TESTENV_GROUND_TRUTH_URI"].removeprefix("s3://").split("/", 1)
        s3 = boto3.client(
            "s3",
            endpoint_url=url,
            region_name=outputs["AWS_REGION"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        document = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        yield json.loads(json.dumps({**outputs, "TESTENV_GROUND_TRUTH": document}, default=str))


def small_outputs(outputs: dict, truth_file: Path | None) -> dict:
    """The outputs as a stack prints them once the documents leave the outputs: no
    TESTENV_GROUND_TRUTH, TESTENV_TABLES counting each database's tables, and the env
    file's TESTENV_GROUND_TRUTH_FILE when there is a local copy."""
    truth = outputs["TESTENV_GROUND_TRUTH"]
    small = {k: v for k, v in outputs.items() if k not in ("TESTENV_GROUND_TRUTH",)}
    small["TESTENV_TABLES"] = {d["name"]: len(d["tables"]) for d in truth["databases"]}
    if truth_file is not None:
        truth_file.write_text(json.dumps(truth))
        small["TESTENV_GROUND_TRUTH_FILE"] = str(truth_file)
        small["TESTENV_GROUND_TRUTH_URI"] = "s3://no-such-bucket/ground-truth.json"
    return small


def write_outputs(directory: Path, outputs: dict[str, Any], name: str = "outputs.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(outputs))
    return path


# Records each call with the variables that choose a backend and a passphrase; answers
# `version`, `stack select` and `stack output` as the CLI does.
FAKE_PULUMI = """\
#!{python}
import json, os, sys
# The Automation API puts --non-interactive before every command.
args = [arg for arg in sys.argv[1:] if arg != "--non-interactive"]
watched = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_CONFIG_PASSPHRASE"]
env = {{k: os.environ.get(k) for k in watched}}
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps({{"args": args, "env": env}}) + "\\n")
if args == ["version"]:
    print("v3.210.0"); sys.exit(0)
words = [arg for arg in args if not arg.startswith("-")]
stack = args[args.index("--stack") + 1] if "--stack" in args else words[2]
if stack != os.environ["FAKE_STACK"]:
    sys.exit(f"error: no stack named '{{stack}}' found")
if words[:2] == ["stack", "select"]:
    sys.exit(0)
if words[:2] == ["stack", "output"]:
    outputs = json.load(open(os.environ["FAKE_OUTPUTS"]))
    if "--show-secrets" not in args:
        outputs["DATABASE_URL"] = "[secret]"
    print(json.dumps(outputs)); sys.exit(0)
sys.exit("error: the stand-in does not know this command")
"""


@pytest.fixture
def fake_pulumi(tmp_path, monkeypatch, offline_outputs) -> Path:
    """The stand-in ``pulumi`` first on PATH, knowing the stack dev-alice; returns its log.

    ``PULUMI_CONFIG_PASSPHRASE`` is set, as if for another stack: an offline stack's
    commands must not use it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pulumi"
    script.write_text(FAKE_PULUMI.format(python=sys.executable))
    script.chmod(0o755)
    log = tmp_path / "pulumi.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setenv("FAKE_STACK", "dev-alice")
    monkeypatch.setenv("FAKE_OUTPUTS", str(write_outputs(tmp_path, offline_outputs)))
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "of-another-stack")
    monkeypatch.delenv("TESTENV_STATE_DIR", raising=False)
    return log


def calls(log: Path) -> list[dict]:
    """The stand-in's calls: each one's arguments and backend variables."""
    return [json.loads(line) for line in log.read_text().splitlines()]
