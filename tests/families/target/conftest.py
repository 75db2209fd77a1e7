"""The target's real services as local processes, started once per module: the
emulator as the object store (its warehouse bucket made afresh), Iceberg's REST catalog
server and the Hive metastore from Maven Central, Trino 476 with the target's catalogs."""

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


@pytest.fixture(scope="module")
def source(moto_server: str) -> Any:
    """What a module migrates from: nothing by default (the emulator reset)."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    return None


def s3_client(url: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name=settings.S3_REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture(scope="module")
def object_store(moto_server: str, source: Any) -> str:
    s3_client(moto_server).create_bucket(Bucket=settings.WAREHOUSE_BUCKET)
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
