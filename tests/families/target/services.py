"""The target's real services as local processes, each a context manager: Iceberg's REST
catalog server and the Hive metastore from Maven Central, Trino 476 with the target's
catalogs and JVM flags. The suite's fixtures (``conftest.py``) and the memory benchmark
(``benchmarks/target_memory.py``) start them the same way.

Each is given the files ``components.target_settings`` shapes for the containers, with
the local processes' loopback addresses in place of the private network's host names;
the object store is whatever S3 endpoint is passed (the suite's emulator).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from components import target_settings as settings
from tests.engines import trino_server
from tests.families.target import metastore as hive_metastore
from tests.families.target import rest_catalog
from tests.support.glue_reader import Endpoint
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY

KEYS = settings.S3Credentials(ACCESS_KEY, SECRET_KEY)


class NotInstalled(RuntimeError):
    """A service's artifacts are not in the cache; the message names the command."""


def _endpoints(object_store: str, rest: str = "http://unused", metastore: str = "") -> Any:
    return settings.Endpoints(object_store, rest, metastore or "thrift://unused:9083")


@contextmanager
def rest_service(object_store: str, folder: Path) -> Iterator[rest_catalog.RestCatalog]:
    """The REST catalog, its JDBC catalog in SQLite under ``folder``, files on S3."""
    lib = rest_catalog.home() / "lib"
    if not (lib / ".complete").exists():
        raise NotInstalled(
            "the REST catalog's jars are not in the cache: "
            "uv run python -m tests.families.target.rest_catalog install"
        )
    properties = settings.rest_catalog_properties(
        jdbc_uri=f"jdbc:sqlite:file:{folder / 'catalog.db'}",
        endpoints=_endpoints(object_store),
        credentials=KEYS,
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


@contextmanager
def metastore_service(
    object_store: str, postgres_server: Any, folder: Path
) -> Iterator[hive_metastore.Metastore]:
    """The metastore on its own database of ``postgres_server``, as the stack's is."""
    if not (hive_metastore.home() / ".complete").exists():
        raise NotInstalled(
            "the metastore is not in the cache: "
            "uv run python -m tests.families.target.metastore install"
        )
    name = postgres_server.create_database("hive_metastore")
    site = settings.metastore_site(
        jdbc_url=f"jdbc:postgresql://127.0.0.1:{postgres_server.port}/{name}",
        user=postgres_server.user,
        password=postgres_server.password,
        endpoints=_endpoints(object_store),
        credentials=KEYS,
    )
    server = hive_metastore.Metastore(folder, site)
    try:
        server.init_schema()
        server.start()
        server.wait_ready()
        yield server
    finally:
        server.stop()
        postgres_server.drop_database(name)


@contextmanager
def trino_service(
    object_store: str, rest_url: str, metastore_uri: str, folder: Path
) -> Iterator[trino_server.TrinoServer]:
    """Trino with the target's ``iceberg`` and ``hive`` catalogs and ``jvm.config``."""
    home = trino_server.server_home()
    if not (home / "lib").is_dir():
        raise NotInstalled(
            f"Trino {trino_server.VERSION} is not in {home}: "
            "uv run python -m tests.engines.trino_server install"
        )
    node = trino_server.TrinoServer(
        home,
        trino_server.java_home(),
        folder,
        Endpoint(REGION, object_store, ACCESS_KEY, SECRET_KEY),
    )
    (node.etc / "jvm.config").write_text(settings.trino_jvm_config())
    catalog_dir = node.etc / "catalog"
    shutil.rmtree(catalog_dir)
    catalog_dir.mkdir()
    endpoints = _endpoints(object_store, rest_url, metastore_uri)
    (catalog_dir / "iceberg.properties").write_text(settings.trino_iceberg_catalog(endpoints, KEYS))
    (catalog_dir / "hive.properties").write_text(settings.trino_hive_catalog(endpoints, KEYS))
    with node.running():
        yield node
