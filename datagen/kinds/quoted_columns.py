"""A Parquet table whose column names need quoting in SQL: reserved words, a space, a
dash, a dot, a leading digit and non-ASCII letters.

Glue takes any single-line column name (Column.Name: 1..255 characters,
docs.aws.amazon.com/glue/latest/webapi/API_Column.html) but folds names to lowercase,
so they are lowercase here. Athena's DDL needs backticks and its DML double quotes for
such names (docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import parquet_nested, zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "quoted_columns"
COLUMNS = [
    ("select", "bigint"),
    ("from", "string"),
    ("order", "int"),
    ("unit price", "double"),
    ("order-id", "string"),
    ("a.b", "string"),
    ("1st_place", "string"),
    ("größe", "string"),
]


def table(seed: int, table_prefix: str, rows: int) -> pa.Table:
    import pyarrow as pa

    arrow = {"bigint": pa.int64(), "string": pa.string(), "int": pa.int32(), "double": pa.float64()}
    generator = zoo.rng(seed, table_prefix)
    values = generator.integers(0, 10_000, (len(COLUMNS), rows))
    arrays = []
    for (name, glue_type), column in zip(COLUMNS, values, strict=True):
        if glue_type == "string":
            arrays.append(pa.array([f"{name}:{v}" for v in column], pa.string()))
        elif glue_type == "double":
            arrays.append(pa.array(column / 10, pa.float64()))
        else:
            arrays.append(pa.array(column, arrow[glue_type]))
    return pa.Table.from_arrays(arrays, names=[name for name, _ in COLUMNS])


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    return parquet_nested.write_one_file(root, table_prefix, table(seed, table_prefix, rows))


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    return parquet_nested.parquet_table(bucket, name, written, COLUMNS)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="quoted_columns",
        detected_format="PARQUET",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "column names need quoting: reserved words, space, dash, dot, leading digit, non-ASCII",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns, under the verbatim names."""
    from datagen.kinds import glue_rows

    return glue_rows.as_glue(table(seed, table_prefix, rows), COLUMNS)


KIND = zoo.ZooKind("quoted_columns", write, glue_table, expected, rows)
