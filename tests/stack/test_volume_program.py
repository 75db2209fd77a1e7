"""The program with `volumeGb` above 0 under mocks: the job's role, its script, the Glue
job, the run, the <env>_volume tables and partitions, the logged estimate and outputs."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytest

from components import glue_workers, volume_shapes
from datagen import volume
from tests.stack.program import ProgramRun, Registered, is_secret_value, run_program, unwrap
from tests.stack.test_program import DATABASE, OBJECT, PARTITION, TABLE

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"
JOB = "aws:glue/job:Job"
RUN = "pulumi-python:dynamic/testenv:VolumeRun"
COMPONENT = "aws2openstack:testenv:VolumeTables"
BUCKET = "aws2openstack-test-123456789012-eu-central-1"
CONFIG = {"database": "false", "volumeGb": "100", "volumeWorkers": "G.2X:8"}


@pytest.fixture(scope="module")
def volume_run(tmp_path_factory) -> tuple[ProgramRun, list[str]]:
    """One program run with 100 GB on 8 G.2X workers, and what it logged."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TESTENV_CACHE_DIR", str(tmp_path_factory.mktemp("volume-cache")))
        logged: list[str] = []
        handler = logging.Handler()
        handler.emit = lambda record: logged.append(record.getMessage())  # type: ignore[method-assign]
        # Under mocks, pulumi.log writes to the root logger (the engine's log otherwise).
        root = logging.getLogger()
        level = root.level
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            return run_program(CONFIG), logged
        finally:
            root.removeHandler(handler)
            root.setLevel(level)


def _mine(run: ProgramRun) -> list[Registered]:
    component = run.one(COMPONENT)
    return [r for r in run.resources if r.parent == component.urn]


def _named(run: ProgramRun, name: str) -> Registered:
    return next(r for r in run.resources if r.name == name)


def test_the_family_declares_role_script_job_run_database_tables_partitions(volume_run):
    """One VolumeTables component holds all of it, each child named volume-<role>."""
    run, _ = volume_run
    plan = volume.plan_for(100, 42)
    counts: dict[str, int] = {}
    for resource in _mine(run):
        counts[resource.type] = counts.get(resource.type, 0) + 1
    assert counts == {
        ROLE: 1,
        POLICY: 1,
        OBJECT: 1,
        JOB: 1,
        RUN: 1,
        DATABASE: 1,
        TABLE: 2,
        PARTITION: plan.days,
    }
    names = {r.name for r in _mine(run)}
    assert {"volume-role", "volume-policy", "volume-script", "volume-job", "volume-run"} <= names
    assert {f"volume-events-day={day}" for day in plan.day_values} <= names
    assert not run.of_type("aws:glue/trigger:Trigger"), "the job has no schedule"
    assert all(r.provider.split("::")[-1].startswith("aws") for r in _mine(run) if r.type != RUN)


def test_the_job_is_glue_5_with_the_configured_workers_and_bound(volume_run):
    """Glue 5.0 (Spark 3.5, Python 3.11), glueetl, the workers of volumeWorkers, no retry,
    one run at a time, its timeout three times the estimate plus 15 minutes."""
    run, _ = volume_run
    job = unwrap(run.one(JOB).inputs)
    expected = glue_workers.estimate(volume.plan_for(100, 42).rows, glue_workers.Workers("G.2X", 8))
    assert job["name"] == "aws2openstack-test-volume"
    assert job["glueVersion"] == "5.0"
    assert job["command"] == {
        "name": "glueetl",
        "pythonVersion": "3",
        "scriptLocation": f"s3://{BUCKET}/volume/job/volume_job.py",
    }
    assert (job["workerType"], job["numberOfWorkers"]) == ("G.2X", 8)
    assert job["timeout"] == glue_workers.timeout_minutes(expected)
    assert job["maxRetries"] == 0 and job["executionProperty"] == {"maxConcurrentRuns": 1}
    assert job["defaultArguments"] == {"--datalake-formats": "iceberg", "--job-language": "python"}


def test_the_script_object_is_the_script_and_the_role_is_least_privilege(volume_run):
    """The script is uploaded as it is; the role's policy is the pure function's."""
    run, _ = volume_run
    script = unwrap(_named(run, "volume-script").inputs)
    assert script["key"] == "volume/job/volume_job.py"
    assert Path(script["source"]["path"]).read_bytes() == volume_shapes.SCRIPT.read_bytes()
    policy = unwrap(_named(run, "volume-policy").inputs)["policy"]
    assert policy == volume_shapes.job_policy(BUCKET, "eu-central-1", "123456789012", False)
    role = unwrap(run.one(ROLE).inputs)
    assert role["name"] == "aws2openstack-test-volume"
    assert json.loads(role["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "glue.amazonaws.com"
    }


def test_the_run_is_started_after_its_role_script_and_job_and_holds_no_secret(volume_run):
    """The run depends on the policy, the script and the job; its inputs are the plan's
    arguments, the script's hash and the bound, none of them a secret."""
    run, _ = volume_run
    resource = run.one(RUN)
    for name in ("volume-policy", "volume-script", "volume-job"):
        assert resource.depends_on(_named(run, name)), name
    inputs = resource.inputs
    # Pulumi keeps the pickled provider itself as a secret; no input of ours is one.
    assert [key for key, value in inputs.items() if is_secret_value(value)] == ["__provider"]
    plan = volume.plan_for(100, 42)
    output = f"s3://{BUCKET}/volume/data/"
    assert unwrap(inputs)["arguments"] == plan.arguments(output)
    assert inputs["script_hash"] == hashlib.sha256(volume_shapes.SCRIPT.read_bytes()).hexdigest()
    assert inputs["output"] == output and inputs["truth_location"] == f"{output}_truth.json"
    assert inputs["region"] == "eu-central-1"
    assert inputs["wait_seconds"] == unwrap(run.one(JOB).inputs)["timeout"] * 60


def test_tables_come_after_the_run_with_their_planned_partitions(volume_run):
    """Both tables depend on the run; the Parquet table has one partition per planned day
    at its Hive path; the Iceberg table names the job's v1 metadata."""
    run, _ = volume_run
    run_resource = run.one(RUN)
    tables = {unwrap(r.inputs)["name"]: r for r in _mine(run) if r.type == TABLE}
    assert set(tables) == {"events", "events_iceberg"}
    assert all(t.depends_on(run_resource) for t in tables.values())
    iceberg = unwrap(tables["events_iceberg"].inputs)
    assert iceberg["parameters"]["metadata_location"] == (
        f"s3://{BUCKET}/volume/data/iceberg/events_iceberg/metadata/v1.metadata.json"
    )
    assert iceberg["databaseName"] == "test_volume"
    partitions = [unwrap(r.inputs) for r in _mine(run) if r.type == PARTITION]
    plan = volume.plan_for(100, 42)
    assert sorted(p["partitionValues"][0] for p in partitions) == plan.day_values
    for partition in partitions:
        day = partition["partitionValues"][0]
        assert partition["storageDescriptor"]["location"] == (
            f"s3://{BUCKET}/volume/data/events/day={day}/"
        )


def test_the_estimate_is_logged_and_in_the_ground_truth(volume_run):
    """Preview and up log the estimated time, DPU-hours and dollars; the ground truth
    holds the same estimate and the plan's tables."""
    run, logged = volume_run
    plan = volume.plan_for(100, 42)
    expected = glue_workers.estimate(plan.rows, glue_workers.Workers("G.2X", 8))
    (line,) = [message for message in logged if message.startswith("volume tables:")]
    assert f"{expected.dpu_hours:,.2f} DPU-hours" in line and f"${expected.dollars:,.2f}" in line
    assert "8 x G.2X" in line
    section = run.ground_truth["volume"]
    assert section["estimate"]["dollars"] == round(expected.dollars, 2)
    assert section["rows_per_table"] == plan.rows
    assert [t["name"] for t in section["tables"]] == ["events", "events_iceberg"]


def test_the_family_exports_its_database_job_run_and_truth(volume_run):
    """The outputs name the database, the job, the run and where its truth is."""
    run, _ = volume_run
    assert run.outputs["TESTENV_VOLUME_DATABASE"] == "test_volume"
    assert run.outputs["TESTENV_VOLUME_JOB"] == "aws2openstack-test-volume"
    assert run.outputs["TESTENV_VOLUME_TRUTH_URI"] == f"s3://{BUCKET}/volume/data/_truth.json"
    assert {"TESTENV_VOLUME_RUN", "TESTENV_VOLUME_RUN_ID"} <= set(run.outputs)
    assert not {k for k in run.secret_outputs if k.startswith("TESTENV_VOLUME")}


def test_volume_gb_0_declares_nothing_of_the_family(program_env):
    """The default (0) declares no volume resource, output or ground-truth section."""
    run = run_program({"database": "false"})
    assert not run.of_type(COMPONENT) and not run.of_type(JOB) and not run.of_type(RUN)
    assert not [key for key in run.outputs if key.startswith("TESTENV_VOLUME")]
    assert "volume" not in run.ground_truth
