"""The engine matrix: every engine reads every table it supports through Glue.

For each engine × table: the rows, the rows of each partition, the column types, and
the value digest (``datagen.digest``) equal the ground truth's. Each cell an engine
cannot read is in ``UNSUPPORTED`` with its reason, and a test asserts that the engine
really fails there, so docs/engines.md stays true.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from datagen import digest
from datagen.catalog import arrow_type
from families.zoo.engines import label
from tests.engines import readers, trino_reader
from tests.engines.conftest import ICEBERG_CATALOG, spark_session
from tests.engines.deployed import Deployed, GlueTable
from tests.engines.readers import EngineRead
from tests.support.glue_reader import plain_type

# The rows of the matrix: the ground truth's tables and their formats.
TABLES = {
    "sales_data": "parquet",
    "customer_data": "iceberg",
    "metrics_orc": "orc",
    "events_raw": "parquet",
    "access_logs": "csv",
}

# engine -> table formats it reads
SUPPORTED = {
    "spark-hive-serde": {"parquet", "orc", "csv"},
    "spark": {"parquet", "orc", "csv"},
    "spark-iceberg": {"iceberg"},
    # Trino through the Glue API: Hive-style tables in `hive`, Iceberg in `iceberg`.
    "trino": {"parquet", "orc", "csv", "iceberg"},
    "duckdb": {"parquet", "csv", "iceberg"},
    "iceberg-rust": {"iceberg"},
    "pyiceberg": {"iceberg"},
    "awswrangler": {"parquet", "orc"},
}

# (engine, format) -> why it cannot read it; each is asserted below.
UNSUPPORTED = {
    ("duckdb", "orc"): "DuckDB has no ORC reader",
}

# (engine, format) -> why the table is not the engine's to read (no claim either way).
NOT_ITS_KIND = {
    **{
        (engine, "iceberg"): "Spark reads Iceberg through Iceberg's Glue catalog (spark-iceberg)"
        for engine in ("spark-hive-serde", "spark")
    },
    **{
        (engine, fmt): "an Iceberg reader, not a reader of Hive-style tables"
        for engine in ("spark-iceberg", "iceberg-rust", "pyiceberg")
        for fmt in ("parquet", "orc", "csv")
    },
    ("awswrangler", "csv"): "no Glue table reader for CSV: awswrangler reads CSV by path",
    ("awswrangler", "iceberg"): "awswrangler reads Iceberg through Athena only",
}

CELLS = [
    (engine, table)
    for engine, formats in SUPPORTED.items()
    for table, fmt in TABLES.items()
    if fmt in formats
]


def expected_types(engine: str, table: GlueTable) -> list[str]:
    """The type names ``engine`` should report for the Glue columns."""
    glue_types = [t for _, t in table.columns]
    if engine.startswith("spark"):
        return glue_types  # Spark's simpleString is Hive's type name
    if engine == "duckdb":
        return [readers.duckdb_type(t) for t in glue_types]
    if engine == "trino":
        return [trino_reader.trino_type(t, trino_reader.catalog(table)) for t in glue_types]
    if engine == "awswrangler":
        return [readers.awswrangler_dtype(t) for t in glue_types]
    return [str(arrow_type(t)) for t in glue_types]


def reported_types(engine: str, table: GlueTable, read: EngineRead) -> list[str]:
    if engine.startswith("spark") or engine in ("duckdb", "trino", "awswrangler"):
        return read.types
    types = [plain_type(field.type) for field in read.data.schema]
    if table.format == "orc":
        # ORC stores nanoseconds and pyarrow reads them so; the values are whole micros.
        types = [pa.timestamp("us") if pa.types.is_timestamp(t) else t for t in types]
    return [str(t) for t in types]


def read_cell(engine: str, table: GlueTable, request: pytest.FixtureRequest) -> EngineRead:
    deployed: Deployed = request.getfixturevalue("deployed")
    if engine == "spark-iceberg":
        session = request.getfixturevalue("spark")
        return readers.spark_read(session, table, catalog=ICEBERG_CATALOG)
    if engine.startswith("spark"):
        session = spark_session(request.getfixturevalue("spark_tables"), engine)
        return readers.spark_read(session, table)
    if engine == "duckdb":
        connection = request.getfixturevalue("duckdb_connection")
        if table.format == "iceberg":
            return readers.duckdb_read(connection, readers.duckdb_iceberg_query(table, deployed))
        return readers.duckdb_read(connection, readers.duckdb_query(table, deployed))
    if engine == "trino":
        connection = request.getfixturevalue("trino_connection")
        return trino_reader.trino_read(connection, table, table.columns)
    reader: Callable[[GlueTable, Deployed], EngineRead] = {
        "iceberg-rust": readers.iceberg_rust_read,
        "pyiceberg": readers.pyiceberg_read,
        "awswrangler": readers.awswrangler_read,
    }[engine]
    return reader(table, deployed)


def partition_rows(table: GlueTable, data: pa.Table) -> dict[tuple[str, ...], int]:
    keys = table.key_names
    columns = [data[key].to_pylist() for key in keys]
    return dict(Counter(tuple(str(v) for v in values) for values in zip(*columns, strict=True)))


@pytest.mark.parametrize(("engine", "name"), CELLS, ids=[f"{e}-{t}" for e, t in CELLS])
def test_engine_reads_the_ground_truth(engine: str, name: str, deployed, request) -> None:
    """The engine reads the table through Glue with the ground truth's rows, rows per
    partition, column types and value digest."""
    table = deployed.table(name)
    read = read_cell(engine, table, request)
    truth = table.truth
    assert read.data.column_names == [n for n, _ in table.columns], table.id
    assert reported_types(engine, table, read) == expected_types(engine, table), table.id
    assert read.data.num_rows == truth["rows"], f"{engine} {table.id}"
    if truth["partitions"]:
        expected = {tuple(p["values"]): p["rows"] for p in truth["partitions"] if p["rows"]}
        assert partition_rows(table, read.data) == expected, f"{engine} {table.id}"
    glue_types = [t for _, t in table.columns]
    assert digest.digest_rows(read.data, glue_types) == truth["value_digest"], (
        f"{engine} {table.id}: values differ from the ground truth"
    )


def test_every_table_is_in_the_matrix(deployed) -> None:
    """Each ground-truth table is a row of the matrix, and each engine × format is read,
    listed as unsupported with a reason, or not the engine's kind of table: one of them."""
    assert {t.name: t.format for t in deployed.core} == TABLES
    for engine, supported in SUPPORTED.items():
        for fmt in set(TABLES.values()):
            places = [fmt in supported, (engine, fmt) in UNSUPPORTED, (engine, fmt) in NOT_ITS_KIND]
            assert places.count(True) == 1, (engine, fmt)


def test_duckdb_has_no_orc_reader(duckdb_connection, deployed) -> None:
    """DuckDB cannot read the ORC table: it has no ORC reader (nor an extension for one)."""
    import duckdb

    table = deployed.table("metrics_orc")
    with pytest.raises(duckdb.CatalogException, match="read_orc"):
        duckdb_connection.sql(readers.duckdb_query(table, deployed)).arrow()


def test_spark_metastore_holds_the_glue_partition_parameters(spark_tables, deployed) -> None:
    """Every Glue partition parameter is on the partition Spark's metastore holds."""
    for table in deployed.core:
        if not table.partitions:
            continue
        stored = readers.spark_partition_parameters(spark_tables, table)
        for partition, parameters in zip(table.partitions, stored, strict=True):
            assert partition["Parameters"], table.id
            assert partition["Parameters"].items() <= parameters.items(), table.id


def test_docs_show_this_matrix() -> None:
    """docs/engines.md's matrix marks each cell as this module does: ✓ read, ✗ asserted
    to fail, – not the engine's kind of table."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "engines.md").read_text()
    matrix = text.split("## The matrix", 1)[1].split("\n## ", 1)[0]
    for engine, formats in SUPPORTED.items():
        (row,) = [line for line in matrix.splitlines() if line.startswith(f"| `{label(engine)}`")]
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")][1:]
        for (table, fmt), cell in zip(TABLES.items(), cells, strict=True):
            if fmt in formats:
                mark = "✓"
            elif (engine, fmt) in UNSUPPORTED:
                mark = "✗"
            else:
                mark = "–"
            assert cell.startswith(mark), f"docs/engines.md: {engine} × {table} is {cell!r}"
