"""Parquet, projected, drifted, crawled and odd-shaped kinds read back as declared; the
view and the resource link point at tables that exist."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from datagen.catalog import TABLES_BY_NAME
from datagen.kinds import (
    athena_view,
    crawler_csv,
    missing_location,
    parquet_nested,
    partition_projection,
    quoted_columns,
    resource_link,
    schema_drift,
    tsv,
    wide_table,
)
from tests.datagen.kinds import zoo_kinds as zoo
from tests.datagen.kinds.conftest import BUCKET, DATABASE, ROWS, SEED


def _glue(name: str, written):
    module = zoo.kind(name)
    return module.glue_table(BUCKET, DATABASE, module.TABLE, written[name])


def _local(zoo_root, location: str):
    """The local file of an ``s3://<bucket>/<key>`` location."""
    prefix = f"s3://{BUCKET}/"
    assert location.startswith(prefix), location
    return zoo_root / location[len(prefix) :]


def test_nested_parquet_reads_back_with_zstd_int64_timestamps_and_decimal_38_9(zoo_root, written):
    """pyarrow reads the nested table back equal; the file is zstd, ts is INT64 micros and
    price is decimal(38,9)."""
    (f,) = written["parquet_nested"].files
    read = pq.read_table(zoo_root / f.key)
    assert read.equals(parquet_nested.table(SEED, written["parquet_nested"].prefix, ROWS))
    meta = pq.ParquetFile(zoo_root / f.key).metadata
    columns = {
        meta.schema.column(i).path: meta.row_group(0).column(i) for i in range(meta.num_columns)
    }
    assert {c.compression for c in columns.values()} == {"ZSTD"}
    assert columns["ts"].physical_type == "INT64"
    assert read.schema.field("price").type == pa.decimal128(38, 9)
    glue_types = dict(
        (c["Name"], c["Type"])
        for c in _glue("parquet_nested", written).table_input["StorageDescriptor"]["Columns"]
    )
    assert glue_types["items"] == "array<struct<sku:string,qty:int>>"


def test_projection_template_finds_every_file_and_no_partition_is_registered(zoo_root, written):
    """Each date of projection.dt.range, put into storage.location.template, is a folder
    holding that day's rows; the definition registers no partition."""
    glue = _glue("partition_projection", written)
    params = glue.table_input["Parameters"]
    assert params["projection.enabled"] == "true" and glue.partitions == []
    first, last = params["projection.dt.range"].split(",")
    days = [p["dt"] for p in written["partition_projection"].partitions()]
    assert (days[0], days[-1]) == (first, last)
    expected = partition_projection.tables(SEED, written["partition_projection"].prefix, ROWS)
    for day in days:
        folder = _local(zoo_root, params["storage.location.template"].replace("${dt}", day))
        read = pa.concat_tables(pq.read_table(p) for p in sorted(folder.glob("*.parquet")))
        assert read.equals(expected[day]), day


def test_drifted_partitions_declare_exactly_their_files_keys(zoo_root, written):
    """Each partition's descriptor lists the keys its JSON lines hold, which differ from the
    table's columns for all but the newest partition."""
    glue = _glue("schema_drift", written)
    table_columns = [c["Name"] for c in glue.table_input["StorageDescriptor"]["Columns"]]
    differing = 0
    for part in glue.partitions:
        declared = [c["Name"] for c in part["StorageDescriptor"]["Columns"]]
        folder = _local(zoo_root, part["StorageDescriptor"]["Location"])
        for path in folder.glob("*.json"):
            for line in path.read_text().splitlines():
                assert list(json.loads(line)) == declared, path
        differing += declared != table_columns
    assert differing == 2
    amount = {
        tuple(p["Values"]): [
            c["Type"] for c in p["StorageDescriptor"]["Columns"] if c["Name"] == "amount"
        ]
        for p in glue.partitions
    }
    assert sorted(amount.values()) == [[], ["bigint"], ["double"]]
    assert sum(f.rows for f in written["schema_drift"].files) == ROWS
    assert len(schema_drift.PARTITION_COLUMNS) == len(glue.partitions)


def test_crawler_counts_match_the_files_they_describe(zoo_root, written):
    """recordCount, objectCount and sizeKey equal the rows, files and bytes on disk, for the
    table and each partition; pyarrow reads the CSVs with their header."""
    glue = _glue("crawler_csv", written)
    files = written["crawler_csv"].files
    table_params = glue.table_input["Parameters"]
    assert table_params == glue.table_input["StorageDescriptor"]["Parameters"]
    assert table_params["recordCount"] == str(ROWS)
    assert table_params["objectCount"] == str(len(files))
    assert table_params["sizeKey"] == str(sum((zoo_root / f.key).stat().st_size for f in files))
    assert table_params["UPDATED_BY_CRAWLER"] == crawler_csv.CRAWLER
    expected = crawler_csv.tables(SEED, written["crawler_csv"].prefix, ROWS)
    for part in glue.partitions:
        (path,) = _local(zoo_root, part["StorageDescriptor"]["Location"]).glob("*.csv")
        read = pacsv.read_csv(path)
        assert read.equals(expected[part["Values"][0]]), path
        assert part["Parameters"]["recordCount"] == str(read.num_rows)
        assert part["Parameters"]["sizeKey"] == str(path.stat().st_size)


def test_wide_and_quoted_tables_read_back_with_their_column_names(zoo_root, written):
    """pyarrow reads 300 columns from the wide table and the quoting-needing names verbatim,
    both equal to the Glue column lists."""
    for name, module in (("wide_table", wide_table), ("quoted_columns", quoted_columns)):
        (f,) = written[name].files
        read = pq.read_table(zoo_root / f.key)
        glue_names = [
            c["Name"] for c in _glue(name, written).table_input["StorageDescriptor"]["Columns"]
        ]
        assert read.column_names == glue_names, name
        assert read.equals(module.table(SEED, written[name].prefix, ROWS)), name
    assert len(wide_table.COLUMNS) == 300


def test_empty_and_missing_locations_hold_no_objects(zoo_root, written):
    """The empty table's location is in the bucket with nothing under it; the missing one
    names another bucket."""
    empty = _glue("empty_table", written).table_input["StorageDescriptor"]["Location"]
    assert not _local(zoo_root, empty).exists()
    missing = _glue("missing_location", written).table_input["StorageDescriptor"]["Location"]
    assert missing.startswith(f"s3://{missing_location.missing_bucket(BUCKET)}/")
    assert len(missing_location.missing_bucket("b" * 63)) <= 63
    assert written["empty_table"].files == () == written["missing_location"].files


def test_view_text_decodes_to_valid_json_over_existing_columns(written):
    """The ViewOriginalText decodes to the view JSON (catalog awsdatacatalog, this schema)
    whose columns exist in the base table with matching types."""
    glue = _glue("athena_view", written)
    view = athena_view.decode(glue.table_input["ViewOriginalText"])
    assert view["catalog"] == "awsdatacatalog" and view["schema"] == DATABASE
    assert f'"{DATABASE}"."{tsv.TABLE}"' in view["originalSql"]
    base_types = dict(tsv.COLUMNS)
    hive = {c["Name"]: c["Type"] for c in glue.table_input["StorageDescriptor"]["Columns"]}
    assert [c["name"] for c in view["columns"]] == list(hive)
    assert all(base_types[name] == glue_type for name, glue_type in hive.items())
    assert glue.table_input["ViewExpandedText"] == "/* Presto View */"


def test_resource_link_targets_a_core_table(written):
    """The link points at sales_data in <env>_analytics, a table of the core catalog."""
    target = _glue("resource_link", written).table_input["TargetTable"]
    assert target == {"DatabaseName": "test_analytics", "Name": resource_link.TARGET_TABLE}
    assert resource_link.TARGET_TABLE in TABLES_BY_NAME
