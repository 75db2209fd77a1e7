"""Fixtures of the engine matrix: one deployment to the emulator, one Spark JVM, one
Trino server.

The deployment is package-scoped: the engines read the same emulator state, and no
test of this package resets moto. Spark starts once per test run, with the Maven jars
``scripts/test`` caches (``tests.support.jars``) and the emulator's S3 and Glue (the JVM
and the first use of its embedded Derby metastore, in a temporary folder, take 40 s to
two minutes on the 2-core machine); each mode of the matrix is a ``newSession()`` of it
(own SQL settings, same metastore, tables and catalogs). Trino starts once per test
run too (20 s to a few minutes), on the emulator's endpoint; it holds no state of its
own, so it reads whatever the deployment put in Glue and S3.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.engines import readers, trino_server
from tests.engines.deployed import Deployed, deploy_clean
from tests.support import jars
from tests.support.glue_reader import Endpoint
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY

# Glue ETL, EMR and Athena run in UTC; every engine's wall clock equals the files' there.
SESSION_TIME_ZONE = "UTC"


@pytest.fixture(scope="package")
def deployed(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    """The program's AWS resources applied to a clean moto, its objects also copied
    locally for DuckDB (``tests.engines.deployed``)."""
    # The database has nothing to do with the tables: an AWS-only stack needs no Docker.
    config = {"database": "false", "zoo": "true"}
    yield deploy_clean(moto_server, tmp_path_factory, config, "engines")


def _java_available() -> bool:
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


# Iceberg's own Glue catalog, as Glue ETL and EMR configure it: the Iceberg tables are
# read as ``glue_catalog.<database>.<table>``.
ICEBERG_CATALOG = "glue_catalog"


def spark_settings(moto_server: str, home: Path, jars: list[Path]) -> dict[str, str]:
    """Spark's configuration: Hive support (an embedded Derby metastore under ``home``),
    the Maven jars on the driver's class path, S3A on the emulator for ``s3://``,
    Iceberg's GlueCatalog and Delta on the emulator's Glue and S3."""
    metastore = home / "metastore_db"
    return {
        "spark.ui.enabled": "false",
        "spark.driver.memory": "1g",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "2",
        "spark.sql.warehouse.dir": str(home / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={metastore};create=true"
        ),
        # The JVM zone is pinned so Hive's SerDes (which use it) behave alike on every
        # machine; the session zone is set per session (spark_session).
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={home} -Duser.timezone=UTC",
        "spark.sql.session.timeZone": SESSION_TIME_ZONE,
        # The class path of the one local JVM, not spark.jars: in local mode spark.jars
        # copies every jar (646 MB) into the executor's folder at each start.
        "spark.driver.extraClassPath": os.pathsep.join(str(path) for path in jars),
        # s3:// is S3A (EMR's EMRFS and Glue's own s3:// are not open source), on the
        # emulator: path-style requests, plain HTTP, static keys.
        "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "spark.hadoop.fs.s3a.endpoint": moto_server,
        "spark.hadoop.fs.s3a.endpoint.region": REGION,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
        "spark.hadoop.fs.s3a.aws.credentials.provider": (
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"
        ),
        "spark.hadoop.fs.s3a.access.key": ACCESS_KEY,
        "spark.hadoop.fs.s3a.secret.key": SECRET_KEY,
        "spark.sql.extensions": ",".join(
            (
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
                "io.delta.sql.DeltaSparkSessionExtension",
            )
        ),
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        f"spark.sql.catalog.{ICEBERG_CATALOG}": "org.apache.iceberg.spark.SparkCatalog",
        f"spark.sql.catalog.{ICEBERG_CATALOG}.catalog-impl": (
            "org.apache.iceberg.aws.glue.GlueCatalog"
        ),
        f"spark.sql.catalog.{ICEBERG_CATALOG}.glue.endpoint": moto_server,
        f"spark.sql.catalog.{ICEBERG_CATALOG}.client.region": REGION,
        f"spark.sql.catalog.{ICEBERG_CATALOG}.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        f"spark.sql.catalog.{ICEBERG_CATALOG}.s3.endpoint": moto_server,
        f"spark.sql.catalog.{ICEBERG_CATALOG}.s3.path-style-access": "true",
        f"spark.sql.catalog.{ICEBERG_CATALOG}.s3.access-key-id": ACCESS_KEY,
        f"spark.sql.catalog.{ICEBERG_CATALOG}.s3.secret-access-key": SECRET_KEY,
    }


@pytest.fixture(scope="session")
def spark(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark with Hive support for the whole run, reading the emulator's S3
    and, for Iceberg, its Glue (no UI)."""
    if not _java_available():
        pytest.fail("Spark needs Java 17: scripts/test installs openjdk-17-jre-headless")
    try:
        found = jars.paths()
    except jars.MissingJars as error:
        pytest.fail(f"Spark's Maven jars are missing: {error}")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[2]").appName("aws2openstack-testenv-engines")
    home = tmp_path_factory.mktemp("spark")
    for key, value in spark_settings(moto_server, home, found).items():
        builder = builder.config(key, value)
    # Iceberg's Glue client takes its keys from the environment the JVM starts with.
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        patch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        patch.setenv("AWS_REGION", REGION)
        session = builder.enableHiveSupport().getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="package")
def spark_placeholders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where Spark's metastore creates each table before it moves to S3
    (``readers.spark_register``)."""
    return tmp_path_factory.mktemp("spark-placeholders")


@pytest.fixture(scope="package")
def spark_tables(spark: Any, deployed: Deployed, spark_placeholders: Path) -> Any:
    """Every Hive-style Glue table of the core catalog and its partitions created in
    Spark's metastore (the zoo's are created by its own tests: creating some fails);
    the Iceberg table is Iceberg's Glue catalog's."""
    for table in deployed.core:
        if table.format != "iceberg":
            readers.spark_register(spark, table, spark_placeholders)
    return spark


SPARK_MODES = {
    # Hive 2.3's SerDes, as Hive on EMR and older engines read the tables.
    "spark-hive-serde": "false",
    # Spark's own Parquet and ORC readers, as Glue ETL and EMR Spark read them.
    "spark": "true",
}


def spark_session(spark_tables: Any, mode: str, time_zone: str = SESSION_TIME_ZONE) -> Any:
    session = spark_tables.newSession()
    session.conf.set("spark.sql.hive.convertMetastoreParquet", SPARK_MODES[mode])
    session.conf.set("spark.sql.hive.convertMetastoreOrc", SPARK_MODES[mode])
    session.conf.set("spark.sql.session.timeZone", time_zone)
    return session


@pytest.fixture(scope="package")
def duckdb_connection() -> Iterator[Any]:
    """A DuckDB with the Iceberg and Avro extensions loaded from their wheels; no
    automatic download (it needs the network) and no httpfs."""
    import duckdb

    connection = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    connection.sql("SET TimeZone = 'UTC'")
    for path in readers.duckdb_extensions().values():
        connection.load_extension(str(path))
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture(scope="session")
def trino_node(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The Trino server of ``tests.engines.trino_server`` on the emulator's Glue and S3."""
    home = trino_server.server_home()
    if not (home / "lib").is_dir():
        pytest.fail(
            f"Trino {trino_server.VERSION} is not in {home}: scripts/test installs it "
            "(or: uv run python -m tests.engines.trino_server install)"
        )
    endpoint = Endpoint(REGION, moto_server, ACCESS_KEY, SECRET_KEY)
    node = trino_server.TrinoServer(
        home, trino_server.java_home(), tmp_path_factory.mktemp("trino"), endpoint
    )
    with node.running():
        yield node


@pytest.fixture(scope="session")
def trino_connection(trino_node: Any) -> Iterator[Any]:
    """A DB-API connection of Trino's Python client, its session in UTC."""
    import trino

    connection = trino.dbapi.connect(
        host="127.0.0.1",
        port=trino_node.port,
        user="aws2openstack-testenv",
        timezone=SESSION_TIME_ZONE,
    )
    try:
        yield connection
    finally:
        connection.close()
