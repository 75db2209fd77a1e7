"""Glue table and partition definitions shaped from specs and manifest entries (no mocks)."""

from __future__ import annotations

import pytest

from components import glue_shapes
from datagen.catalog import ACCESS_LOGS, CUSTOMER_DATA, METRICS_ORC
from tests.stack.manifests import METADATA, SALES, manifest


def test_parquet_table_points_at_its_manifest_location_with_the_parquet_serde():
    """A Parquet table: Hive Parquet formats and SerDe, the manifest's location, spec columns."""
    entry = manifest().table(SALES.key)
    descriptor = glue_shapes.table_storage_descriptor(SALES, entry)
    assert descriptor["location"] == "s3://bucket-x/analytics/sales_data/"
    assert descriptor["input_format"].endswith("MapredParquetInputFormat")
    assert descriptor["output_format"].endswith("MapredParquetOutputFormat")
    assert descriptor["ser_de_info"]["serialization_library"].endswith("ParquetHiveSerDe")
    assert [c["name"] for c in descriptor["columns"]] == [c.name for c in SALES.columns]
    assert glue_shapes.table_parameters(SALES, entry) == {
        "migration_readiness": "ready",
        "EXTERNAL": "TRUE",
        "classification": "parquet",
    }
    assert glue_shapes.partition_keys(SALES) == [
        {"name": "year", "type": "int"},
        {"name": "month", "type": "int"},
    ]


def test_partition_points_at_its_manifest_location():
    """A partition's descriptor is the table's shape at the partition's own location."""
    entry = manifest().table(SALES.key)
    partition = entry.partitions[1]
    descriptor = glue_shapes.partition_storage_descriptor(SALES, partition)
    assert descriptor["location"] == "s3://bucket-x/analytics/sales_data/year=2024/month=12/"
    table = glue_shapes.table_storage_descriptor(SALES, entry)
    assert {k: v for k, v in descriptor.items() if k != "location"} == {
        k: v for k, v in table.items() if k != "location"
    }
    assert glue_shapes.partition_parameters(SALES) == {"classification": "parquet"}


def test_csv_uses_open_csv_serde_and_declares_no_header():
    """CSV: OpenCSVSerde with its three characters; the files have no header, so neither
    the table nor its partitions carry skip.header.line.count (Spark ignores it)."""
    descriptor = glue_shapes.table_storage_descriptor(ACCESS_LOGS, manifest().table(SALES.key))
    assert descriptor["ser_de_info"] == {
        "serialization_library": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
        "parameters": {"separatorChar": ",", "quoteChar": '"', "escapeChar": "\\"},
    }
    assert descriptor["input_format"] == "org.apache.hadoop.mapred.TextInputFormat"
    assert glue_shapes.partition_parameters(ACCESS_LOGS) == {"classification": "csv"}


def test_orc_columns_keep_the_file_order():
    """ORC is read by position: the Glue columns are the spec's, in its order, with types."""
    assert glue_shapes.columns(METRICS_ORC) == [
        {"name": "metric_name", "type": "string"},
        {"name": "value", "type": "double"},
        {"name": "timestamp", "type": "timestamp"},
        {"name": "tags", "type": "array<string>"},
    ]


def test_iceberg_table_carries_only_location_columns_and_its_metadata_location():
    """Iceberg: table_type and metadata_location parameters, no Hive formats, no partitions."""
    entry = manifest().table(CUSTOMER_DATA.key)
    descriptor = glue_shapes.table_storage_descriptor(CUSTOMER_DATA, entry)
    assert set(descriptor) == {"location", "columns"}
    assert glue_shapes.table_parameters(CUSTOMER_DATA, entry) == {
        "migration_readiness": "ready",
        "table_type": "ICEBERG",
        "metadata_location": METADATA,
    }
    with pytest.raises(TypeError, match="iceberg tables have no Glue partitions"):
        glue_shapes.partition_parameters(CUSTOMER_DATA)


def test_iceberg_table_without_metadata_location_is_refused():
    """An Iceberg entry without metadata_location fails, naming the table."""
    from dataclasses import replace

    entry = replace(manifest().table(CUSTOMER_DATA.key), metadata_location=None)
    with pytest.raises(ValueError, match="analytics/customer_data needs its metadata_location"):
        glue_shapes.table_parameters(CUSTOMER_DATA, entry)
