"""The stack's ground truth document, from wherever it is (docs/ground-truth.md).

In this order: a file given explicitly (``--testenv-ground-truth``,
``TESTENV_PYTEST_GROUND_TRUTH``); the document in the outputs (``TESTENV_GROUND_TRUTH``,
where a stack still exports it); the local copy an env file names
(``TESTENV_GROUND_TRUTH_FILE``); the place ``TESTENV_GROUND_TRUTH_URI`` names: an
``s3://`` object read with boto3 (the emulator's for an offline stack), a ``file://``
URI or a path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from aws2openstack_testenv.stack import Testenv, TestenvError, error_code, structured

TRUTH_OPTION, TRUTH_ENV = "--testenv-ground-truth", "TESTENV_PYTEST_GROUND_TRUTH"


def load_ground_truth(
    env: Testenv | None, path: str | None = None, s3: Any = None, given_by: str = TRUTH_OPTION
) -> dict[str, Any]:
    """The document: from ``path`` when given, else from the stack's outputs ``env``
    (``s3`` reads an ``s3://`` URI; the stack's own client when ``None``)."""
    if path:
        truth = _read_file(Path(path).expanduser(), f"{given_by} {path}")
    elif env is None:
        raise TestenvError(
            "no ground truth: no stack and no file given",
            f"pass {TRUTH_OPTION} FILE, or a stack (--testenv-stack or --testenv-outputs)",
        )
    elif env.outputs.get("TESTENV_GROUND_TRUTH"):
        truth = structured(env.outputs["TESTENV_GROUND_TRUTH"])
    elif env.outputs.get("TESTENV_GROUND_TRUTH_FILE"):
        named = env.outputs["TESTENV_GROUND_TRUTH_FILE"]
        truth = _read_file(Path(named).expanduser(), f"TESTENV_GROUND_TRUTH_FILE {named}")
    elif env.ground_truth_uri:
        truth = _fetch(env, env.ground_truth_uri, s3)
    else:
        raise TestenvError(
            f"the outputs from {env.source} name no ground truth (no TESTENV_GROUND_TRUTH_URI)",
            f"pass {TRUTH_OPTION} FILE, or {env.source.refresh(env.stack)}",
        )
    if not isinstance(truth, dict) or not isinstance(truth.get("databases"), list):
        raise TestenvError(
            "the ground truth is not a ground truth document (no list of databases)",
            "give the file the stack wrote, or the stack's outputs",
        )
    if env is not None and truth.get("bucket") not in (None, env.bucket):
        raise TestenvError(
            f"the ground truth describes bucket {truth['bucket']}, the stack from "
            f"{env.source} has bucket {env.bucket}: one of them is of another stack or stale",
            f"{env.source.refresh(env.stack)}; give the ground truth of the same stack",
        )
    return truth


def _read_file(path: Path, named: str) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise TestenvError(
            f"{named}: there is no file {path}",
            "give the ground-truth file the stack's scripts wrote, or leave it out to read "
            "the one the outputs name",
        ) from None
    except (OSError, json.JSONDecodeError) as err:
        raise TestenvError(
            f"{named}: cannot read {path} as JSON ({err})", "give the file again"
        ) from None


def _fetch(env: Testenv, uri: str, s3: Any) -> Any:
    parts = urlsplit(uri)
    if parts.scheme == "file":
        return _read_file(Path(unquote(parts.path)), f"TESTENV_GROUND_TRUTH_URI {uri}")
    if parts.scheme != "s3":
        return _read_file(Path(uri).expanduser(), f"TESTENV_GROUND_TRUTH_URI {uri}")
    from botocore.exceptions import BotoCoreError, ClientError

    client = s3 if s3 is not None else env.client("s3")
    try:
        body = client.get_object(Bucket=parts.netloc, Key=parts.path.lstrip("/"))["Body"]
        return json.loads(body.read())
    except ClientError as err:
        if error_code(err) == "NoSuchBucket":
            raise TestenvError(
                f"the outputs from {env.source} are stale: bucket {parts.netloc} of the ground "
                "truth is not there",
                env.source.refresh(env.stack),
            ) from None
        if error_code(err) in ("NoSuchKey", "404"):
            raise TestenvError(
                f"the ground truth {uri} (from {env.source}) is not in the bucket: the bucket's "
                "lifecycle rule expired it, or the stack is stale",
                f"scripts/up {env.stack} puts it back",
            ) from None
        raise TestenvError(
            f"reading the ground truth {uri} failed ({err})", "check your AWS credentials"
        ) from None
    except BotoCoreError as err:
        raise TestenvError(
            f"reading the ground truth {uri} failed ({err})",
            f"scripts/status {env.stack} shows whether the stack (and its emulator) runs",
        ) from None
