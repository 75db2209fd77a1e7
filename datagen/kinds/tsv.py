"""Tab-separated text read by LazySimpleSerDe (no quoting, typed columns).

docs.aws.amazon.com/athena/latest/ug/lazy-simple-serde.html: ``field.delim`` names the
separator; ``serialization.format`` carries the same character, as Hive's DDL writes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "tsv"
SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
SERDE_PARAMETERS = {"field.delim": "\t", "serialization.format": "\t"}
COLUMNS = [
    ("id", "bigint"),
    ("name", "string"),
    ("qty", "int"),
    ("amount", "double"),
    ("day", "date"),
]


def table(seed: int, table_prefix: str, rows: int) -> pa.Table:
    import pyarrow as pa

    sample = zoo.sample_rows(zoo.rng(seed, table_prefix), rows, zoo.REFERENCE_DATE)
    return pa.table(
        {
            "id": pa.array(range(1, rows + 1), pa.int64()),
            "name": [r["name"] for r in sample],
            "qty": pa.array([r["qty"] for r in sample], pa.int32()),
            "amount": [float(r["amount"]) for r in sample],
            "day": pa.array([r["ts"].date() for r in sample], pa.date32()),
        }
    )


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    import pyarrow.csv as pacsv

    # No header and no quotes: LazySimpleSerDe would read both as data.
    options = pacsv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none")
    return zoo.write_text(
        root, f"{table_prefix}/part-00000.tsv", table(seed, table_prefix, rows), options
    )


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    # How a crawler labels delimited text (classification csv plus its delimiter); no AWS
    # page defines a classification for TSV.
    parameters = {"classification": "csv", "delimiter": "\t"}
    return zoo.text_table(bucket, name, written, COLUMNS, SERDE, SERDE_PARAMETERS, parameters)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="tsv",
        detected_format="TSV",
        is_iceberg=False,
        rows=written.rows,
        notes=("delimited text: needs conversion to Parquet or Iceberg",),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: the typed rows."""
    from datagen.kinds import glue_rows

    return glue_rows.as_glue(table(seed, table_prefix, rows), COLUMNS)


KIND = zoo.ZooKind("tsv", write, glue_table, expected, rows)
