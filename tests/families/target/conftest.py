"""The target's real services as local processes (``services.py``), started once for the
package: the emulator as the object store (its warehouse bucket made afresh), Iceberg's
REST catalog server and the Hive metastore from Maven Central, Trino 476 with the
target's catalogs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from components import target_settings as settings
from tests.engines.deployed import Deployed, deploy_clean
from tests.families.target import services
from tests.support.moto_server import ACCESS_KEY, SECRET_KEY


@pytest.fixture(scope="package")
def source(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    """What the package migrates from: the program's ``sales_data`` and ``customer_data``
    applied to a clean emulator (its S3 and Glue); the canary tests need nothing of it."""
    config = {"database": "false", "tables": "sales_data,customer_data"}
    return deploy_clean(moto_server, tmp_path_factory, config, "source")


def s3_client(url: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name=settings.S3_REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture(scope="package")
def object_store(moto_server: str, source: Any) -> str:
    s3_client(moto_server).create_bucket(Bucket=settings.WAREHOUSE_BUCKET)
    return moto_server


@pytest.fixture(scope="package")
def rest(object_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with services.rest_service(object_store, tmp_path_factory.mktemp("rest")) as server:
        yield server


@pytest.fixture(scope="package")
def metastore(
    object_store: str, postgres_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The metastore on its own database of the suite's PostgreSQL, as the stack's is."""
    folder = tmp_path_factory.mktemp("metastore")
    with services.metastore_service(object_store, postgres_server, folder) as server:
        yield server


@pytest.fixture(scope="package")
def trino(
    object_store: str, rest: Any, metastore: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """A DB-API connection to the target's Trino (its ``port`` is the server's)."""
    import trino as client

    folder = tmp_path_factory.mktemp("target-trino")
    with services.trino_service(object_store, rest.url, metastore.uri, folder) as node:
        connection = client.dbapi.connect(host="127.0.0.1", port=node.port, user="canary")
        try:
            yield connection
        finally:
            connection.close()
