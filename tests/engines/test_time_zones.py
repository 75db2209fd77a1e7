"""What a session time zone other than UTC does to the wall clock each engine shows.

The matrix reads in UTC, where every engine shows the files' wall clock. Here the same
tables are read in an America/Los_Angeles session and each timestamp compared with its
UTC reading (rows matched on their other columns); the shifts are the measured ones
that docs/engines.md ("Time zones") lists.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from tests.engines import readers, trino_reader
from tests.engines.conftest import SPARK_MODES, spark_session
from tests.engines.deployed import GlueTable

LOS_ANGELES = "America/Los_Angeles"
TIMESTAMP_TABLES = ("sales_data", "metrics_orc", "events_raw")

# engine -> table -> the shifts (hours, Los Angeles minus UTC reading) measured. Spark
# reads Parquet INT96 and ORC timestamps as instants (UTC) and shows them in the session
# zone; the tables span the end of daylight saving time (3 Nov 2024), so October's rows
# of sales_data move by 7 hours, the rest by 8. DuckDB's TIMESTAMP has no zone.
SPARK_SHIFTS = {"sales_data": {-7.0, -8.0}, "metrics_orc": {-8.0}, "events_raw": {-8.0}}
MEASURED_SHIFTS = {
    "spark-hive-serde": SPARK_SHIFTS,
    "spark": SPARK_SHIFTS,
    "duckdb": {"sales_data": {0.0}, "events_raw": {0.0}},
    # Trino's timestamp has no zone; its Hive connector converts the files' instants in
    # the JVM's zone (UTC here, as on Athena), not the session's.
    "trino": {name: {0.0} for name in TIMESTAMP_TABLES},
}


def shifts(table: GlueTable, utc: pa.Table, other: pa.Table) -> set[float]:
    """Hours by which ``other`` shows each row's timestamps later than ``utc``."""
    stamps = [name for name, glue_type in table.columns if glue_type == "timestamp"]
    keys = [name for name, glue_type in table.columns if glue_type != "timestamp"]

    def by_key(data: pa.Table) -> dict[tuple, list[dt.datetime]]:
        rows = data.to_pylist()
        return {tuple(repr(row[k]) for k in keys): [row[s] for s in stamps] for row in rows}

    before, after = by_key(utc), by_key(other)
    assert before.keys() == after.keys(), table.id
    return {
        (b - a).total_seconds() / 3600
        for key in before
        for a, b in zip(before[key], after[key], strict=True)
    }


@pytest.mark.parametrize("mode", list(SPARK_MODES))
@pytest.mark.parametrize("name", TIMESTAMP_TABLES)
def test_spark_in_a_los_angeles_session(mode: str, name: str, spark_tables, deployed) -> None:
    """Spark in an America/Los_Angeles session shows Parquet (INT96) and ORC timestamps
    moved to Los Angeles time: 7 or 8 hours earlier than the files' wall clock."""
    table = deployed.table(name)
    utc = readers.spark_read(spark_session(spark_tables, mode), table).data
    local = readers.spark_read(spark_session(spark_tables, mode, LOS_ANGELES), table).data
    measured = shifts(table, utc, local)
    assert measured == MEASURED_SHIFTS[mode][name], f"{mode} {table.id} {sorted(measured)}"


def test_duckdb_in_a_los_angeles_session(duckdb_connection, deployed) -> None:
    """DuckDB reads the Parquet timestamps as zone-less TIMESTAMP: a Los Angeles session
    shows the same wall clock."""
    for name in ("sales_data", "events_raw"):
        table = deployed.table(name)
        query = readers.duckdb_query(table, deployed)
        utc = readers.duckdb_read(duckdb_connection, query).data
        duckdb_connection.sql(f"SET TimeZone = '{LOS_ANGELES}'")
        try:
            local = readers.duckdb_read(duckdb_connection, query).data
        finally:
            duckdb_connection.sql("SET TimeZone = 'UTC'")
        measured = shifts(table, utc, local)
        assert measured == MEASURED_SHIFTS["duckdb"][name], f"{table.id} {sorted(measured)}"


def test_trino_in_a_los_angeles_session(trino_node, trino_connection, deployed) -> None:
    """Trino in an America/Los_Angeles session shows the same wall clock as in UTC: its
    Hive connector reads Parquet INT96 and ORC timestamps in the JVM's zone (UTC)."""
    import trino

    local = trino.dbapi.connect(
        host="127.0.0.1", port=trino_node.port, user="aws2openstack-testenv", timezone=LOS_ANGELES
    )
    try:
        for name in TIMESTAMP_TABLES:
            table = deployed.table(name)
            utc = trino_reader.trino_read(trino_connection, table, table.columns).data
            there = trino_reader.trino_read(local, table, table.columns).data
            measured = shifts(table, utc, there)
            assert measured == MEASURED_SHIFTS["trino"][name], f"{table.id} {sorted(measured)}"
    finally:
        local.close()
