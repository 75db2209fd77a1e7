"""The target's configuration runs the real services: Iceberg's REST catalog server from
Maven Central and Trino 476 from the suite's cache, the emulator as the object store.

The files and environment are the ones ``components.target_settings`` shapes for the
containers, with the loopback addresses of the local processes in place of the private
network's host names. The canary of the deployment runs against them: a table created by
Trino SQL in the ``iceberg`` catalog (the REST catalog) and read back.
"""

from __future__ import annotations

import urllib.request
from typing import Any

from components import target_settings as settings
from tests.families.target.conftest import s3_client

CANARY_ROWS = [(1, "one"), (2, "two"), (3, "three")]


def _run(connection: Any, sql: str) -> list[Any]:
    cursor = connection.cursor()
    cursor.execute(sql)
    return cursor.fetchall()


def test_rest_catalog_answers_its_config_endpoint(rest):
    """The REST server started from Maven Central's artifacts answers GET /v1/config."""
    with urllib.request.urlopen(f"{rest.url}/v1/config", timeout=10) as response:
        assert response.status == 200


def test_iceberg_canary_creates_and_reads_back_through_the_rest_catalog(trino, object_store):
    """The canary: CREATE SCHEMA, CREATE TABLE, INSERT in Trino's iceberg catalog (REST),
    read back the same rows; the table's metadata lands in the warehouse bucket."""
    _run(trino, "CREATE SCHEMA IF NOT EXISTS iceberg.canary")
    _run(trino, "CREATE TABLE iceberg.canary.probe (id bigint, name varchar)")
    values = ", ".join(f"({i}, '{n}')" for i, n in CANARY_ROWS)
    _run(trino, f"INSERT INTO iceberg.canary.probe VALUES {values}")
    rows = _run(trino, "SELECT id, name FROM iceberg.canary.probe ORDER BY id")
    assert [tuple(r) for r in rows] == CANARY_ROWS
    listing = s3_client(object_store).list_objects_v2(Bucket=settings.WAREHOUSE_BUCKET)
    keys = [o["Key"] for o in listing["Contents"]]
    assert any(k.startswith("iceberg/") and k.endswith(".metadata.json") for k in keys), keys


def test_hive_canary_creates_and_reads_back_a_parquet_table_through_the_metastore(
    trino, object_store
):
    """The canary's Hive half: a partitioned Parquet table made by Trino SQL in the hive
    catalog (the metastore on PostgreSQL), filled and read back; its files are on S3."""
    location = f"s3://{settings.WAREHOUSE_BUCKET}/{settings.HIVE_PREFIX}/canary"
    _run(trino, f"CREATE SCHEMA IF NOT EXISTS hive.canary WITH (location = '{location}')")
    _run(
        trino,
        "CREATE TABLE hive.canary.probe (id bigint, name varchar, part varchar) "
        "WITH (format = 'PARQUET', partitioned_by = ARRAY['part'])",
    )
    values = ", ".join(f"({i}, '{n}', 'p{i % 2}')" for i, n in CANARY_ROWS)
    _run(trino, f"INSERT INTO hive.canary.probe VALUES {values}")
    rows = _run(trino, "SELECT id, name FROM hive.canary.probe ORDER BY id")
    assert [tuple(r) for r in rows] == CANARY_ROWS
    partitions = _run(trino, 'SELECT part FROM hive.canary."probe$partitions" ORDER BY part')
    assert [tuple(r) for r in partitions] == [("p0",), ("p1",)]
