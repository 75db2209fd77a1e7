"""CSV with a header line, read by OpenCSVSerde with ``skip.header.line.count=1``.

docs.aws.amazon.com/athena/latest/ug/csv-serde.html: OpenCSVSerde reads quoted fields,
and Athena skips the header by the table parameter. Spark does not honour that parameter
(apache/spark#14638 was never merged): it returns the header as a row. Every column is
``string`` because Hive and Trino read OpenCSVSerde columns only as strings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "csv_header"
SERDE = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
SERDE_PARAMETERS = {"separatorChar": ",", "quoteChar": '"', "escapeChar": "\\"}
COLUMNS = [
    ("id", "string"),
    ("name", "string"),
    ("status", "string"),
    ("amount", "string"),
    ("ts", "string"),
]


def table(seed: int, table_prefix: str, rows: int) -> pa.Table:
    import pyarrow as pa

    sample = zoo.sample_rows(zoo.rng(seed, table_prefix), rows, zoo.REFERENCE_DATE)
    return pa.table(
        {
            "id": [str(i + 1) for i in range(rows)],
            # A comma inside a quoted field: what OpenCSVSerde is for.
            "name": [f"{r['name']}, {r['status']}" for r in sample],
            "status": [r["status"] for r in sample],
            "amount": [str(r["amount"]) for r in sample],
            "ts": [r["ts"].isoformat(sep=" ") for r in sample],
        },
        schema=pa.schema([(name, pa.string()) for name, _ in COLUMNS]),
    )


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(include_header=True, quoting_style="all_valid")
    return zoo.write_text(
        root, f"{table_prefix}/part-00000.csv", table(seed, table_prefix, rows), options
    )


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    parameters = {"classification": "csv", "skip.header.line.count": "1"}
    return zoo.text_table(bucket, name, written, COLUMNS, SERDE, SERDE_PARAMETERS, parameters)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="csv_header",
        detected_format="CSV",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "CSV text: needs conversion to Parquet or Iceberg",
            "skip.header.line.count=1: Spark ignores it and returns the header as a row",
            "OpenCSVSerde: every column is string",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine that honours ``skip.header.line.count`` returns: the rows without
    the header line, every column a string."""
    from datagen.kinds import glue_rows

    return glue_rows.as_glue(table(seed, table_prefix, rows), COLUMNS)


KIND = zoo.ZooKind("csv_header", write, glue_table, expected, rows)
