"""A reference migration into the target, to prove that the target and the ground truth
fit together: ``sales_data`` (Parquet, partitioned by year and month) has its objects
copied to the warehouse bucket, its table and partitions registered in the Hive
metastore (Trino DDL and ``sync_partition_metadata``), and is read by the target's Trino
with the ground truth's rows, rows per partition and value digest."""

from __future__ import annotations

import urllib.request
from collections import Counter
from typing import Any

import pytest

from components import target_settings as settings
from datagen import digest
from tests.engines import trino_reader
from tests.engines.deployed import Deployed, deploy
from tests.families.target.conftest import s3_client
from tests.support.glue_reader import Endpoint
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY

SCHEMA = "migrated"


@pytest.fixture(scope="module")
def source(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    """The source: the program's core tables applied to a clean emulator (its S3 and Glue)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        patch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        patch.setenv("TESTENV_CACHE_DIR", str(tmp_path_factory.mktemp("source-cache")))
        reset = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset).close()
        return deploy(
            Endpoint(REGION, moto_server, ACCESS_KEY, SECRET_KEY),
            tmp_path_factory.mktemp("source-s3"),
            {"database": "false", "tables": "sales_data,customer_data"},
        )


def copy_prefix(client: Any, location: str, target: str) -> int:
    """Copy every object under the ``s3://`` ``location`` to ``target``; how many."""
    bucket, _, prefix = location.removeprefix("s3://").partition("/")
    to_bucket, _, to_prefix = target.removeprefix("s3://").partition("/")
    copied = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            key = to_prefix + obj["Key"].removeprefix(prefix)
            client.copy_object(
                Bucket=to_bucket, Key=key, CopySource={"Bucket": bucket, "Key": obj["Key"]}
            )
            copied += 1
    return copied


def execute(connection: Any, sql: str) -> list[Any]:
    """One statement (DDL, a procedure call or a query); its rows."""
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def hive_ddl(
    schema: str, name: str, columns: list[tuple[str, str]], keys: list[str], at: str
) -> str:
    """CREATE TABLE of a Parquet table over copied objects, partition keys last."""
    spelled = ", ".join(f'"{n}" {trino_reader.trino_type(t)}' for n, t in columns)
    partitioned = ", ".join(f"'{k}'" for k in keys)
    return (
        f'CREATE TABLE hive."{schema}"."{name}" ({spelled}) WITH (format = \'PARQUET\', '
        f"external_location = '{at}', partitioned_by = ARRAY[{partitioned}])"
    )


def test_sales_data_migrates_to_the_metastore_with_the_ground_truths_digest(
    source, trino, object_store
):
    """sales_data: objects copied, table and partitions in the metastore, read by the
    target's Trino with the ground truth's rows, rows per partition and value digest."""
    table = source.table("sales_data")
    location = table.definition["StorageDescriptor"]["Location"].rstrip("/") + "/"
    target = f"s3://{settings.WAREHOUSE_BUCKET}/{settings.HIVE_PREFIX}/{SCHEMA}/sales_data/"
    copied = copy_prefix(s3_client(object_store), location, target)
    assert copied == len(table.truth["objects"]), table.id

    schema_at = f"s3://{settings.WAREHOUSE_BUCKET}/{settings.HIVE_PREFIX}/{SCHEMA}"
    execute(trino, f"CREATE SCHEMA IF NOT EXISTS hive.{SCHEMA} WITH (location = '{schema_at}')")
    execute(trino, hive_ddl(SCHEMA, table.name, table.columns, table.key_names, target))
    execute(trino, f"CALL hive.system.sync_partition_metadata('{SCHEMA}', '{table.name}', 'ADD')")
    partitions = execute(trino, f'SELECT count(*) FROM hive.{SCHEMA}."{table.name}$partitions"')
    assert partitions[0][0] == len(table.partitions), table.id

    names, _, rows = trino_reader.run(trino, f'SELECT * FROM hive.{SCHEMA}."{table.name}"')
    data = trino_reader.arrow_rows(names, rows, table.columns)
    truth = table.truth
    assert data.num_rows == truth["rows"], table.id
    keys = table.key_names
    counted = Counter(
        tuple(str(v) for v in values)
        for values in zip(*(data[k].to_pylist() for k in keys), strict=True)
    )
    assert dict(counted) == {
        tuple(p["values"]): p["rows"] for p in truth["partitions"] if p["rows"]
    }
    assert digest.digest_rows(data, [t for _, t in table.columns]) == truth["value_digest"], (
        table.id
    )
