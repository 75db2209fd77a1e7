"""The program with `zoo: true` under mocks: the <env>_zoo database, every zoo table with
the zoo module's exact definition, its files as objects, and its ground truth."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from components import glue_spelling
from datagen import digest
from datagen.kinds.zoo import written_of
from families.zoo.engines import ENGINES, label
from tests.datagen.kinds import zoo_kinds as zoo
from tests.stack.program import ProgramRun, run_program, unwrap
from tests.stack.test_program import DATABASE, OBJECT, PARTITION, TABLE, generated_manifest

ZOO_TABLES = 20  # zoo.KINDS: every kind of docs/zoo.md that is not left out


@pytest.fixture
def zoo_run(program_env, free_port) -> ProgramRun:
    return run_program({"postgresPort": free_port, "zoo": "true"})


def _truth(run: ProgramRun) -> dict:
    obj = next(
        unwrap(o.inputs)
        for o in run.of_type(OBJECT)
        if unwrap(o.inputs)["key"] == "_testenv/ground-truth.json"
    )
    return json.loads(obj["content"])


def test_zoo_true_registers_the_zoo_database_and_every_zoo_table(zoo_run):
    """`zoo: true`: database test_zoo, 20 zoo tables named glue-zoo-<table>, beside the core."""
    assert len(zoo.KINDS) == ZOO_TABLES
    databases = {unwrap(r.inputs)["name"] for r in zoo_run.of_type(DATABASE)}
    assert databases == {"test_analytics", "test_logs", "test_zoo"}
    zoo_tables = [r for r in zoo_run.of_type(TABLE) if r.name.startswith("glue-zoo-")]
    assert sorted(r.name for r in zoo_tables) == sorted(
        f"glue-zoo-{m.TABLE}" for m in zoo.KINDS.values()
    )
    assert len(zoo_run.of_type(TABLE)) == 5 + ZOO_TABLES
    assert {unwrap(r.inputs)["databaseName"] for r in zoo_tables} == {"test_zoo"}


def test_zoo_tables_carry_the_zoo_modules_exact_definitions(zoo_run):
    """Each zoo table's and partition's inputs are its module's TableInput/PartitionInputs."""
    manifest = generated_manifest(zoo_run)
    bucket = manifest.location.removeprefix("s3://")
    tables = {r.name: unwrap(r.inputs) for r in zoo_run.of_type(TABLE)}
    partitions = [unwrap(r.inputs) for r in zoo_run.of_type(PARTITION)]
    registered = 0
    for kind, module in zoo.KINDS.items():
        entry = manifest.table(f"zoo/{module.TABLE}")
        glue = module.glue_table(bucket, "test_zoo", module.TABLE, written_of(manifest, entry))
        inputs = tables[f"glue-zoo-{module.TABLE}"]
        args = glue_spelling.table_args(glue.table_input, "123456789012")
        assert inputs["name"] == args["name"], kind
        assert inputs.get("tableType") == args.get("table_type"), kind
        assert inputs.get("parameters", {}) == glue.table_input.get("Parameters", {}), kind
        if "view_original_text" in args:
            assert inputs["viewOriginalText"] == args["view_original_text"]
        if "target_table" in args:
            assert inputs["targetTable"]["databaseName"] == "test_analytics"
            assert inputs["targetTable"]["catalogId"] == args["target_table"]["catalog_id"]
        mine = [p for p in partitions if p["tableName"] == module.TABLE]
        assert sorted(p["partitionValues"] for p in mine) == sorted(
            p["Values"] for p in glue.partitions
        ), kind
        for part in glue.partitions:
            (match,) = [p for p in mine if p["partitionValues"] == part["Values"]]
            columns = [c["name"] for c in match["storageDescriptor"]["columns"]]
            assert columns == [c["Name"] for c in part["StorageDescriptor"]["Columns"]], kind
        registered += len(glue.partitions)
    assert registered == len(partitions) - 9  # the core tables' 9 partitions


def test_zoo_files_are_objects_and_in_the_ground_truth(zoo_run):
    """Every zoo file is a BucketObject; the ground truth lists all 20 zoo tables with kind,
    detected format, notes, engines and the rule table's findings."""
    manifest = generated_manifest(zoo_run)
    keys = {unwrap(o.inputs)["key"] for o in zoo_run.of_type(OBJECT)}
    zoo_files = [f.key for f in manifest.files if f.table.startswith("zoo/")]
    assert zoo_files and set(zoo_files) <= keys
    truth = _truth(zoo_run)
    (database,) = [d for d in truth["databases"] if d["name"] == "test_zoo"]
    assert database["table_count"] == ZOO_TABLES
    assert {x["kind"] for x in database["left_out"]} == {"iceberg_v3", "hudi_copy_on_write"}
    by_kind = {t["kind"]: t for t in database["tables"]}
    assert set(by_kind) == set(zoo.KINDS)
    assert by_kind["iceberg_v2_history"]["is_iceberg"] is True
    assert by_kind["iceberg_v2_history"]["expected"]["format"] == "ICEBERG"
    assert by_kind["avro_crawler"]["detected_format"] == "AVRO"
    assert by_kind["avro_crawler"]["expected"]["format"] == "UNKNOWN"  # rules version 1
    projected = by_kind["partition_projection"]
    assert projected["registered_partitions"] == 0 and len(projected["partitions"]) == 3
    assert any("no partitions in Glue" in n for n in projected["notes"])
    assert by_kind["empty_table"]["objects"] == [] and by_kind["empty_table"]["rows"] == 0
    for kind, table in by_kind.items():
        assert (
            table["rows"] == sum(p["rows"] for p in table["partitions"]) or not table["partitions"]
        ), kind
        assert table["files"] == len(table["objects"]), kind
        assert set(table["engines"]) == {label(engine) for engine in ENGINES}, kind


def test_every_zoo_table_with_rows_has_the_value_digest_of_its_rows(zoo_run):
    """Each zoo table's ground-truth value_digest is that of its module's rows (the run's
    seed and rows, the table's key) rendered with its registered columns' and partition
    keys' types (Delta's log columns where Glue has a placeholder); the view's and the
    resource link's are null, an empty table's that of no rows; the core tables keep theirs."""
    manifest = generated_manifest(zoo_run)
    tables = {r.name: unwrap(r.inputs) for r in zoo_run.of_type(TABLE)}
    (database,) = [d for d in _truth(zoo_run)["databases"] if d["name"] == "test_zoo"]
    truth = {t["kind"]: t for t in database["tables"]}
    empty = digest.digest_rows(pa.table({}), [])
    for kind, module in zoo.KINDS.items():
        rows = module.rows(manifest.seed, f"zoo/{module.TABLE}", manifest.rows)
        if rows is None:
            assert kind in {"athena_view", "resource_link"}, kind
            assert truth[kind]["value_digest"] is None, kind
            continue
        inputs = tables[f"glue-zoo-{module.TABLE}"]
        registered = [
            (c["name"], c["type"])
            for c in [*inputs["storageDescriptor"]["columns"], *inputs.get("partitionKeys", [])]
        ]
        columns = module.value_columns() if kind == "delta_lake" else registered
        assert rows.column_names == [name for name, _ in columns], kind
        expected = digest.digest_rows(rows, [glue_type for _, glue_type in columns])
        assert truth[kind]["value_digest"] == expected, kind
        assert (expected == empty) == (truth[kind]["rows"] == 0), kind
    core = [t for d in _truth(zoo_run)["databases"] if d["name"] != "test_zoo" for t in d["tables"]]
    assert all(t["value_digest"] for t in core)


def test_zoo_false_registers_nothing_of_the_zoo(program_env, free_port):
    """`zoo: false` (the default): no zoo database, table, partition, object or truth entry."""
    run = run_program({"postgresPort": free_port})
    assert "test_zoo" not in {unwrap(r.inputs)["name"] for r in run.of_type(DATABASE)}
    assert not [r for r in run.of_type(TABLE) if r.name.startswith("glue-zoo-")]
    assert not [o for o in run.of_type(OBJECT) if unwrap(o.inputs)["key"].startswith("zoo/")]
    assert "test_zoo" not in {d["name"] for d in _truth(run)["databases"]}
