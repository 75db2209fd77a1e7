"""What the scripts read from a stack's Pulumi state: the env file of ``scripts/env`` and
the objects the bucket no longer holds (``scripts/up``, ``scripts/status``). Called by the
shell scripts next to this file, never by hand.

The state (``pulumi stack export``) lists every object the stack uploaded with its bucket
and key, and the ground-truth object with its content, so the ground truth is written
from the state without an AWS call. ``env`` needs only the standard library; ``missing``
lists the bucket with boto3 and so runs in the project's environment (``uv run``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from _lib import Failure, fail, outputs, pulumi_json, say

OBJECT_TYPE = "aws:s3/bucketObjectv2:BucketObjectv2"
PROVIDER_TYPE = "pulumi:providers:aws"
GROUND_TRUTH_KEY = "_testenv/ground-truth.json"
"""``components.ground_truth.GROUND_TRUTH_KEY`` (the scripts do not import the program)."""
EMULATOR_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
# What would send an AWS client of the env file's shell past the emulator's credentials.
REAL_ACCOUNT_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN")


def resources(stack: str) -> list[dict[str, Any]]:
    exported = pulumi_json("stack", "export", "--stack", stack)
    return ((exported or {}).get("deployment") or {}).get("resources") or []


def _fields(resource: dict[str, Any]) -> dict[str, Any]:
    return {**(resource.get("inputs") or {}), **(resource.get("outputs") or {})}


def objects(state: list[dict[str, Any]]) -> dict[str, list[str]]:
    """``{bucket: [key, ...]}`` of every object the state lists."""
    found: dict[str, list[str]] = {}
    for resource in state:
        fields = _fields(resource)
        if resource.get("type") == OBJECT_TYPE and fields.get("bucket") and fields.get("key"):
            found.setdefault(str(fields["bucket"]), []).append(str(fields["key"]))
    return found


def ground_truth(state: list[dict[str, Any]], stack: str) -> str:
    """The ground truth's JSON text, as the last ``up`` uploaded it."""
    for resource in state:
        fields = _fields(resource)
        if resource.get("type") == OBJECT_TYPE and fields.get("key") == GROUND_TRUTH_KEY:
            content = fields.get("content")
            if isinstance(content, str) and content:
                return content
    raise Failure(
        f"the state of stack {stack} holds no ground truth ({GROUND_TRUTH_KEY})",
        f"scripts/up {stack} (a stack that was never deployed has none)",
    )


# --- the env file ------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, readable by its owner only, even while being written."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)


def env_lines(
    stack: str, values: dict[str, Any], path: Path, emulator: str | None, aws_profile: str | None
) -> list[str]:
    """The env file at ``path``: a header, then one ``export NAME=value`` line per variable;
    for an offline stack (``emulator``, its URL) the fake keys and the emulator's endpoint
    instead of any real account's settings."""
    lines = [
        f"# The outputs of stack {stack} (secrets included), written by scripts/env {stack}.",
        f"# Use: source {shlex.quote(str(path))}",
    ]
    if emulator:
        lines.append("# Offline stack: every AWS client goes to the emulator with fake keys.")
        lines.append(f"unset {' '.join(REAL_ACCOUNT_VARIABLES)}")
        values = {**values, "AWS_ENDPOINT_URL": emulator, **EMULATOR_CREDENTIALS}
    elif aws_profile:
        values = {**values, "AWS_PROFILE": aws_profile}
    lines += [f"export {key}={shlex.quote(_text(value))}" for key, value in values.items()]
    return lines


def write_env(stack: str, directory: Path, emulator: str | None, aws_profile: str | None) -> Path:
    """Write ``<stack>.env``, ``<stack>.outputs.json`` and ``<stack>.ground-truth.json``
    into ``directory`` (mode 0600: they hold the stack's secrets); return the env file."""
    values = outputs(stack, show_secrets=True)
    if not values:
        raise Failure(f"stack {stack} has no outputs", f"scripts/up {stack}")
    truth = ground_truth(resources(stack), stack)
    directory = directory.resolve()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    truth_file = directory / f"{stack}.ground-truth.json"
    env_file = directory / f"{stack}.env"
    values["TESTENV_GROUND_TRUTH_FILE"] = str(truth_file)
    _write_private(truth_file, truth)
    _write_private(directory / f"{stack}.outputs.json", json.dumps(values, indent=2) + "\n")
    lines = env_lines(stack, values, env_file, emulator, aws_profile)
    _write_private(env_file, "\n".join(lines) + "\n")
    return env_file


# --- objects gone from the bucket ------------------------------------------------------------


def _provider(state: list[dict[str, Any]]) -> dict[str, Any]:
    for resource in state:
        if resource.get("type") == PROVIDER_TYPE:
            return _fields(resource)
    return {}


def missing(stack: str) -> str:
    """``"<gone> <listed in the state> <bucket> <first gone key>"``, or ``""`` when the state
    lists no object or the bucket could not be listed (a warning says why)."""
    import boto3
    from botocore.config import Config

    state = resources(stack)
    wanted = objects(state)
    if not wanted:
        return ""
    provider = _provider(state)
    session = boto3.Session(
        profile_name=provider.get("profile") or None,
        region_name=provider.get("region") or None,
    )
    client = session.client(
        "s3", config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2})
    )
    gone: list[tuple[str, str]] = []
    for bucket, keys in sorted(wanted.items()):
        try:
            listed = {
                item["Key"]
                for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
                for item in page.get("Contents", [])
            }
        except client.exceptions.NoSuchBucket:
            listed = set()
        except Exception as err:  # no credentials, no network: the up itself will say more
            say(f"could not list s3://{bucket} to look for expired objects ({err}); going on")
            return ""
        gone += [(bucket, key) for key in sorted(keys) if key not in listed]
    if not gone:
        return f"0 {sum(map(len, wanted.values()))} {sorted(wanted)[0]} -"
    bucket, key = gone[0]
    return f"{len(gone)} {sum(map(len, wanted.values()))} {bucket} {key}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/_state.py")
    sub = parser.add_subparsers(dest="command", required=True)
    env = sub.add_parser("env")
    env.add_argument("--stack", required=True)
    env.add_argument("--dir", type=Path, required=True)
    env.add_argument("--emulator", default="", help="the emulator's URL (an offline stack)")
    env.add_argument("--aws-profile", default="")
    gone = sub.add_parser("missing")
    gone.add_argument("--stack", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "env":
            print(write_env(args.stack, args.dir, args.emulator or None, args.aws_profile or None))
        else:
            print(missing(args.stack))
    except Failure as err:
        fail(err)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
