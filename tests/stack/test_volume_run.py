"""The volume run's provider, called directly against the AWS emulator (moto).

Under Pulumi's mocks ``create()`` never runs, so these tests call the provider's methods
as the engine's dynamic-provider process does, the last one after a round trip through
Pulumi's own serializer.

What moto emulates and what it does not: it keeps Glue jobs and job runs (``CreateJob``,
``StartJobRun`` with its arguments, ``GetJobRun``, ``BatchStopJobRun``) and S3 objects;
a run's state only moves STARTING -> RUNNING -> SUCCEEDED (on each ``GetJobRun``, with
the state manager set to "manual"); it runs no script, writes no data and never fails a
run. So each test puts the truth object a real run's script would have written, and the
failed and overlong runs are a stand-in Glue client.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _deserialize

from components import volume_run
from components.volume_run import RunFailed, RunTimedOut, VolumeRunProvider, wait_for_run
from tests.support.glue_reader import Endpoint

BUCKET = "aws2openstack-test-123456789012-eu-central-1"
OUTPUT = f"s3://{BUCKET}/volume/data/"
JOB = "aws2openstack-test-volume"
ARGUMENTS = {
    "--output": OUTPUT,
    "--seed": "42",
    "--rows": "5000",
    "--days": "3",
    "--first-day": "2024-12-29",
    "--partitions": "4",
}


def truth(arguments: dict[str, str] = ARGUMENTS) -> dict[str, Any]:
    """What the script writes to ``_truth.json`` (``datagen/volume_job.py``)."""
    rows = int(arguments["--rows"])
    return {
        "format_version": 1,
        "seed": int(arguments["--seed"]),
        "rows": rows,
        "days": int(arguments["--days"]),
        "first_day": arguments["--first-day"],
        "partitions": int(arguments["--partitions"]),
        "spark_version": "3.5.4-amzn-0",
        "tables": {
            name: {"rows": rows, "bytes": 1234, "files": 4, "value_digest": "ab" * 32}
            for name in ("events", "events_iceberg")
        },
        "seconds": {"write_parquet": 1.0},
    }


def props(endpoint: Endpoint, **changes: Any) -> dict[str, Any]:
    """The inputs ``VolumeTables`` gives its ``VolumeRun``."""
    return {
        "job_name": JOB,
        "script_hash": "0" * 64,
        "arguments": dict(ARGUMENTS),
        "output": OUTPUT,
        "truth_location": f"{OUTPUT}_truth.json",
        "wait_seconds": 900,
        "region": endpoint.region,
        "profile": None,
        "endpoints": {"glue": endpoint.url, "s3": endpoint.url},
        **changes,
    }


def _moto(endpoint: Endpoint, path: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{endpoint.url}/moto-api/state-manager/{path}",
        data=json.dumps(body).encode(),
        method="POST",
    )
    urllib.request.urlopen(request).close()


@pytest.fixture
def glue_aws(moto_endpoint: Endpoint, monkeypatch) -> Iterator[Endpoint]:
    """A clean emulator with the bucket and the job; runs take two polls per state."""
    monkeypatch.setattr(volume_run, "POLL_SECONDS", 0.0)
    s3, glue = moto_endpoint.client("s3"), moto_endpoint.client("glue")
    s3.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": moto_endpoint.region}
    )
    glue.create_job(
        Name=JOB,
        Role="arn:aws:iam::123456789012:role/aws2openstack-test-volume",
        Command={"Name": "glueetl", "ScriptLocation": f"s3://{BUCKET}/volume/job/volume_job.py"},
        GlueVersion="5.0",
        WorkerType="G.1X",
        NumberOfWorkers=10,
    )
    _moto(
        moto_endpoint,
        "set-transition",
        {"model_name": "glue::job_run", "transition": {"progression": "manual", "times": 2}},
    )
    try:
        yield moto_endpoint
    finally:
        _moto(moto_endpoint, "unset-transition", {"model_name": "glue::job_run"})


def put(endpoint: Endpoint, key: str, body: bytes | str) -> None:
    endpoint.client("s3").put_object(Bucket=BUCKET, Key=key, Body=body)


def keys(endpoint: Endpoint) -> list[str]:
    listing = endpoint.client("s3").list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_create_starts_one_run_waits_and_returns_the_jobs_truth(glue_aws):
    """create starts a run with the arguments, polls it to SUCCEEDED and returns the
    truth the job wrote, with every input (for the next diff and the delete)."""
    put(glue_aws, "volume/data/_truth.json", json.dumps(truth()))
    result = VolumeRunProvider().create(props(glue_aws))
    runs = glue_aws.client("glue").get_job_runs(JobName=JOB)["JobRuns"]
    assert [run["Id"] for run in runs] == [result.id] == [result.outs["run_id"]]
    assert runs[0]["Arguments"] == ARGUMENTS
    assert result.outs["state"] == "SUCCEEDED"
    assert result.outs["tables"] == truth()["tables"]
    assert result.outs["arguments"] == ARGUMENTS
    assert result.outs["output"] == OUTPUT
    assert "__provider" not in result.outs
    assert "testing" not in json.dumps(result.outs), "a credential in the outputs"


def test_the_wait_sees_each_state_and_pauses_between_polls(glue_aws):
    """wait_for_run polls until the run ends, pausing between polls (none after the end)."""
    glue = glue_aws.client("glue")
    run_id = glue.start_job_run(JobName=JOB)["JobRunId"]
    pauses: list[float] = []
    run = wait_for_run(glue, JOB, run_id, 60, pause=pauses.append)
    assert run["JobRunState"] == "SUCCEEDED"
    assert len(pauses) == 3, "STARTING, RUNNING, RUNNING, then SUCCEEDED"


def test_diff_reruns_only_for_the_script_the_arguments_or_the_job(glue_aws):
    """A second up with the same inputs starts nothing; the seed, the script or the job
    name start a run; the bound or the credentials' profile do not."""
    provider = VolumeRunProvider()
    olds = props(glue_aws)
    assert provider.diff("id", olds, props(glue_aws)).changes is False
    assert provider.diff("id", olds, props(glue_aws, wait_seconds=60, profile="x")).changes is False
    reseeded = props(glue_aws, arguments={**ARGUMENTS, "--seed": "43"})
    for news in (reseeded, props(glue_aws, script_hash="1" * 64), props(glue_aws, job_name="j")):
        result = provider.diff("id", olds, news)
        assert result.changes is True and result.replaces == []


def test_update_runs_again_and_empties_a_moved_output(glue_aws):
    """update starts a new run and keeps its outputs; an old output prefix is emptied."""
    moved = f"s3://{BUCKET}/volume/data2/"
    arguments = {**ARGUMENTS, "--output": moved}
    put(glue_aws, "volume/data/_truth.json", json.dumps(truth()))
    put(glue_aws, "volume/data/events/day=2024-12-29/part-0.parquet", b"old")
    put(glue_aws, "volume/data2/_truth.json", json.dumps(truth(arguments)))
    provider = VolumeRunProvider()
    olds = provider.create(props(glue_aws)).outs
    news = props(glue_aws, arguments=arguments, output=moved, truth_location=f"{moved}_truth.json")
    outs = provider.update(olds["run_id"], olds, news).outs
    assert outs["run_id"] != olds["run_id"] and outs["output"] == moved
    assert outs["tables"] == truth(arguments)["tables"]
    assert keys(glue_aws) == ["volume/data2/_truth.json"]


def test_delete_removes_the_output_prefix_only(glue_aws):
    """delete removes every object below the output (more than one DeleteObjects batch),
    and nothing beside it: the script and the ground truth stay."""
    s3 = glue_aws.client("s3")
    for index in range(1005):
        s3.put_object(Bucket=BUCKET, Key=f"volume/data/events/day=2024-12-29/{index}", Body=b"")
    put(glue_aws, "volume/job/volume_job.py", b"script")
    put(glue_aws, "volume/data-other/keep", b"neighbour")
    put(glue_aws, "_testenv/ground-truth.json", b"{}")
    VolumeRunProvider().delete("id", props(glue_aws))
    assert keys(glue_aws) == [
        "_testenv/ground-truth.json",
        "volume/data-other/keep",
        "volume/job/volume_job.py",
    ]


def test_refresh_finds_the_run_gone_with_its_truth(glue_aws):
    """read (pulumi refresh) keeps the run while its truth object exists; once the
    bucket's lifecycle rule (or anyone) removed it, the run is gone and up runs again."""
    put(glue_aws, "volume/data/_truth.json", json.dumps(truth()))
    provider = VolumeRunProvider()
    outs = provider.create(props(glue_aws)).outs
    kept = provider.read(outs["run_id"], outs)
    assert (kept.id, kept.outs) == (outs["run_id"], outs)
    glue_aws.client("s3").delete_object(Bucket=BUCKET, Key="volume/data/_truth.json")
    assert provider.read(outs["run_id"], outs).id == ""


def test_a_run_without_truth_or_with_a_foreign_truth_fails(glue_aws):
    """A succeeded run that wrote no truth, or the truth of other arguments, fails create."""
    provider = VolumeRunProvider()
    with pytest.raises(RunFailed, match="wrote no truth"):
        provider.create(props(glue_aws))
    put(glue_aws, "volume/data/_truth.json", json.dumps(truth({**ARGUMENTS, "--rows": "9"})))
    with pytest.raises(RunFailed, match="rows 9, asked '5000'"):
        provider.create(props(glue_aws))


def test_check_refuses_an_output_that_is_not_a_folder(glue_aws):
    """check refuses a bucket's root as the output (delete would empty the bucket), a
    truth outside the output and a bound that is not positive."""
    provider = VolumeRunProvider()
    assert provider.check({}, props(glue_aws)).failures == []
    bad = provider.check({}, props(glue_aws, output=f"s3://{BUCKET}/", wait_seconds=0))
    assert sorted(f.property for f in bad.failures) == ["output", "wait_seconds"]
    elsewhere = provider.check({}, props(glue_aws, truth_location=f"s3://{BUCKET}/t.json"))
    assert [f.property for f in elsewhere.failures] == ["truth_location"]


class StandInGlue:
    """A Glue client whose run stays in ``states`` (the last one repeats)."""

    def __init__(self, states: list[str], message: str = "") -> None:
        self.states = states
        self.message = message
        self.stopped: list[str] = []

    def get_job_run(self, JobName: str, RunId: str) -> dict[str, Any]:  # noqa: N803
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return {"JobRun": {"Id": RunId, "JobRunState": state, "ErrorMessage": self.message}}

    def batch_stop_job_run(self, JobName: str, JobRunIds: list[str]) -> None:  # noqa: N803
        self.stopped += JobRunIds

    def start_job_run(self, JobName: str, Arguments: dict[str, str]) -> dict[str, str]:  # noqa: N803
        return {"JobRunId": "jr_1"}


def test_a_run_past_its_bound_is_stopped_and_named():
    """A run still RUNNING at wait_seconds is stopped; the error states the bound."""
    glue = StandInGlue(["RUNNING"])
    now = [0.0]

    def pause(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(RunTimedOut, match="bound of 90 s"):
        wait_for_run(glue, JOB, "jr_1", 90, pause=pause, clock=lambda: now[0])
    assert glue.stopped == ["jr_1"]
    assert now[0] == 90


def test_a_failed_run_fails_create_with_its_message(monkeypatch):
    """A FAILED run's error message and log stream are in create's error."""
    glue = StandInGlue(["RUNNING", "FAILED"], "OutOfMemoryError on the driver")
    monkeypatch.setattr(volume_run, "POLL_SECONDS", 0.0)
    monkeypatch.setattr(volume_run, "clients", lambda props: (glue, None))
    endpoint = Endpoint(region="eu-central-1", url="http://unused")
    with pytest.raises(RunFailed, match="jr_1 ended FAILED: OutOfMemoryError") as raised:
        VolumeRunProvider().create(props(endpoint))
    assert "/aws-glue/jobs/error" in str(raised.value)


def test_provider_survives_pulumis_serializer(glue_aws):
    """The provider, pickled as pulumi.dynamic.Resource does, unpickles and runs."""
    blob = serialize_provider(VolumeRunProvider())
    assert b"components.volume_run" in base64.b64decode(blob)
    assert blob == serialize_provider(VolumeRunProvider()), "not deterministic"
    provider = _deserialize(lambda: dill.loads(base64.b64decode(blob)))
    put(glue_aws, "volume/data/_truth.json", json.dumps(truth()))
    outs = provider.create(props(glue_aws)).outs
    assert outs["state"] == "SUCCEEDED"
    assert provider.diff(outs["run_id"], outs, props(glue_aws)).changes is False
