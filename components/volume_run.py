"""One run of the volume job as a Pulumi resource: started, waited for, its truth read back.

``VolumeRun`` is a dynamic resource; its provider runs in the Pulumi engine's Python
provider process, which unpickles it from the state. The class holds no state and lives
in this importable module, so it is pickled by reference (the process imports it from
the installed project; an edit of this module changes no diff).

- **create** starts one run of the Glue job (``StartJobRun`` with the run's arguments),
  polls ``GetJobRun`` every ``POLL_SECONDS`` until the run ends or ``wait_seconds`` have
  passed (then it stops the run and fails, naming the bound), and reads the truth the
  job wrote (``_truth.json``: rows, bytes and value digest per table), which becomes
  the resource's outputs;
- **diff** asks for an update only when the job, its script (``script_hash``) or the
  run's arguments (seed, rows, days, output...) change: a second ``pulumi up`` starts
  no run, and neither does a change of the job's workers;
- **update** is a new run, as create; when the output prefix moved, the old one is
  emptied after the new run succeeded;
- **delete** removes every object below the output prefix (the job's data and truth);
- **read** (``pulumi refresh``) finds the run gone when its truth object is (the
  bucket's lifecycle rule expires it with the data): the next ``up`` runs the job again.

The provider talks to AWS with boto3 and the default credential chain, in the stack's
region and ``aws:profile`` (and ``aws:endpoints`` of an emulator stack): not with the
Pulumi AWS provider's credentials, which a dynamic provider cannot see. No input or
output is a secret (a dynamic provider's secrets are broken upstream).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

POLL_SECONDS = 30.0
"""Pause between two ``GetJobRun`` calls (tests lower it by patching the module)."""
ENDED = ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR", "EXPIRED")
RERUN_WHEN = ("job_name", "script_hash", "arguments")
"""The inputs whose change starts a new run."""
DELETE_BATCH = 1000
"""Keys per ``DeleteObjects`` call (S3's most)."""


class RunFailed(RuntimeError):
    """The job run ended in another state than SUCCEEDED, or wrote no usable truth."""


class RunTimedOut(RuntimeError):
    """The run did not end within ``wait_seconds``; it was stopped."""


def split_s3(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` as (bucket, key)."""
    if not uri.startswith("s3://"):
        raise ValueError(f"not an S3 URI: {uri}")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


def clients(props: Mapping[str, Any]) -> tuple[Any, Any]:
    """(glue, s3) boto3 clients for the run's region, profile and endpoints."""
    import boto3

    session = boto3.Session(profile_name=props.get("profile") or None, region_name=props["region"])
    endpoints = props.get("endpoints") or {}
    return (
        session.client("glue", endpoint_url=endpoints.get("glue")),
        session.client("s3", endpoint_url=endpoints.get("s3")),
    )


def wait_for_run(
    glue: Any,
    job_name: str,
    run_id: str,
    wait_seconds: float,
    pause: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll the run until it ends; stop it and raise ``RunTimedOut`` past ``wait_seconds``."""
    started = clock()
    while True:
        run = glue.get_job_run(JobName=job_name, RunId=run_id)["JobRun"]
        if run["JobRunState"] in ENDED:
            return run
        waited = clock() - started
        if waited >= wait_seconds:
            glue.batch_stop_job_run(JobName=job_name, JobRunIds=[run_id])
            raise RunTimedOut(
                f"Glue job {job_name} run {run_id} was still {run['JobRunState']} after "
                f"{waited:,.0f} s, the bound of {wait_seconds:,.0f} s (three times the "
                f"estimate plus 15 minutes): it was stopped. Fix: more workers (pulumi "
                f"config set volumeWorkers G.1X:<count>) or a smaller volumeGb, then pulumi up"
            )
        pause(min(POLL_SECONDS, wait_seconds - waited))


def read_truth(s3: Any, location: str) -> dict[str, Any]:
    bucket, key = split_s3(location)
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        raise RunFailed(f"the run succeeded but wrote no truth at {location}") from None
    return json.loads(body)


def truth_exists(s3: Any, location: str) -> bool:
    bucket, key = split_s3(location)
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def remove_prefix(s3: Any, prefix: str) -> int:
    """Delete every object below ``prefix`` (``s3://bucket/key/``); return how many."""
    bucket, key = split_s3(prefix)
    if not key.endswith("/") or key == "/":
        raise ValueError(f"refusing to empty {prefix}: not a folder below a bucket")
    removed = 0
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key)
    for page in pages:
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        for start in range(0, len(keys), DELETE_BATCH):
            batch = keys[start : start + DELETE_BATCH]
            s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            removed += len(batch)
    return removed


def truth_problems(truth: Mapping[str, Any], arguments: Mapping[str, str]) -> list[str]:
    """Where the job's truth does not describe the run that was asked for."""
    problems = []
    for key in ("seed", "rows", "days", "partitions"):
        if str(truth.get(key)) != arguments.get(f"--{key}"):
            problems.append(f"{key} {truth.get(key)!r}, asked {arguments.get(f'--{key}')!r}")
    for name, table in (truth.get("tables") or {}).items():
        if str(table.get("rows")) != arguments.get("--rows"):
            problems.append(f"{name} has {table.get('rows')} rows, asked {arguments.get('--rows')}")
    if not truth.get("tables"):
        problems.append("no tables")
    return problems


def run_job(props: Mapping[str, Any]) -> dict[str, Any]:
    """Start one run, wait for it, read its truth: the resource's outputs."""
    glue, s3 = clients(props)
    job_name = props["job_name"]
    arguments = dict(props["arguments"])
    run_id = glue.start_job_run(JobName=job_name, Arguments=arguments)["JobRunId"]
    run = wait_for_run(glue, job_name, run_id, float(props["wait_seconds"]))
    state = run["JobRunState"]
    if state != "SUCCEEDED":
        raise RunFailed(
            f"Glue job {job_name} run {run_id} ended {state}: "
            f"{run.get('ErrorMessage') or 'no error message'}. Its driver's log is the stream "
            f"{run_id} of CloudWatch log group /aws-glue/jobs/error; pulumi up starts a new run"
        )
    truth = read_truth(s3, props["truth_location"])
    problems = truth_problems(truth, arguments)
    if problems:
        raise RunFailed(
            f"Glue job {job_name} run {run_id}: its truth at {props['truth_location']} does "
            f"not match the run: {'; '.join(problems)}"
        )
    return {
        # Every input, so that the next diff and the delete see what this run was given.
        **{key: value for key, value in props.items() if not key.startswith("__")},
        "run_id": run_id,
        "state": state,
        "execution_seconds": run.get("ExecutionTime"),
        "tables": truth["tables"],
        "seconds": truth.get("seconds", {}),
        "spark_version": truth.get("spark_version"),
    }


class VolumeRunProvider(ResourceProvider):
    """Check, diff, create, update and delete of ``VolumeRun`` (module docstring)."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        output = news.get("output")
        if isinstance(output, str):
            _, key = split_s3(output) if output.startswith("s3://") else ("", "")
            if not key.endswith("/") or key == "/":
                failures.append(CheckFailure("output", f"{output!r} is not s3://<bucket>/<key>/"))
            truth = news.get("truth_location")
            if isinstance(truth, str) and not truth.startswith(output):
                failures.append(CheckFailure("truth_location", f"{truth!r} is not below output"))
        wait = news.get("wait_seconds")
        if isinstance(wait, int | float) and wait <= 0:
            failures.append(CheckFailure("wait_seconds", "must be positive"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in RERUN_WHEN if olds.get(key) != news.get(key)]
        return DiffResult(
            changes=bool(changed), replaces=[], stables=[], delete_before_replace=False
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = run_job(props)
        return CreateResult(id_=outs["run_id"], outs=outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        outs = run_job(news)
        if olds.get("output") and olds["output"] != news["output"]:
            remove_prefix(clients(news)[1], olds["output"])
        return UpdateResult(outs=outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        remove_prefix(clients(props)[1], props["output"])

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if not truth_exists(clients(props)[1], props["truth_location"]):
            return ReadResult(id_="", outs={})  # a blank id: the run's data is gone
        return ReadResult(id_=id_, outs=props)


class VolumeRun(pulumi.dynamic.Resource, module="testenv", name="VolumeRun"):
    """One finished run of the volume job; ``tables`` is the truth it wrote."""

    run_id: pulumi.Output[str]
    tables: pulumi.Output[dict[str, Any]]
    execution_seconds: pulumi.Output[int]

    def __init__(
        self,
        name: str,
        props: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            VolumeRunProvider(),
            name,
            {
                **props,
                "run_id": None,
                "state": None,
                "execution_seconds": None,
                "tables": None,
                "seconds": None,
                "spark_version": None,
            },
            opts,
        )
