"""The target's configuration runs the real services: Iceberg's REST catalog server from
Maven Central and Trino 476 from the suite's cache, the emulator as the object store.

The files and environment are the ones ``components.target_settings`` shapes for the
containers, with the loopback addresses of the local processes in place of the private
network's host names. The canary of the deployment runs against them: a table created by
Trino SQL in the ``iceberg`` catalog (the REST catalog) and read back.
"""

from __future__ import annotations

import shutil
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from components import target_settings as settings
from tests.engines import trino_server
from tests.families.target import metastore as hive_metastore
from tests.families.target import rest_catalog
from tests.support.glue_reader import Endpoint
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY

CANARY_ROWS = [(1, "one"), (2, "two"), (3, "three")]


@pytest.fixture(scope="module")
def object_store(moto_server: str) -> str:
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    boto3.client(
        "s3",
        endpoint_url=moto_server,
        region_name=settings.S3_REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    ).create_bucket(Bucket=settings.WAREHOUSE_BUCKET)
    return moto_server


@pytest.fixture(scope="module")
def rest(object_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    lib = rest_catalog.home() / "lib"
    if not (lib / ".complete").exists():
        pytest.fail(
            "the REST catalog's jars are not in the cache: "
            "uv run python -m tests.families.target.rest_catalog install"
        )
    folder = tmp_path_factory.mktemp("rest")
    endpoints = settings.Endpoints(object_store, "http://unused", "thrift://unused:9083")
    keys = settings.S3Credentials(ACCESS_KEY, SECRET_KEY)
    properties = settings.rest_catalog_properties(
        jdbc_uri=f"jdbc:sqlite:file:{folder / 'catalog.db'}", endpoints=endpoints, credentials=keys
    )
    server = rest_catalog.RestCatalog(
        lib, {**settings.rest_catalog_env(properties), "AWS_REGION": settings.S3_REGION}, folder
    )
    server.env["CATALOG_REST_PORT"] = str(server.port)
    server.start()
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def metastore(
    object_store: str, postgres_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The metastore on its own database of the suite's PostgreSQL, as the stack's is."""
    if not (hive_metastore.home() / ".complete").exists():
        pytest.fail(
            "the metastore is not in the cache: "
            "uv run python -m tests.families.target.metastore install"
        )
    name = postgres_server.create_database("hive_metastore")
    site = settings.metastore_site(
        jdbc_url=f"jdbc:postgresql://127.0.0.1:{postgres_server.port}/{name}",
        user=postgres_server.user,
        password=postgres_server.password,
        endpoints=settings.Endpoints(object_store, "http://unused", "thrift://unused:9083"),
        credentials=settings.S3Credentials(ACCESS_KEY, SECRET_KEY),
    )
    server = hive_metastore.Metastore(tmp_path_factory.mktemp("metastore"), site)
    try:
        server.init_schema()
        server.start()
        server.wait_ready()
        yield server
    finally:
        server.stop()
        postgres_server.drop_database(name)


@pytest.fixture(scope="module")
def trino(
    object_store: str, rest: Any, metastore: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    import trino as client

    home = trino_server.server_home()
    if not (home / "lib").is_dir():
        pytest.fail(f"Trino {trino_server.VERSION} is not in {home}: scripts/test installs it")
    node = trino_server.TrinoServer(
        home,
        trino_server.java_home(),
        tmp_path_factory.mktemp("target-trino"),
        Endpoint(REGION, object_store, ACCESS_KEY, SECRET_KEY),
    )
    catalog_dir = node.etc / "catalog"
    shutil.rmtree(catalog_dir)
    catalog_dir.mkdir()
    endpoints = settings.Endpoints(object_store, rest.url, metastore.uri)
    keys = settings.S3Credentials(ACCESS_KEY, SECRET_KEY)
    (catalog_dir / "iceberg.properties").write_text(settings.trino_iceberg_catalog(endpoints, keys))
    (catalog_dir / "hive.properties").write_text(settings.trino_hive_catalog(endpoints, keys))
    node.start()
    try:
        node.wait_ready()
        connection = client.dbapi.connect(host="127.0.0.1", port=node.port, user="canary")
        yield connection
        connection.close()
    finally:
        node.stop()


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
    keys = [
        o["Key"]
        for o in boto3.client(
            "s3",
            endpoint_url=object_store,
            region_name=settings.S3_REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        ).list_objects_v2(Bucket=settings.WAREHOUSE_BUCKET)["Contents"]
    ]
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
