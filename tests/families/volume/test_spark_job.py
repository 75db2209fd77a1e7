"""The volume job's script run by local Spark, its output read back through the program's
Glue tables on the AWS emulator, its digests against numpy's.

One child process runs the script twice in one local Spark (``local_spark``): the plan of
``volumeGb: 1`` (its seven days) cut to ``ROWS`` rows, once in 4 Spark partitions and
once in 1. The files go to a local folder (``file://``), laid out as the bucket is: the
Iceberg metadata records those local paths. The emulator then gets the program's
resources (bucket, the job's role, policy and Glue job, the volume database, tables and
partitions) and the 4-partition run's files under ``volume/data/``; the tables are read
through their Glue definitions (``tests.support.glue_reader``: Parquet per registered
partition from the emulator's S3, Iceberg by pyiceberg from the metadata file Glue
names, whose data files are the local ones). Last, the run resource's provider starts a
run of the program's job on the emulator and returns the truth the script wrote.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from components import volume_run
from components.volume_run import VolumeRunProvider
from datagen import volume
from datagen.digest import digest_rows
from tests.families.volume import local_spark
from tests.stack import aws_emulator
from tests.stack.program import ROOT, ProgramRun, run_program, unwrap
from tests.support import glue_reader

ROWS = 6_000
BUCKET = "aws2openstack-test-123456789012-eu-central-1"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"
JOB = "aws:glue/job:Job"
RUN = "pulumi-python:dynamic/testenv:VolumeRun"


@dataclasses.dataclass
class SparkRuns:
    plan: volume.VolumePlan
    folder: Path
    """Stands in for S3: ``<folder>/<bucket>/<key>``."""
    four: dict[str, Any]
    """The truth of the run in 4 Spark partitions (written to the stack's bucket)."""
    one: dict[str, Any]
    """The truth of the run in 1 partition (written to another folder)."""


@pytest.fixture(scope="module")
def spark_runs(tmp_path_factory: pytest.TempPathFactory) -> SparkRuns:
    if shutil.which("java") is None:
        pytest.fail("Spark needs Java 17: scripts/test installs openjdk-17-jre-headless")
    try:
        local_spark.iceberg_jar()
    except local_spark.NoIcebergJar as error:
        pytest.skip(f"no Iceberg Spark runtime for the local Spark: {error}")
    plan = dataclasses.replace(volume.plan_for(1, 42), rows=ROWS, partitions=4)
    folder = tmp_path_factory.mktemp("volume-s3")
    runs = tmp_path_factory.mktemp("volume-runs") / "runs.json"
    runs.write_text(
        json.dumps(
            [
                plan.argv(f"{folder.as_uri()}/{BUCKET}/volume/data/"),
                dataclasses.replace(plan, partitions=1).argv(f"{folder.as_uri()}/one/volume/data/"),
            ]
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.families.volume.local_spark", str(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    four, one = json.loads(done.stdout.strip().splitlines()[-1])
    return SparkRuns(plan=plan, folder=folder, four=four, one=one)


def test_spark_writes_the_rows_numpy_predicts(spark_runs):
    """Each table's digest (the script's, from its Spark SQL rows) is numpy's digest of
    the same plan, and every row was written and hashed."""
    for table in volume.TABLES:
        written = spark_runs.four["tables"][table]
        assert written["value_digest"] == volume.value_digest(spark_runs.plan, table), table
        assert written["rows"] == written["rows_hashed"] == ROWS, table


def test_one_and_four_spark_partitions_give_the_same_digest(spark_runs):
    """The split changes the files (4 tasks write more of them), not the rows."""
    for table in volume.TABLES:
        four, one = spark_runs.four["tables"][table], spark_runs.one["tables"][table]
        assert four["value_digest"] == one["value_digest"], table
    assert (
        spark_runs.four["tables"]["events"]["files"] > spark_runs.one["tables"]["events"]["files"]
    )


def test_the_truth_counts_the_files_bytes(spark_runs):
    """The truth's files and bytes are those of the data and metadata files below each
    table (Hadoop's hidden files left out); the Iceberg metadata is v1."""
    root = spark_runs.folder / BUCKET / "volume" / "data"
    for table, folder in (("events", root / "events"), ("events_iceberg", root / "iceberg")):
        files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(("_", "."))]
        written = spark_runs.four["tables"][table]
        assert (written["files"], written["bytes"]) == (
            len(files),
            sum(p.stat().st_size for p in files),
        ), table
    assert (root / "iceberg/events_iceberg/metadata/v1.metadata.json").is_file()
    assert json.loads((root / "_truth.json").read_text()) == spark_runs.four


def _apply_volume_job(run: ProgramRun, endpoint: glue_reader.Endpoint) -> None:
    """The job's role, policy and Glue job as the AWS provider would create them."""
    iam, glue = endpoint.client("iam"), endpoint.client("glue")
    # A role's id is its name, as the provider's (the mocks give it so); a policy names it.
    names = [unwrap(r.inputs)["name"] for r in run.of_type(ROLE)]
    roles = {name: name for name in names}
    for resource in run.of_type(ROLE):
        role = unwrap(resource.inputs)
        iam.create_role(
            RoleName=role["name"],
            AssumeRolePolicyDocument=role["assumeRolePolicy"],
            Description=role["description"],
        )
    for resource in run.of_type(POLICY):
        policy = unwrap(resource.inputs)
        iam.put_role_policy(
            RoleName=roles[policy["role"]],
            PolicyName=resource.name,
            PolicyDocument=policy["policy"],
        )
    for resource in run.of_type(JOB):
        job = unwrap(resource.inputs)
        glue.create_job(
            Name=job["name"],
            Description=job["description"],
            Role=f"arn:aws:iam::123456789012:role/{next(iter(roles.values()))}",
            Command={
                "Name": job["command"]["name"],
                "ScriptLocation": job["command"]["scriptLocation"],
                "PythonVersion": job["command"]["pythonVersion"],
            },
            GlueVersion=job["glueVersion"],
            WorkerType=job["workerType"],
            NumberOfWorkers=int(job["numberOfWorkers"]),
            Timeout=int(job["timeout"]),
            MaxRetries=int(job["maxRetries"]),
            ExecutionProperty={
                "MaxConcurrentRuns": int(job["executionProperty"]["maxConcurrentRuns"])
            },
            DefaultArguments=job["defaultArguments"],
        )


@pytest.fixture
def deployed(
    spark_runs, moto_endpoint, monkeypatch, tmp_path
) -> tuple[ProgramRun, glue_reader.Endpoint]:
    """The program with volumeGb 1 applied to the emulator, the Spark output uploaded."""
    # An AWS-only stack: the program needs a generator cache and no Docker.
    monkeypatch.setenv("TESTENV_CACHE_DIR", str(tmp_path / "cache"))
    run = run_program({"database": "false", "volumeGb": "1"})
    volume_types = {ROLE, POLICY, JOB}
    rest = ProgramRun(run.stack, [r for r in run.resources if r.type not in volume_types])
    aws_emulator.apply(rest, moto_endpoint.url, moto_endpoint.region)
    _apply_volume_job(run, moto_endpoint)
    s3 = moto_endpoint.client("s3")
    bucket_folder = spark_runs.folder / BUCKET
    for path in sorted(p for p in (bucket_folder / "volume" / "data").rglob("*") if p.is_file()):
        s3.put_object(
            Bucket=BUCKET, Key=path.relative_to(bucket_folder).as_posix(), Body=path.read_bytes()
        )
    return run, moto_endpoint


def test_the_tables_read_back_through_the_programs_glue_definitions(spark_runs, deployed):
    """Both tables, read by their Glue definitions only, give the truth's digest; the
    Parquet table's registered partitions are the days the rows fall on."""
    _, endpoint = deployed
    for table in volume.TABLES:
        read = glue_reader.read_table(endpoint, "test_volume", table)
        assert read.data.num_rows == ROWS, table
        assert glue_reader.schema_problems(read) == [], table
        digest = digest_rows(read.data, [glue_type for _, glue_type in read.columns])
        assert digest == spark_runs.four["tables"][table]["value_digest"], table
        if table == volume.PARQUET_TABLE:
            assert sorted(read.partitions) == [[day] for day in spark_runs.plan.day_values]


def test_the_program_job_accepted_by_the_emulator_runs_and_returns_the_truth(
    spark_runs, deployed, monkeypatch
):
    """The emulator holds the program's Glue 5.0 job; the run provider, given the
    program's run inputs (the plan cut to ROWS), starts a run of it, waits for it and
    returns the truth the script wrote."""
    run, endpoint = deployed
    job = endpoint.client("glue").get_job(JobName="aws2openstack-test-volume")["Job"]
    assert (job["GlueVersion"], job["WorkerType"], job["NumberOfWorkers"]) == ("5.0", "G.1X", 10)
    monkeypatch.setattr(volume_run, "POLL_SECONDS", 0.0)
    inputs = unwrap(run.one(RUN).inputs)
    props = {key: value for key, value in inputs.items() if not key.startswith("__")}
    props |= {
        "arguments": spark_runs.plan.arguments(props["output"]),
        "endpoints": {"glue": endpoint.url, "s3": endpoint.url},
    }
    outs = VolumeRunProvider().create(props).outs
    assert outs["state"] == "SUCCEEDED"
    assert outs["tables"] == spark_runs.four["tables"]
