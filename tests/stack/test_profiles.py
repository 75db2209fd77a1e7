"""Profiles under Pulumi mocks: what each one declares, and how deep the graph is."""

from __future__ import annotations

import pytest

from tests.stack.program import graph_depth, run_program, unwrap

TABLE = "aws:glue/catalogTable:CatalogTable"
PARTITION = "aws:glue/partition:Partition"
DATABASE = "aws:glue/catalogDatabase:CatalogDatabase"
OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"


def declared(run) -> dict[str, int]:
    counts = run.count_by_type()
    return {kind: counts.get(kind, 0) for kind in (DATABASE, TABLE, PARTITION, OBJECT)}


def test_medium_has_more_rows_and_partitions(program_env, free_port):
    """Medium: 2 databases, 5 tables, 12+30+30 partitions, 100,000 rows a table, object per file."""
    run = run_program({"profile": "medium", "postgresPort": free_port})
    counts = declared(run)
    assert counts[DATABASE] == 2 and counts[TABLE] == 5
    assert counts[PARTITION] == 12 + 30 + 30
    truth = run.ground_truth
    assert {t["rows"] for d in truth["databases"] for t in d["tables"]} == {100_000}
    assert counts[OBJECT] == truth["totals"]["files"] + 1


def test_large_has_three_scale_databases_of_150_tables_in_every_format(program_env, free_port):
    """Large adds three 150-table scale databases in all four formats, names unique, depth 6."""
    run = run_program({"profile": "large", "postgresPort": free_port})
    counts = declared(run)
    assert counts[DATABASE] == 5
    assert counts[TABLE] == 5 + 3 * 150
    per_database: dict[str, set[str]] = {}
    formats: dict[str, set[str]] = {}
    for database in run.ground_truth["databases"]:
        per_database[database["name"]] = {t["name"] for t in database["tables"]}
        formats[database["name"]] = {t["format"] for t in database["tables"]}
    scale = [name for name in per_database if "_scale_" in name]
    assert sorted(scale) == ["test_scale_01", "test_scale_02", "test_scale_03"]
    for name in scale:
        assert len(per_database[name]) == 150
        assert formats[name] == {"parquet", "orc", "csv", "iceberg"}
    names = [
        (unwrap(t.inputs)["databaseName"], unwrap(t.inputs)["name"]) for t in run.of_type(TABLE)
    ]
    assert len(set(names)) == len(names)
    assert counts[OBJECT] == run.ground_truth["totals"]["files"] + 1
    assert graph_depth(run)["depth"] == 6  # breadth, not depth: the chain stays the bucket's


@pytest.mark.parametrize("profile", ["small", "medium", "large"])
def test_explicit_rows_win_over_the_profile(program_env, free_port, profile):
    """A configured rows value overrides the row count of the small, medium and large profiles."""
    if profile == "large":
        config = {"profile": profile, "rows": "7", "tablesPerDatabase": "2", "database": "false"}
    else:
        config = {"profile": profile, "rows": "7", "postgresPort": free_port}
    run = run_program(config)
    rows = {t["rows"] for d in run.ground_truth["databases"] for t in d["tables"]}
    assert rows == {7}
