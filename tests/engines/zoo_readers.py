"""The engine matrix's readers for the zoo's kinds, each through the table's Glue definition.

As for the core tables (``tests.engines.readers``, whose ``duckdb_query`` reads every
Hive-style table, zoo or core), nothing here knows the zoo: the SerDe, InputFormat, table
and SerDe parameters, columns, locations and partitions all come from what Glue returned.
Here are what only the zoo needs: DuckDB on Iceberg, Delta and a view, the ``library``
engine (the format's own Python library reading the objects from the emulator's S3, the
way a Glue-aware script does, with Athena's partition projection) and deltalake.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from datagen.catalog import arrow_type
from tests.engines.deployed import Deployed, GlueTable
from tests.engines.readers import (
    SYMLINK_INPUT,
    EngineRead,
    duck_literal,
    duck_name,
    duckdb_iceberg_query,
    duckdb_query,
)
from tests.support.glue_reader import direct_keys, split_location

DELTA_LOG = "_delta_log"
# Delta's primitive type names as Hive spells them (docs/zoo.md, "delta_lake").
_DELTA_TYPES = {
    "long": "bigint",
    "integer": "int",
    "string": "string",
    "double": "double",
    "timestamp": "timestamp",
    "timestamp_ntz": "timestamp",
    "date": "date",
}


def is_view(table: GlueTable) -> bool:
    return table.definition.get("TableType") == "VIRTUAL_VIEW"


def is_link(table: GlueTable) -> bool:
    return "TargetTable" in table.definition


def is_iceberg(table: GlueTable) -> bool:
    return table.definition.get("Parameters", {}).get("table_type", "").upper() == "ICEBERG"


def delta_path(table: GlueTable) -> str | None:
    """The Delta table's root (the SerDe's ``path``) when Glue marks the table as Delta."""
    if table.definition.get("Parameters", {}).get("spark.sql.sources.provider") != "delta":
        return None
    serde = table.definition["StorageDescriptor"]["SerdeInfo"].get("Parameters", {})
    return serde.get("path") or table.definition["StorageDescriptor"]["Location"]


def delta_columns(table: GlueTable, deployed: Deployed) -> list[tuple[str, str]]:
    """A Delta table's columns from the newest schema in its log (Glue holds a
    placeholder): what an assessor must read them from."""
    log = deployed.local_path(delta_path(table).rstrip("/") + "/") / DELTA_LOG
    schema = None
    for commit in sorted(log.glob("*.json")):
        for line in commit.read_text().splitlines():
            action = json.loads(line)
            if "metaData" in action:
                schema = json.loads(action["metaData"]["schemaString"])
    if schema is None:
        raise AssertionError(f"{table.id}: no metaData in {log}")
    return [(field["name"], _DELTA_TYPES[field["type"]]) for field in schema["fields"]]


def columns(table: GlueTable, deployed: Deployed) -> list[tuple[str, str]]:
    """The columns an engine should return: Glue's, partition keys last, or the Delta
    log's for a Delta table."""
    if delta_path(table) is not None:
        return delta_columns(table, deployed)
    return table.columns


# --- DuckDB ---------------------------------------------------------------------------------


def duckdb_zoo_query(table: GlueTable, deployed: Deployed) -> str:
    """One ``SELECT`` of a zoo table through its Glue definition."""
    if is_iceberg(table):
        return duckdb_iceberg_query(table, deployed)
    if (path := delta_path(table)) is not None:
        names = ", ".join(duck_name(n) for n, _ in delta_columns(table, deployed))
        return f"SELECT {names} FROM delta_scan({duck_literal(str(deployed.local_path(path)))})"
    return duckdb_query(table, deployed)


def duckdb_view_query(view: GlueTable, deployed: Deployed, connection: Any) -> str:
    """The view's ``originalSql``, with each table it names in its schema defined in
    ``connection`` as a DuckDB view over that table's Glue read."""
    decoded = decode_view(view)
    schema = decoded["schema"]
    connection.sql(f"CREATE SCHEMA IF NOT EXISTS {duck_name(schema)}")
    for table in deployed.tables:
        if table.database == schema and f'"{schema}"."{table.name}"' in decoded["originalSql"]:
            connection.sql(
                f"CREATE OR REPLACE VIEW {duck_name(schema)}.{duck_name(table.name)} AS "
                f"{duckdb_zoo_query(table, deployed)}"
            )
    return decoded["originalSql"]


def decode_view(view: GlueTable) -> dict[str, Any]:
    """The JSON inside a Presto view's ``ViewOriginalText``."""
    import base64

    text = view.definition["ViewOriginalText"]
    prefix, suffix = "/* Presto View: ", " */"
    if not (text.startswith(prefix) and text.endswith(suffix)):
        raise AssertionError(f"{view.id}: not a Presto view text: {text[:40]!r}")
    return json.loads(base64.b64decode(text[len(prefix) : -len(suffix)]))


# --- the format's own library, from the emulator's S3 ---------------------------------------


def _bodies(s3: Any, location: str) -> Iterator[bytes]:
    """Every object directly under ``location``, in key order, as Hive lists a folder."""
    bucket, _ = split_location(location)
    for key in direct_keys(s3, location):
        yield s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def _text(body: bytes) -> list[str]:
    data = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
    return data.decode("utf-8").splitlines()


def _typed(values: dict[str, list[Any]], pairs: list[tuple[str, str]]) -> pa.Table:
    """Python values per column as an Arrow table of the Glue types."""
    return pa.table({n: pa.array(values[n], arrow_type(t)) for n, t in pairs})


def _cast_texts(data: pa.Table, pairs: list[tuple[str, str]]) -> pa.Table:
    return pa.table({n: data[n].cast(arrow_type(t)) for n, t in pairs})


def _library_part(
    s3: Any, table: GlueTable, descriptor: dict[str, Any], table_columns: list[tuple[str, str]]
) -> pa.Table:
    """The rows of one descriptor's objects, read by the format's own library."""
    serde = descriptor.get("SerdeInfo", {})
    library = serde.get("SerializationLibrary", "")
    parameters = serde.get("Parameters", {})
    skip = int(table.definition.get("Parameters", {}).get("skip.header.line.count", "0"))
    own = [(c["Name"], c["Type"]) for c in descriptor["Columns"]]
    names = [n for n, _ in own]
    pieces = []
    for body in _bodies(s3, descriptor["Location"]):
        if descriptor.get("InputFormat") == SYMLINK_INPUT:
            for line in _text(body):
                bucket, key = split_location(line)
                data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                pieces.append(pq.read_table(io.BytesIO(data)).select(names))
        elif library.endswith("AvroSerDe"):
            import fastavro

            records = list(fastavro.reader(io.BytesIO(body)))
            pieces.append(_typed({n: [r[n] for r in records] for n in names}, own))
        elif library.endswith("JsonSerDe"):
            records = [json.loads(line) for line in _text(body)]
            # The partition's own columns, converted to the table's (Hive's rule).
            pieces.append(
                _typed({n: [r.get(n) for r in records] for n, _ in table_columns}, table_columns)
            )
        elif library.endswith("RegexSerDe"):
            pattern = re.compile(parameters["input.regex"])
            matches = [pattern.fullmatch(line) for line in _text(body)]
            texts = {
                n: [m.group(i + 1) if m else None for m in matches] for i, n in enumerate(names)
            }
            pieces.append(_cast_texts(_typed(texts, [(n, "string") for n in names]), own))
        elif library.endswith(("OpenCSVSerde", "LazySimpleSerDe")):
            delimiter = parameters.get("separatorChar") or parameters.get("field.delim", "\x01")
            read = pacsv.read_csv(
                io.BytesIO(body),
                read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    quote_char=parameters.get("quoteChar", '"')
                    if library.endswith("OpenCSVSerde")
                    else False,
                ),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
            )
            pieces.append(_cast_texts(read, own))
        elif library.endswith("ParquetHiveSerDe"):
            pieces.append(pq.read_table(io.BytesIO(body)).select(names))
        else:
            raise ValueError(f"{table.id}: no library reader for SerDe {library!r}")
    schema = pa.schema([(n, arrow_type(t)) for n, t in table_columns])
    if not pieces:
        return schema.empty_table()
    return pa.concat_tables([p.select(schema.names).cast(schema) for p in pieces])


def projected_locations(parameters: dict[str, str], key: str) -> list[tuple[str, str]]:
    """Each (value, location) of a date-projected key, as Athena enumerates them."""
    kind = parameters[f"projection.{key}.type"]
    if kind != "date" or parameters.get(f"projection.{key}.interval.unit", "DAYS") != "DAYS":
        raise ValueError(f"projection.{key}: only daily date projection is read here, not {kind}")
    if parameters[f"projection.{key}.format"] != "yyyy-MM-dd":
        raise ValueError(f"projection.{key}.format: only yyyy-MM-dd is read here")
    bounds = parameters[f"projection.{key}.range"].split(",")
    first, last = (dt.date.fromisoformat(d) for d in bounds)
    step = int(parameters.get(f"projection.{key}.interval", "1"))
    values = [
        (first + dt.timedelta(days=i)).isoformat() for i in range(0, (last - first).days + 1, step)
    ]
    template = parameters["storage.location.template"]
    return [(v, template.replace("${" + key + "}", v)) for v in values]


def library_read(table: GlueTable, deployed: Deployed) -> EngineRead:
    """The format's own library through the Glue definition, from the emulator's S3;
    projected partitions enumerated from ``projection.*`` as Athena does."""
    s3 = deployed.endpoint.client("s3")
    sd = table.definition["StorageDescriptor"]
    table_columns = [(c["Name"], c["Type"]) for c in sd["Columns"]]
    keys = table.definition.get("PartitionKeys", [])
    parameters = table.definition.get("Parameters", {})
    if keys and parameters.get("projection.enabled") == "true":
        (key,) = keys
        parts = [
            {"Values": [value], "StorageDescriptor": dict(sd, Location=location)}
            for value, location in projected_locations(parameters, key["Name"])
        ]
    else:
        parts = table.partitions or [{"Values": [], "StorageDescriptor": sd}]
    pieces = []
    for part in parts:
        piece = _library_part(s3, table, part["StorageDescriptor"], table_columns)
        for key, value in zip(keys, part["Values"], strict=True):
            column = pa.array([value] * piece.num_rows, pa.string()).cast(arrow_type(key["Type"]))
            piece = piece.append_column(key["Name"], column)
        pieces.append(piece)
    data = pa.concat_tables(pieces)
    return EngineRead([str(f.type) for f in data.schema], data)


def deltalake_read(table: GlueTable, deployed: Deployed) -> EngineRead:
    """delta-rs at the table's Delta root (the SerDe's ``path``), from the emulator's S3."""
    from deltalake import DeltaTable

    endpoint = deployed.endpoint
    options = {
        "AWS_ENDPOINT_URL": endpoint.url,
        "AWS_ACCESS_KEY_ID": endpoint.access_key,
        "AWS_SECRET_ACCESS_KEY": endpoint.secret_key,
        "AWS_REGION": endpoint.region,
        "AWS_ALLOW_HTTP": "true",
    }
    path = delta_path(table)
    if path is None:
        raise ValueError(f"{table.id}: Glue does not mark it as a Delta table")
    data = DeltaTable(path, storage_options=options).to_pyarrow_table()
    return EngineRead([str(f.type) for f in data.schema], data)


def all_null(data: pa.Table) -> bool:
    """Whether every value of every row is NULL."""
    return all(column.null_count == len(column) for column in data.columns)
