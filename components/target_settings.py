"""The target lakehouse's settings, shaped by pure functions: what each service is told.

The same functions shape the files the containers of ``components.target_lakehouse`` get
and the files the suite starts the real services with, so a setting that works in one
works in the other. Every function takes the endpoints and credentials it writes, so a
test can call it without Docker or Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

OBJECT_STORE_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z"
REST_CATALOG_IMAGE = "apache/iceberg-rest-fixture:1.10.0"
METASTORE_IMAGE = "apache/hive:4.0.1"
TRINO_IMAGE = "trinodb/trino:476"

POSTGRES_JDBC_URL = (
    "https://repo1.maven.org/maven2/org/postgresql/postgresql/42.7.4/postgresql-42.7.4.jar"
)
POSTGRES_JDBC_SHA256 = "188976721ead8e8627eb6d8389d500dccc0c9bebd885268a3047180274a6031e"
"""The PostgreSQL JDBC driver the metastore image lacks, by its Maven Central sha256."""

HEAPS: Mapping[str, str] = {"rest": "256m", "metastore": "512m", "trino": "2G"}
"""Each JVM's most heap (``-Xmx``), the same in the containers and in the suite's local
processes, so that the memory measured here (benchmarks/target_memory.py) is the
containers' too. The REST image takes it as ``JAVA_TOOL_OPTIONS``, the Hive image as
``SERVICE_OPTS`` (appended after its own ``-Xmx1G``), Trino in its ``jvm.config``."""

OBJECT_STORE_PORT = 9000
REST_CATALOG_PORT = 8181
METASTORE_PORT = 9083
TRINO_PORT = 8080
S3_REGION = "us-east-1"
"""MinIO's default region; S3 clients sign with it."""
WAREHOUSE_BUCKET = "warehouse"
ICEBERG_PREFIX = "iceberg"
HIVE_PREFIX = "hive"

# Hadoop's S3A jars ship in the image's Hadoop tree, off the metastore's class path.
METASTORE_AUX_JARS = (
    "/opt/hadoop/share/hadoop/tools/lib/hadoop-aws-3.3.6.jar:"
    "/opt/hadoop/share/hadoop/tools/lib/aws-java-sdk-bundle-1.12.367.jar"
)


@dataclass(frozen=True)
class Endpoints:
    """Where each service answers, as the other services reach it."""

    object_store: str
    """``http://host:port`` of the S3 API."""
    rest_catalog: str
    """``http://host:port`` of the Iceberg REST catalog."""
    metastore: str
    """``thrift://host:port`` of the Hive Metastore."""


@dataclass(frozen=True)
class S3Credentials:
    access_key: str
    secret_key: str


def warehouse_uri(prefix: str, scheme: str = "s3") -> str:
    return f"{scheme}://{WAREHOUSE_BUCKET}/{prefix}"


def _properties(values: Mapping[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


def _s3_properties(endpoints: Endpoints, credentials: S3Credentials) -> dict[str, str]:
    return {
        "fs.native-s3.enabled": "true",
        "s3.endpoint": endpoints.object_store,
        "s3.region": S3_REGION,
        "s3.path-style-access": "true",
        "s3.aws-access-key": credentials.access_key,
        "s3.aws-secret-key": credentials.secret_key,
    }


def trino_iceberg_catalog(endpoints: Endpoints, credentials: S3Credentials) -> str:
    """``etc/catalog/iceberg.properties``: Iceberg tables of the REST catalog."""
    return _properties(
        {
            "connector.name": "iceberg",
            "iceberg.catalog.type": "rest",
            "iceberg.rest-catalog.uri": endpoints.rest_catalog,
            "iceberg.rest-catalog.warehouse": warehouse_uri(ICEBERG_PREFIX),
            **_s3_properties(endpoints, credentials),
        }
    )


def trino_hive_catalog(endpoints: Endpoints, credentials: S3Credentials) -> str:
    """``etc/catalog/hive.properties``: Hive tables of the metastore."""
    return _properties(
        {
            "connector.name": "hive",
            "hive.metastore.uri": endpoints.metastore,
            # A migration registers tables over objects it copied: Trino must write them too.
            "hive.non-managed-table-writes-enabled": "true",
            **_s3_properties(endpoints, credentials),
        }
    )


def metastore_site(
    *,
    jdbc_url: str,
    user: str,
    password: str,
    endpoints: Endpoints,
    credentials: S3Credentials,
) -> str:
    """``hive-site.xml`` of the standalone metastore: its PostgreSQL database and S3A."""
    values = {
        "javax.jdo.option.ConnectionDriverName": "org.postgresql.Driver",
        "javax.jdo.option.ConnectionURL": jdbc_url,
        "javax.jdo.option.ConnectionUserName": user,
        "javax.jdo.option.ConnectionPassword": password,
        "metastore.thrift.port": str(METASTORE_PORT),
        "metastore.warehouse.dir": warehouse_uri(HIVE_PREFIX, "s3a"),
        "hive.metastore.warehouse.dir": warehouse_uri(HIVE_PREFIX, "s3a"),
        "fs.s3a.endpoint": endpoints.object_store,
        "fs.s3a.endpoint.region": S3_REGION,
        "fs.s3a.path.style.access": "true",
        "fs.s3a.connection.ssl.enabled": "false",
        "fs.s3a.access.key": credentials.access_key,
        "fs.s3a.secret.key": credentials.secret_key,
        "fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
    }
    body = "".join(
        f"  <property>\n    <name>{escape(k)}</name>\n    <value>{escape(v)}</value>\n"
        "  </property>\n"
        for k, v in values.items()
    )
    return f'<?xml version="1.0"?>\n<configuration>\n{body}</configuration>\n'


def rest_catalog_properties(
    *, jdbc_uri: str, endpoints: Endpoints, credentials: S3Credentials
) -> dict[str, str]:
    """The REST catalog's catalog properties: a JDBC catalog whose files are on S3."""
    return {
        "catalog-impl": "org.apache.iceberg.jdbc.JdbcCatalog",
        "uri": jdbc_uri,
        "jdbc.schema-version": "V1",
        "warehouse": warehouse_uri(ICEBERG_PREFIX),
        "io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        "s3.endpoint": endpoints.object_store,
        "s3.path-style-access": "true",
        "s3.access-key-id": credentials.access_key,
        "s3.secret-access-key": credentials.secret_key,
        "client.region": S3_REGION,
    }


def rest_catalog_env(properties: Mapping[str, str]) -> dict[str, str]:
    """The properties as the REST fixture reads them from its environment.

    The fixture turns ``CATALOG_<NAME>`` into a property: ``__`` becomes ``-``, ``_``
    becomes ``.``, and the name is lower-cased (``CATALOG_IO__IMPL`` is ``io-impl``).
    """
    env = {}
    for key, value in properties.items():
        name = key.replace("-", "__").replace(".", "_").upper()
        env[f"CATALOG_{name}"] = value
    return env


def minio_env(credentials: S3Credentials) -> dict[str, str]:
    return {
        "MINIO_ROOT_USER": credentials.access_key,
        "MINIO_ROOT_PASSWORD": credentials.secret_key,
        "MINIO_REGION": S3_REGION,
    }


def metastore_dockerfile(base: str = METASTORE_IMAGE) -> str:
    """The metastore image: the Hive image plus the PostgreSQL driver, checked by sha256."""
    return (
        "# syntax=docker/dockerfile:1.6\n"
        f"FROM {base}\n"
        f"ADD --checksum=sha256:{POSTGRES_JDBC_SHA256} {POSTGRES_JDBC_URL} "
        "/opt/hive/lib/postgresql.jar\n"
    )


def trino_jvm_config(heap: str = HEAPS["trino"]) -> str:
    """Trino's ``etc/jvm.config``: the heap of ``HEAPS`` and the flags Trino's own
    deployment guide gives."""
    flags = [
        "-server",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:G1HeapRegionSize=32M",
        "-XX:+ExplicitGCInvokesConcurrent",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:-OmitStackTraceInFastThrow",
        "-XX:ReservedCodeCacheSize=256M",
        "-XX:+EnableDynamicAgentLoading",
        "-Djdk.attach.allowAttachSelf=true",
        "-Djdk.nio.maxCachedBufferSize=2000000",
        "-Dfile.encoding=UTF-8",
        "-Duser.timezone=UTC",
    ]
    return "".join(f"{flag}\n" for flag in flags)


def env_list(values: Mapping[str, str]) -> list[str]:
    """``KEY=value`` lines, the form a container's ``envs`` takes."""
    return [f"{key}={value}" for key, value in values.items()]
