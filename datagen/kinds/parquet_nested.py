"""Parquet (zstd) with nested columns, INT64 timestamps and decimal(38,9).

Glue types of nested columns are Hive type strings (``struct<...>``, ``map<k,v>``,
``array<struct<...>>``): docs.aws.amazon.com/athena/latest/ug/data-types.html. Timestamps
are INT64 microseconds, which Spark's bundled Hive ``ParquetHiveSerDe`` cannot read (it
expects INT96; measured, see docs/zoo.md), while Athena, Trino and pyarrow can.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds import zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "parquet_nested"
COLUMNS = [
    ("id", "bigint"),
    ("ts", "timestamp"),
    ("price", "decimal(38,9)"),
    ("address", "struct<city:string,zip:string>"),
    ("attributes", "map<string,bigint>"),
    ("items", "array<struct<sku:string,qty:int>>"),
]
_CITIES = ("berlin", "lisbon", "osaka", "quito")


def arrow_schema() -> pa.Schema:
    """The Arrow schema of COLUMNS (a function: pyarrow is imported only to write)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.int64()),
            ("ts", pa.timestamp("us")),
            ("price", pa.decimal128(38, 9)),
            ("address", pa.struct([("city", pa.string()), ("zip", pa.string())])),
            ("attributes", pa.map_(pa.string(), pa.int64())),
            ("items", pa.list_(pa.struct([("sku", pa.string()), ("qty", pa.int32())]))),
        ]
    )


def table(seed: int, table_prefix: str, rows: int) -> pa.Table:
    import pyarrow as pa

    generator = zoo.rng(seed, table_prefix)
    sample = zoo.sample_rows(generator, rows, zoo.REFERENCE_DATE)
    records = []
    for i, r in enumerate(sample):
        nanos = int(generator.integers(0, 1_000_000_000))
        records.append(
            {
                "id": i + 1,
                "ts": r["ts"],
                "price": r["amount"] + decimal.Decimal(nanos).scaleb(-9),
                "address": {"city": _CITIES[i % len(_CITIES)], "zip": f"{10000 + i:05d}"},
                "attributes": [("qty", r["qty"]), ("rank", i % 7)],
                "items": [{"sku": f"sku-{(i + k) % 13}", "qty": k + 1} for k in range(i % 3)],
            }
        )
    return pa.Table.from_pylist(records, schema=arrow_schema())


def write_parquet(data: pa.Table, path: Path) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, path, compression="zstd", coerce_timestamps="us")


def write_one_file(root: Path, table_prefix: str, data: pa.Table) -> zoo.Written:
    """``data`` as the table's single zstd Parquet file (the zoo's unpartitioned tables)."""
    key = f"{table_prefix}/part-00000.zstd.parquet"
    write_parquet(data, root / key)
    return zoo.Written(table_prefix, (zoo.file_record(root, key, data.num_rows),))


def parquet_table(
    bucket: str,
    name: str,
    written: zoo.Written,
    columns: Sequence[tuple[str, str]],
    location: str | None = None,
) -> zoo.GlueTable:
    """The Glue table of an unpartitioned Parquet table with ``columns``, at ``location``
    (default: the table's folder in the bucket)."""
    descriptor = parquet_descriptor(location or zoo.table_location(bucket, written), columns)
    return zoo.GlueTable(zoo.external_table(name, descriptor, {"classification": "parquet"}))


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    return write_one_file(root, table_prefix, table(seed, table_prefix, rows))


def parquet_descriptor(location: str, columns: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return zoo.storage_descriptor(
        location,
        columns,
        zoo.PARQUET_INPUT,
        zoo.PARQUET_OUTPUT,
        zoo.PARQUET_SERDE,
        {"serialization.format": "1"},
    )


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    return parquet_table(bucket, name, written, COLUMNS)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="parquet_nested",
        detected_format="PARQUET",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "nested columns (struct, map, array<struct>): check the target engine's types",
            "INT64 timestamps: Hive's ParquetHiveSerDe (Spark with Hive SerDes) cannot read them",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: the nested rows as written."""
    from datagen.kinds import glue_rows

    return glue_rows.as_glue(table(seed, table_prefix, rows), COLUMNS)


KIND = zoo.ZooKind("parquet_nested", write, glue_table, expected, rows)
