"""The rule table of expected findings: each row, the facts read with it, and its docs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from components import findings
from datagen.catalog import TABLES, TableSpec
from datagen.manifest import TableEntry

PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
ORC_INPUT = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
AVRO_INPUT = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ground-truth.md"


def entry(spec: TableSpec, bucket: str = "b") -> TableEntry:
    """The manifest entry the generator would record for ``spec`` under ``s3://bucket``."""
    metadata = f"s3://{bucket}/{spec.key}/metadata/m.json" if spec.kind == "iceberg" else None
    return TableEntry(
        spec.key,
        spec.name,
        spec.role,
        spec.kind,  # the core kinds are named after their formats
        f"s3://{bucket}/{spec.key}/",
        0,
        [k.name for k in spec.partition_keys],
        [],
        metadata,
        files=0,
        bytes=0,
        readiness="ready",
    )


def glue_table(
    *,
    parameters: dict[str, str] | None = None,
    input_format: str | None = None,
    location: str | None = "s3://bucket/db/t/",
    columns: int = 3,
    partition_keys: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A Glue ``Table`` as GetTable returns it, with only the given parts."""
    storage: dict[str, Any] = {
        "Columns": [{"Name": f"c{i}", "Type": "string"} for i in range(columns)]
    }
    if input_format is not None:
        storage["InputFormat"] = input_format
    if location is not None:
        storage["Location"] = location
    return {
        "Name": "t",
        "TableType": "EXTERNAL_TABLE",
        "Parameters": parameters or {},
        "PartitionKeys": [{"Name": key, "Type": "string"} for key in partition_keys],
        "StorageDescriptor": storage,
    }


@pytest.mark.parametrize("table_type", ["ICEBERG", "iceberg", "Iceberg"])
def test_iceberg_on_s3_is_ready(table_type):
    """Row 1: table_type ICEBERG in any case with an s3:// location is ICEBERG, READY."""
    found = findings.expected(glue_table(parameters={"table_type": table_type}))
    assert (found["format"], found["is_iceberg"], found["readiness"]) == ("ICEBERG", True, "READY")
    assert findings.rule_for(glue_table(parameters={"table_type": table_type})).row == 1


@pytest.mark.parametrize("location", ["s3a://bucket/t/", "S3://bucket/t/", "hdfs://nn/t", "", None])
def test_iceberg_elsewhere_is_unknown(location):
    """Row 2: an Iceberg table whose location is not s3:// (or missing) is ICEBERG, UNKNOWN."""
    table = glue_table(parameters={"table_type": "ICEBERG"}, location=location)
    found = findings.expected(table)
    assert (found["format"], found["is_iceberg"], found["readiness"]) == (
        "ICEBERG",
        True,
        "UNKNOWN",
    )
    assert found["location"] == (location or "")


def test_iceberg_wins_over_a_parquet_input_format():
    """An Iceberg table registered with a Parquet InputFormat is still ICEBERG (row 1 first)."""
    table = glue_table(parameters={"table_type": "ICEBERG"}, input_format=PARQUET_INPUT)
    assert findings.expected(table)["format"] == "ICEBERG"


@pytest.mark.parametrize(
    ("input_format", "fmt"),
    [
        (PARQUET_INPUT, "PARQUET"),
        ("org.apache.hudi.hadoop.HoodieParquetInputFormat", "PARQUET"),
        (ORC_INPUT, "ORC"),
        ("ORG.APACHE.HADOOP.HIVE.QL.IO.ORC.ORCINPUTFORMAT", "ORC"),
    ],
)
def test_parquet_and_orc_need_conversion(input_format, fmt):
    """Rows 3 and 4: an InputFormat containing parquet or orc (any case) needs conversion."""
    found = findings.expected(glue_table(input_format=input_format))
    assert (found["format"], found["is_iceberg"], found["readiness"]) == (
        fmt,
        False,
        "NEEDS_CONVERSION",
    )


@pytest.mark.parametrize(
    "input_format",
    [TEXT_INPUT, AVRO_INPUT, "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat", "", None],
)
def test_every_other_table_is_unknown(input_format):
    """Row 5: text/CSV, Avro, a Delta symlink table or no InputFormat is UNKNOWN, UNKNOWN."""
    found = findings.expected(glue_table(input_format=input_format))
    assert (found["format"], found["is_iceberg"], found["readiness"]) == (
        "UNKNOWN",
        False,
        "UNKNOWN",
    )
    assert findings.rule_for(glue_table(input_format=input_format)).row == 5


def test_a_table_without_storage_descriptor_or_parameters_is_unknown():
    """A view-like table with no StorageDescriptor and no Parameters: UNKNOWN, 0 columns, ''."""
    found = findings.expected({"Name": "v", "TableType": "VIRTUAL_VIEW"})
    assert found == {
        "format": "UNKNOWN",
        "is_iceberg": False,
        "readiness": "UNKNOWN",
        "column_count": 0,
        "partition_keys": [],
        "location": "",
    }


def test_columns_are_counted_without_partition_keys():
    """column_count is the StorageDescriptor's columns only; partition keys are listed in order."""
    table = glue_table(input_format=PARQUET_INPUT, columns=8, partition_keys=("year", "month"))
    found = findings.expected(table)
    assert found["column_count"] == 8
    assert found["partition_keys"] == ["year", "month"]
    assert found["location"] == "s3://bucket/db/t/"


def test_the_five_registered_tables_get_the_tools_findings():
    """As registered, sales_data, events_raw, metrics_orc need conversion; customer_data READY."""
    found = {
        spec.name: findings.expected(findings.registered_table(spec, entry(spec)))
        for spec in TABLES
    }
    assert {name: (f["format"], f["readiness"]) for name, f in found.items()} == {
        "sales_data": ("PARQUET", "NEEDS_CONVERSION"),
        "customer_data": ("ICEBERG", "READY"),
        "metrics_orc": ("ORC", "NEEDS_CONVERSION"),
        "events_raw": ("PARQUET", "NEEDS_CONVERSION"),
        "access_logs": ("UNKNOWN", "UNKNOWN"),
    }
    assert found["sales_data"]["column_count"] == 8
    assert found["sales_data"]["partition_keys"] == ["year", "month"]
    assert found["customer_data"]["location"] == "s3://b/analytics/customer_data/"


def test_the_registered_table_uses_glues_api_spelling():
    """registered_table spells keys as GetTable does and keeps parameter keys as they are."""
    sales = next(spec for spec in TABLES if spec.name == "sales_data")
    table = findings.registered_table(sales, entry(sales))
    storage = table["StorageDescriptor"]
    assert storage["InputFormat"] == PARQUET_INPUT
    assert storage["SerdeInfo"]["Parameters"] == {"serialization.format": "1"}
    assert storage["Columns"][0] == {"Name": "order_id", "Type": "bigint"}
    assert table["Parameters"]["migration_readiness"] == "ready"


def test_the_docs_list_the_rule_table_of_this_version():
    """docs/ground-truth.md shows RULES_VERSION and, row by row, the format and readiness."""
    text = DOCS.read_text()
    assert f"Rules version {findings.RULES_VERSION}" in text
    rows = re.findall(r"^\| (\d) \|.*\| (\w+) \| (\w+) \|$", text, flags=re.MULTILINE)
    assert rows == [(str(r.row), r.format, r.readiness) for r in findings.RULES]
