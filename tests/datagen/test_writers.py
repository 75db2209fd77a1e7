"""Each format read back by its real reader: types, encodings, layout and quoting."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.orc as pa_orc
import pyarrow.parquet as pq
from pyiceberg.table import StaticTable

from datagen.catalog import (
    ACCESS_LOGS,
    CUSTOMER_DATA,
    EVENTS_RAW,
    METRICS_ORC,
    SALES_DATA,
)
from datagen.kinds.csv import CsvKind
from datagen.pools import pool
from tests.datagen.conftest import S3_LOCATION


def data_files(manifest, spec):
    return [f for f in manifest.files_of(manifest.table(spec.key)) if f.kind == "data"]


def test_parquet_encodings_engines_read(small_output):
    """Parquet: int32 for int, int64 for bigint, decimal(10,2), INT96 timestamps (what Hive's
    ParquetHiveSerDe reads), Snappy, and no partition columns inside the files."""
    root, manifest = small_output
    for spec in (SALES_DATA, EVENTS_RAW):
        for file in data_files(manifest, spec):
            parquet = pq.ParquetFile(root / file.key, coerce_int96_timestamp_unit="us")
            assert parquet.schema_arrow == spec.arrow_schema, file.key
            assert parquet.metadata.num_rows == file.rows, file.key
            columns = {c.name: c for c in parquet.schema}
            assert not {k.name for k in spec.partition_keys} & set(columns), file.key
            timestamp = columns["timestamp" if spec is EVENTS_RAW else "order_date"]
            assert timestamp.physical_type == "INT96", file.key
            group = parquet.metadata.row_group(0)
            assert {group.column(i).compression for i in range(group.num_columns)} == {"SNAPPY"}
    sales = pq.ParquetFile(root / data_files(manifest, SALES_DATA)[0].key)
    columns = {c.name: c for c in sales.schema}
    assert columns["quantity"].physical_type == "INT32"
    assert columns["order_id"].physical_type == "INT64"
    assert columns["amount"].physical_type == "FIXED_LEN_BYTE_ARRAY"
    assert (columns["amount"].precision, columns["amount"].scale) == (10, 2)


def test_partitioned_tables_have_hive_folders_equal_to_values(small_output):
    """3 partitions per partitioned table, `key=value/` folders whose text is the value."""
    root, manifest = small_output
    daily = ["date=2024-12-29", "date=2024-12-30", "date=2024-12-31"]
    expected = [
        (SALES_DATA, ["year=2024/month=10", "year=2024/month=11", "year=2024/month=12"]),
        (EVENTS_RAW, daily),
        (ACCESS_LOGS, daily),
    ]
    for spec, folders in expected:
        table = manifest.table(spec.key)
        assert [p.path for p in table.partitions] == folders, spec.name
        for partition, folder in zip(table.partitions, folders, strict=True):
            assert partition.location == f"file://{root}/{spec.key}/{folder}/"
            (file,) = manifest.files_in(table, partition)
            assert file.key.startswith(f"{spec.key}/{folder}/") and (root / file.key).is_file()
            assert partition.rows > 0 and partition.files == 1
        assert sum(p.rows for p in table.partitions) == 1000
    assert [p.values for p in manifest.table(SALES_DATA.key).partitions] == [
        {"year": "2024", "month": "10"},
        {"year": "2024", "month": "11"},
        {"year": "2024", "month": "12"},
    ]


def test_sales_values_are_plausible(small_output):
    """Order ids are unique, amounts positive with two decimals, statuses from the enum."""
    root, manifest = small_output
    rows = pa.concat_tables(pq.read_table(root / f.key) for f in data_files(manifest, SALES_DATA))
    ids = rows["order_id"].to_pylist()
    assert len(set(ids)) == len(ids) == 1000
    assert min(a for a in rows["amount"].to_pylist()) > 0
    statuses = set(rows["status"].to_pylist())
    assert statuses <= {"pending", "processing", "shipped", "delivered", "cancelled", "returned"}
    assert len(statuses) >= 5


def test_orc_is_compressed_in_catalog_column_order(small_output):
    """ORC: compressed, columns in the catalog's order (Athena reads by position), tags a
    list of strings."""
    root, manifest = small_output
    (file,) = data_files(manifest, METRICS_ORC)
    orc = pa_orc.ORCFile(str(root / file.key))
    assert orc.compression != "UNCOMPRESSED"
    assert orc.schema.names == [c.name for c in METRICS_ORC.columns]
    assert orc.schema.field("tags").type.value_type == pa.string()
    table = orc.read()
    assert table.num_rows == file.rows == 1000
    assert all(1 <= len(tags) <= 4 for tags in table["tags"].to_pylist())


def test_csv_has_no_header_and_text_timestamps(small_output):
    """CSV: no header line (Spark would count it as a row), only data rows of the catalog's
    width; timestamps as `yyyy-MM-dd HH:mm:ss` text."""
    root, manifest = small_output
    names = [c.name for c in ACCESS_LOGS.columns]
    total = 0
    for file in data_files(manifest, ACCESS_LOGS):
        text = (root / file.key).read_text(encoding="utf-8")
        assert "\\" not in text
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        assert rows[0] != names, file.key
        assert all(len(row) == len(names) for row in rows)
        day = file.partition["date"]
        assert all(re.fullmatch(rf"{day} \d\d:\d\d:\d\d", row[0]) for row in rows), file.key
        assert len(rows) == file.rows, file.key
        total += len(rows)
    assert total == 1000


def test_user_agents_with_commas_and_quotes_round_trip_through_csv(small_output):
    """Values with commas and quotes come back unchanged through a quote-honouring reader."""
    root, manifest = small_output
    agents = set(pool("user_agent", manifest.seed).to_pylist())
    read_back = []
    for file in data_files(manifest, ACCESS_LOGS):
        with (root / file.key).open(newline="", encoding="utf-8") as handle:
            names = [c.name for c in ACCESS_LOGS.columns]
            read_back += [row["user_agent"] for row in csv.DictReader(handle, fieldnames=names)]
    assert set(read_back) <= agents
    assert any("," in a and '"' in a for a in read_back)


def test_csv_writer_quotes_by_rfc_4180(tmp_path):
    """Quotes are doubled inside quoted fields (no backslash escapes): csv reads the values back."""
    values = ['a, "b"', '"', ",", "", "plain", 'end"']
    schema = pa.schema([("text", pa.string()), ("n", pa.string())])
    batch = pa.RecordBatch.from_arrays(
        [pa.array(values), pa.array([str(i) for i in range(6)])], schema=schema
    )
    path = tmp_path / "quoted.csv"
    CsvKind().write_file(path, schema, [batch])
    raw = path.read_text(encoding="utf-8")
    assert '"a, ""b"""' in raw and "\\" not in raw
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, strict=True))
    assert [row[0] for row in rows] == values


def test_iceberg_local_copy_loads_with_pyiceberg(small_output):
    """The default output is itself an Iceberg v2 table: StaticTable loads and scans it."""
    root, manifest = small_output
    table_entry = manifest.table(CUSTOMER_DATA.key)
    assert table_entry.metadata_location.startswith(
        f"file://{root}/analytics/customer_data/metadata/"
    )
    table = StaticTable.from_metadata(table_entry.metadata_location)
    assert table.metadata.format_version == 2
    assert table.location() == f"file://{root}/analytics/customer_data"
    assert table_entry.location == f"file://{root}/analytics/customer_data/"
    rows = table.scan().to_arrow()
    assert rows.num_rows == 1000
    assert rows.schema.names == [c.name for c in CUSTOMER_DATA.columns]
    assert str(table.schema().find_field("lifetime_value").field_type) == "decimal(10, 2)"
    assert str(table.schema().find_field("signup_date").field_type) == "date"
    assert min(rows["lifetime_value"].to_pylist()) >= 0
    assert set(rows["tier"].to_pylist()) == {"bronze", "silver", "gold", "platinum"}


def test_iceberg_files_name_the_upload_location_only(for_upload):
    """Metadata, manifest list and manifests carry absolute s3:// paths, never the local folder."""
    root, manifest = for_upload
    table_entry = manifest.table(CUSTOMER_DATA.key)
    assert table_entry.metadata_location.startswith(
        f"{S3_LOCATION}/analytics/customer_data/metadata/"
    )
    assert table_entry.metadata_location.endswith(".metadata.json")
    kinds = {f.kind for f in manifest.files_of(table_entry)}
    assert kinds == {"data", "metadata", "manifest-list", "manifest"}
    for file in manifest.files_of(table_entry):
        if file.kind != "data":
            content = (root / file.key).read_bytes()
            assert str(root).encode() not in content, file.key
            assert b"file://" not in content, file.key
    current = json.loads(
        (root / table_entry.metadata_location.removeprefix(S3_LOCATION + "/")).read_text()
    )
    assert current["location"] == f"{S3_LOCATION}/analytics/customer_data"
    manifest_list = current["snapshots"][0]["manifest-list"]
    assert manifest_list.startswith(f"{S3_LOCATION}/analytics/customer_data/metadata/snap-")
    assert manifest_list.removeprefix(S3_LOCATION + "/") in {f.key for f in manifest.files}


def test_content_types(small_output):
    """Objects carry the content type of their format."""
    _, manifest = small_output
    by_kind = {(f.format, f.kind): f.content_type for f in manifest.files}
    assert by_kind[("parquet", "data")] == "application/vnd.apache.parquet"
    assert by_kind[("orc", "data")] == "application/octet-stream"
    assert by_kind[("csv", "data")] == "text/csv"
    assert by_kind[("iceberg", "metadata")] == "application/json"
    assert by_kind[("iceberg", "manifest")] == "application/avro"
    assert Path(next(f.key for f in manifest.files if f.format == "csv")).suffix == ".csv"
