"""Reads a table the way a query engine does: through its Glue definition only.

Nothing here knows the table catalog. The Glue table says where the data is, which
format it has (SerDe / ``classification`` / ``table_type``), which columns and
partitions it has; the reader lists the partitions (paginated), reads every file under
each location with the real reader for that format, and returns the rows as one Arrow
table with the partition columns appended. Iceberg tables are loaded by pyiceberg's
Glue catalog from ``metadata_location``.

It works against AWS and against a local emulator: ``Endpoint`` carries the endpoint
URL and credentials (``None`` means the default AWS credential chain).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.orc as paorc
import pyarrow.parquet as pq

from datagen.catalog import arrow_type


@dataclass(frozen=True)
class Endpoint:
    region: str
    url: str | None = None
    access_key: str | None = None
    secret_key: str | None = None

    def client(self, service: str):
        kwargs: dict[str, Any] = {"region_name": self.region}
        if self.url:
            kwargs["endpoint_url"] = self.url
        if self.access_key:
            kwargs.update(aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)
        return boto3.client(service, **kwargs)

    def iceberg_properties(self) -> dict[str, str]:
        props = {"glue.region": self.region, "s3.region": self.region}
        if self.url:
            props.update({"glue.endpoint": self.url, "s3.endpoint": self.url})
        if self.access_key:
            props.update(
                {
                    "glue.access-key-id": self.access_key,
                    "glue.secret-access-key": self.secret_key,
                    "s3.access-key-id": self.access_key,
                    "s3.secret-access-key": self.secret_key,
                }
            )
        return props


@dataclass
class TableRead:
    database: str
    name: str
    format: str
    columns: list[tuple[str, str]]
    """Glue columns (name, type), partition keys last."""
    partitions: list[list[str]]
    data: pa.Table


def paginate(client, operation: str, key: str, **kwargs) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key, [])


def list_tables(glue, database: str) -> list[dict[str, Any]]:
    """Every table of ``database``, following ``NextToken`` (Glue pages at 100)."""
    return list(paginate(glue, "get_tables", "TableList", DatabaseName=database))


def table_format(table: dict[str, Any]) -> str:
    parameters = table.get("Parameters", {})
    if parameters.get("table_type", "").upper() == "ICEBERG":
        return "iceberg"
    serde = table["StorageDescriptor"].get("SerdeInfo", {}).get("SerializationLibrary", "")
    if "parquet" in serde.lower():
        return "parquet"
    if "orc" in serde.lower():
        return "orc"
    if "csv" in serde.lower():
        return "csv"
    raise ValueError(f"{table['Name']}: unknown SerDe {serde!r}")


def split_location(location: str) -> tuple[str, str]:
    """``s3://bucket/prefix`` as (bucket, prefix)."""
    if not location.startswith("s3://"):
        raise ValueError(f"not an S3 location: {location}")
    bucket, _, prefix = location[5:].partition("/")
    return bucket, prefix


def direct_keys(s3, location: str) -> list[str]:
    """Keys directly under ``location`` (not in sub-folders), in key order."""
    bucket, prefix = split_location(location)
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    keys = [
        obj["Key"]
        for obj in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket, Prefix=prefix)
        if "/" not in obj["Key"][len(prefix) :]
    ]
    return sorted(keys)


def _read_file(s3, bucket: str, key: str, fmt: str, table: dict[str, Any]) -> pa.Table:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    if fmt == "parquet":
        return pq.read_table(pa.BufferReader(body), coerce_int96_timestamp_unit="us")
    if fmt == "orc":
        return paorc.ORCFile(pa.BufferReader(body)).read()
    names = [c["Name"] for c in table["StorageDescriptor"]["Columns"]]
    serde = table["StorageDescriptor"]["SerdeInfo"].get("Parameters", {})
    skip = int(table.get("Parameters", {}).get("skip.header.line.count", "0"))
    return pacsv.read_csv(
        io.BytesIO(body),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip),
        parse_options=pacsv.ParseOptions(
            delimiter=serde.get("separatorChar", ","),
            quote_char=serde.get("quoteChar", '"'),
            double_quote=True,
        ),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
    )


def read_table(endpoint: Endpoint, database: str, name: str) -> TableRead:
    glue = endpoint.client("glue")
    table = glue.get_table(DatabaseName=database, Name=name)["Table"]
    fmt = table_format(table)
    columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
    keys = [(k["Name"], k["Type"]) for k in table.get("PartitionKeys", [])]
    if fmt == "iceberg":
        return TableRead(database, name, fmt, columns, [], _read_iceberg(endpoint, database, name))

    s3 = endpoint.client("s3")
    partitions = list(
        paginate(glue, "get_partitions", "Partitions", DatabaseName=database, TableName=name)
    )
    if keys and not partitions:
        raise AssertionError(f"{database}.{name} is partitioned but has no partitions")
    parts = (
        partitions if keys else [{"Values": [], "StorageDescriptor": table["StorageDescriptor"]}]
    )
    pieces = []
    for part in parts:
        location = part["StorageDescriptor"]["Location"]
        bucket, _ = split_location(location)
        files = direct_keys(s3, location)
        if not files:
            raise AssertionError(f"{database}.{name}: no files under {location}")
        for key in files:
            piece = _read_file(s3, bucket, key, fmt, table)
            for (key_name, key_type), value in zip(keys, part["Values"], strict=True):
                typed = pa.array([value] * piece.num_rows, pa.string()).cast(arrow_type(key_type))
                piece = piece.append_column(key_name, typed)
            pieces.append(piece)
    data = pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0]
    return TableRead(database, name, fmt, columns + keys, [p["Values"] for p in partitions], data)


def _read_iceberg(endpoint: Endpoint, database: str, name: str) -> pa.Table:
    from pyiceberg.catalog.glue import GlueCatalog

    catalog = GlueCatalog("glue", **endpoint.iceberg_properties())
    return catalog.load_table((database, name)).scan().to_arrow()


def plain_type(type_: pa.DataType) -> pa.DataType:
    """``type_`` with large and view strings and lists as their plain forms, inside
    structs too (pyiceberg and DuckDB read large and view types)."""
    if pa.types.is_large_string(type_) or pa.types.is_string_view(type_):
        return pa.string()
    if pa.types.is_large_list(type_) or pa.types.is_list(type_):
        return pa.list_(plain_type(type_.value_type))
    if pa.types.is_struct(type_):
        return pa.struct([field.with_type(plain_type(field.type)) for field in type_])
    return type_


def schema_problems(read: TableRead) -> list[str]:
    """Where the data read differs from the Glue columns (names, order, types)."""
    problems = []
    names = [name for name, _ in read.columns]
    if read.data.column_names != names:
        problems.append(f"{read.name}: columns {read.data.column_names} != Glue {names}")
        return problems
    for (name, glue_type), field in zip(read.columns, read.data.schema, strict=True):
        expected = arrow_type(glue_type)
        actual = plain_type(field.type)
        if read.format == "orc" and pa.types.is_timestamp(actual) and actual.tz is None:
            actual = pa.timestamp("us")  # ORC stores nanoseconds; pyarrow reads them as such
        if not actual.equals(expected):
            problems.append(f"{read.name}.{name}: read as {field.type}, Glue says {glue_type}")
    return problems
