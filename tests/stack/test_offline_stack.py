"""The offline stack (scripts/offline.yaml): the AWS provider pointed at a local emulator."""

from __future__ import annotations

import json

import yaml

from datagen.catalog import TABLES
from scripts._lib import EMULATED_SERVICES
from tests.stack import aws_emulator
from tests.stack.program import PROJECT, ROOT, run_program, unwrap
from tests.support.glue_reader import read_table


def local_stack_config(port: int | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """``scripts/offline.yaml`` as (project config, aws config), values as Pulumi passes them."""
    values = yaml.safe_load((ROOT / "scripts" / "offline.yaml").read_text())["config"]
    as_text = {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    project = {k.split(":", 1)[1]: v for k, v in as_text.items() if k.startswith(f"{PROJECT}:")}
    aws = {k: v for k, v in as_text.items() if k.startswith("aws:")}
    if port is not None:  # the file's port may be taken on this machine
        project["postgresPort"] = str(port)
    return project, aws


def test_local_stack_points_one_endpoint_entry_at_the_emulator():
    """The template (scripts/offline.yaml) sends every service the stack uses (the
    account's ec2, athena and lakeformation too) to one endpoint, path-style, account from
    STS; the scripts rewrite the same services for another port."""
    _, aws = local_stack_config()
    endpoints = json.loads(aws["aws:endpoints"])
    assert len(endpoints) == 1
    assert set(endpoints[0]) == set(EMULATED_SERVICES)
    assert set(EMULATED_SERVICES) == {"s3", "glue", "sts", "iam", "ec2", "athena", "lakeformation"}
    shell = (ROOT / "scripts" / "_lib.sh").read_text()
    assert f'EMULATED_SERVICES="{" ".join(EMULATED_SERVICES)}"' in shell
    assert len(set(endpoints[0].values())) == 1
    assert aws["aws:s3UsePathStyle"] == "true"
    assert aws["aws:skipCredentialsValidation"] == "true"
    assert "aws:skipRequestingAccountId" not in aws  # the account id still comes from STS


def test_the_provider_gets_the_emulator_settings(program_env, free_port):
    """The provider gets the file's endpoints and flags; no TLS policy; AWS_ENDPOINT_URL is set."""
    project, aws = local_stack_config(free_port)
    run = run_program(project, stack="local", aws_config=aws)
    provider = unwrap(run.one("pulumi:providers:aws").inputs)
    endpoints = json.loads(aws["aws:endpoints"])
    assert provider["endpoints"] == endpoints or json.loads(provider["endpoints"]) == endpoints
    assert provider["s3UsePathStyle"] in (True, "true")
    assert provider["skipCredentialsValidation"] in (True, "true")
    assert not run.of_type("aws:s3/bucketPolicy:BucketPolicy")
    assert run.outputs["AWS_ENDPOINT_URL"] == endpoints[0]["s3"]


def test_the_local_stack_applies_to_moto_and_reads_back(program_env, free_port, moto_endpoint):
    """The local stack applied to moto reads back every table with its row count."""
    project, aws = local_stack_config(free_port)
    run = run_program(project, stack="local", aws_config=aws)
    aws_emulator.apply(run, moto_endpoint.url, moto_endpoint.region)
    read = {}
    for database in run.ground_truth["databases"]:
        for table in database["tables"]:
            read[table["name"]] = read_table(moto_endpoint, database["name"], table["name"])
            assert read[table["name"]].data.num_rows == table["rows"], table["name"]
    # The five core tables of the small profile, each with rows: an empty document fails here.
    assert sorted(read) == sorted(spec.name for spec in TABLES)
    assert all(r.data.num_rows > 0 for r in read.values()), sorted(read)
