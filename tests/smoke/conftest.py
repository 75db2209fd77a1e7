"""Where the smoke suite's deployment comes from.

``--stack NAME``: a deployed stack; its outputs come from ``pulumi stack output --json
--show-secrets --stack NAME`` (or ``--outputs FILE``, such as the one ``scripts/env``
writes), AWS from the default credential chain (``AWS_ENDPOINT_URL`` or the stack's own
``AWS_ENDPOINT_URL`` output sends it to an emulator), PostgreSQL from ``DATABASE_URL``.
The ground truth is the object ``TESTENV_GROUND_TRUTH_URI`` names; a local copy named by
``TESTENV_GROUND_TRUTH_FILE`` (an entry of ``scripts/env``'s outputs file, or the
variable its env file exports) is checked against it and then used.

Without ``--stack`` (the test suite, CI): the program runs under Pulumi mocks, its AWS
resources are applied to a moto server, and the schema migration resource's provider
migrates the test PostgreSQL; the outputs are the program's own, with the database
outputs pointing at the test server. The checks are the same either way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.stack.program import ROOT
from tests.support.emulated import emulated_stack
from tests.support.glue_reader import Endpoint
from tests.support.moto_server import ACCESS_KEY, SECRET_KEY

MIGRATIONS_DIR = ROOT / "migrations"


@dataclass
class Deployment:
    outputs: dict[str, Any]
    endpoint: Endpoint
    source: str
    """What is being checked: a stack name, or the emulated deployment."""


def stack_outputs(stack: str, outputs_file: str | None) -> dict[str, Any]:
    if outputs_file:
        return json.loads(Path(outputs_file).read_text())
    pulumi = shutil.which("pulumi") or str(Path.home() / ".pulumi" / "bin" / "pulumi")
    if not Path(pulumi).exists():
        pytest.exit(
            "--stack needs the Pulumi CLI on PATH (or pass --outputs FILE written by "
            "`pulumi stack output --json --show-secrets --stack NAME > FILE`)",
            returncode=4,
        )
    done = subprocess.run(
        [pulumi, "stack", "output", "--json", "--show-secrets", "--stack", stack],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.exit(
            f"cannot read the outputs of stack {stack!r}: {done.stderr.strip()} "
            "(check `pulumi stack ls` and that you are logged in to its backend)",
            returncode=4,
        )
    return json.loads(done.stdout)


def truth_object(deployment: Deployment) -> dict[str, Any]:
    """The ground truth as the bucket holds it (``TESTENV_GROUND_TRUTH_URI``)."""
    uri = deployment.outputs["TESTENV_GROUND_TRUTH_URI"]
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    body = deployment.endpoint.client("s3").get_object(Bucket=bucket, Key=key)["Body"]
    return json.loads(body.read())


def truth_file(deployment: Deployment) -> Path | None:
    """The local copy of the ground truth, when the outputs or the environment name one."""
    name = deployment.outputs.get("TESTENV_GROUND_TRUTH_FILE") or os.environ.get(
        "TESTENV_GROUND_TRUTH_FILE"
    )
    return Path(name) if name else None


@pytest.fixture(scope="session")
def ground_truth(deployment) -> dict[str, Any]:
    """The document the checks compare with: the local copy if there is one, else the object."""
    local = truth_file(deployment)
    return json.loads(local.read_text()) if local else truth_object(deployment)


@pytest.fixture(scope="session")
def migrations_dir(request) -> Path:
    """The Alembic directory the checked stack migrates with (``--migrations-dir``)."""
    given = request.config.getoption("--migrations-dir")
    return (ROOT / given).resolve() if given else MIGRATIONS_DIR


@pytest.fixture(scope="session")
def deployment(request, tmp_path_factory) -> Iterator[Deployment]:
    stack = request.config.getoption("--stack")
    outputs_file = request.config.getoption("--outputs")
    if stack or outputs_file:
        outputs = stack_outputs(stack, outputs_file)
        url = os.environ.get("AWS_ENDPOINT_URL") or outputs.get("AWS_ENDPOINT_URL")
        yield Deployment(
            outputs, Endpoint(region=outputs["AWS_REGION"], url=url), stack or outputs_file
        )
        return
    yield from _emulated(request, tmp_path_factory)


def _emulated(request, tmp_path_factory) -> Iterator[Deployment]:
    """The program's outputs, its AWS resources in moto, its schema in the test server."""
    migrations = request.getfixturevalue("migrations_dir")
    with emulated_stack(request, tmp_path_factory, stack="smoke", migrations=migrations) as (
        outputs,
        endpoint_url,
    ):
        yield Deployment(
            outputs,
            Endpoint(
                region=outputs["AWS_REGION"],
                url=endpoint_url,
                access_key=ACCESS_KEY,
                secret_key=SECRET_KEY,
            ),
            "the emulated stack 'smoke'",
        )
