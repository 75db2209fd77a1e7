"""The stack's AWS resources applied to moto, then every table read through Glue.

The program runs under Pulumi mocks; ``aws_emulator.apply`` makes the AWS API call for
each registered resource with its recorded inputs; ``glue_reader`` then reads each
table as an engine would, knowing nothing but its Glue definition.
"""

from __future__ import annotations

import json

import pyarrow.compute as pc
import pytest

from components import findings
from tests.stack import aws_emulator
from tests.stack.program import run_program
from tests.support.glue_reader import list_tables, read_table, schema_problems
from tests.support.policy_lint import RESOURCE, policy_findings


@pytest.fixture
def deployed(program_env, free_port, moto_endpoint):
    run = run_program({"postgresPort": free_port})
    applied = aws_emulator.apply(run, moto_endpoint.url, moto_endpoint.region)
    return run, applied, moto_endpoint


def test_every_table_reads_back_through_its_glue_definition(deployed):
    """Each of 5 tables reads back via Glue with its schema, rows, partitions and partition rows."""
    run, _, endpoint = deployed
    truth = run.ground_truth
    checked = 0
    for database in truth["databases"]:
        for table in database["tables"]:
            read = read_table(endpoint, database["name"], table["name"])
            assert schema_problems(read) == [], table["name"]
            assert read.data.num_rows == table["rows"]
            if table["format"] != "iceberg":
                assert sorted(read.partitions) == sorted(p["values"] for p in table["partitions"])
                for partition in table["partitions"]:
                    mask = None
                    for key, value in zip(
                        table["partition_keys"], partition["values"], strict=True
                    ):
                        column = pc.cast(read.data[key], "string")
                        match = pc.equal(column, value)
                        mask = match if mask is None else pc.and_(mask, match)
                    assert pc.sum(mask).as_py() == partition["rows"], partition["values"]
            checked += 1
    assert checked == 5


def test_the_rules_give_the_documents_findings_for_every_table_read_back(deployed):
    """The rules on each table as Glue returns it equal the document's expected findings."""
    run, applied, _ = deployed
    truth = run.ground_truth
    readiness = {}
    for database in truth["databases"]:
        for table in database["tables"]:
            read = applied.glue.get_table(DatabaseName=database["name"], Name=table["name"])
            assert findings.expected(read["Table"]) == table["expected"], table["name"]
            assert table["rules_version"] == findings.RULES_VERSION
            assert table["labels"] == {"migration_readiness": "ready"}
            assert "expected_readiness" not in table
            readiness[table["name"]] = table["expected"]["readiness"]
    assert readiness == {
        "sales_data": "NEEDS_CONVERSION",
        "events_raw": "NEEDS_CONVERSION",
        "metrics_orc": "NEEDS_CONVERSION",
        "customer_data": "READY",
        "access_logs": "UNKNOWN",
    }


def test_partitions_are_two_or_three_per_partitioned_table(deployed):
    """In moto each partitioned table has two or three partitions and every other table none."""
    _, applied, _ = deployed
    for database in ("test_analytics", "test_logs"):
        for table in list_tables(applied.glue, database):
            partitions = applied.glue.get_partitions(
                DatabaseName=database, TableName=table["Name"]
            )["Partitions"]
            if table.get("PartitionKeys"):
                assert 2 <= len(partitions) <= 3, table["Name"]
            else:
                assert partitions == [], table["Name"]


def test_every_object_is_in_the_bucket_with_its_size(deployed):
    """The bucket holds the ground-truth object and each table's files, matching count and bytes."""
    run, applied, _ = deployed
    listed = {
        obj["Key"]: obj["Size"]
        for page in applied.s3.get_paginator("list_objects_v2").paginate(Bucket=applied.bucket)
        for obj in page.get("Contents", [])
    }
    truth = run.ground_truth
    assert truth["totals"]["files"] == len(listed) - 1  # the ground truth object itself
    stored = json.loads(
        applied.s3.get_object(Bucket=applied.bucket, Key="_testenv/ground-truth.json")[
            "Body"
        ].read()
    )
    assert stored == truth
    for database in truth["databases"]:
        for table in database["tables"]:
            prefix = table["location"].removeprefix(f"s3://{applied.bucket}/")
            under = {k: v for k, v in listed.items() if k.startswith(prefix)}
            assert len(under) == table["files"] and sum(under.values()) == table["bytes"]


def test_the_bucket_policy_put_on_the_bucket_passes_the_policy_linter(deployed):
    """The TLS-only policy as put on the bucket (and stored unchanged) has no finding of the
    IAM policy linter: moto would store any document, so its read-back alone proves nothing."""
    _, applied, _ = deployed
    assert list(applied.policies) == [applied.bucket], "the stack declares a TLS-only policy"
    applied.apply_policies()
    try:
        stored = applied.s3.get_bucket_policy(Bucket=applied.bucket)["Policy"]
    finally:
        applied.remove_policies()
    assert json.loads(stored) == json.loads(applied.policies[applied.bucket])
    assert policy_findings(stored, RESOURCE) == []


def test_a_database_of_more_than_100_tables_is_listed_completely(
    program_env, free_port, moto_endpoint
):
    """A 130-table database spans Glue pages; listing returns all 130 and the last reads back."""
    run = run_program(
        {
            "postgresPort": free_port,
            "database": "false",
            "tables": "sales_data,events_raw",
            "rows": "10",
            "scaleDatabases": "1",
            "tablesPerDatabase": "130",
        }
    )
    applied = aws_emulator.apply(run, moto_endpoint.url, moto_endpoint.region)
    first_page = applied.glue.get_tables(DatabaseName="test_scale_01", MaxResults=100)
    assert len(first_page["TableList"]) == 100 and first_page.get("NextToken")
    tables = list_tables(applied.glue, "test_scale_01")
    assert len(tables) == 130
    assert len({t["Name"] for t in tables}) == 130
    sample = tables[-1]["Name"]
    assert read_table(moto_endpoint, "test_scale_01", sample).data.num_rows == 10
