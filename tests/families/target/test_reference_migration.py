"""A reference migration into the target, to prove that the target and the ground truth
fit together, each table read by the target's Trino from the copied objects only, with
the ground truth's rows and value digest:

- ``sales_data`` (Parquet, partitioned by year and month): objects copied to the
  warehouse bucket, table and partitions registered in the Hive metastore (Trino DDL and
  ``sync_partition_metadata``);
- ``customer_data`` (Iceberg v2): objects copied, the absolute paths in its metadata
  file, manifest list and manifests rewritten to the new location, the copied metadata
  registered in the REST catalog (``POST .../register``)."""

from __future__ import annotations

import urllib.request
from collections import Counter
from typing import Any

from components import target_settings as settings
from datagen import digest
from tests.engines import trino_reader
from tests.families.target.conftest import s3_client

SCHEMA = "migrated"


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

    paths = execute(trino, f'SELECT DISTINCT "$path" FROM hive.{SCHEMA}."{table.name}"')
    assert paths and all(p.startswith(target) for (p,) in paths), paths
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


def rewrite_avro(body: bytes, old: str, new: str) -> bytes:
    """An Iceberg manifest or manifest list with every path under ``old`` moved to
    ``new``; its schema (field ids included) and key-value metadata kept."""
    import io
    import json

    import fastavro

    reader = fastavro.reader(io.BytesIO(body))
    raw_schema = reader.metadata["avro.schema"]
    metadata = {k: v for k, v in reader.metadata.items() if not k.startswith("avro.")}
    records = [_moved(r, old, new) for r in reader]
    out = io.BytesIO()
    fastavro.writer(
        out,
        fastavro.parse_schema(json.loads(raw_schema)),
        records,
        codec=reader.codec,
        metadata=metadata,
    )
    return out.getvalue()


def _moved(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str) and value.startswith(old):
        return new + value.removeprefix(old)
    if isinstance(value, dict):
        return {k: _moved(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v, old, new) for v in value]
    return value


def copy_iceberg(client: Any, location: str, target: str) -> int:
    """Copy an Iceberg table's objects, its metadata rewritten to name ``target``."""
    bucket, _, prefix = location.removeprefix("s3://").partition("/")
    to_bucket, _, to_prefix = target.removeprefix("s3://").partition("/")
    copied = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            body = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
            if obj["Key"].endswith(".metadata.json"):
                body = body.replace(location.encode(), target.encode())
            elif obj["Key"].endswith(".avro"):
                body = rewrite_avro(body, location, target)
            client.put_object(
                Bucket=to_bucket, Key=to_prefix + obj["Key"].removeprefix(prefix), Body=body
            )
            copied += 1
    return copied


def test_customer_data_migrates_to_the_rest_catalog_with_the_ground_truths_digest(
    source, trino, rest, object_store
):
    """customer_data: objects copied (metadata rewritten to the new location), registered
    in the REST catalog, read by the target's Trino with the ground truth's rows and value
    digest."""
    import json

    table = source.table("customer_data")
    location = table.definition["StorageDescriptor"]["Location"].rstrip("/") + "/"
    metadata = table.definition["Parameters"]["metadata_location"]
    target = f"s3://{settings.WAREHOUSE_BUCKET}/{settings.ICEBERG_PREFIX}/{SCHEMA}/customer_data/"
    copied = copy_iceberg(s3_client(object_store), location, target)
    assert copied == len(table.truth["objects"]), table.id

    def post(path: str, body: dict[str, Any]) -> None:
        request = urllib.request.Request(
            f"{rest.url}/v1/{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=60).close()

    post("namespaces", {"namespace": [SCHEMA], "properties": {}})
    post(
        f"namespaces/{SCHEMA}/register",
        {"name": table.name, "metadata-location": target + metadata.removeprefix(location)},
    )
    names, _, rows = trino_reader.run(trino, f'SELECT * FROM iceberg.{SCHEMA}."{table.name}"')
    data = trino_reader.arrow_rows(names, rows, table.columns)
    assert data.num_rows == table.truth["rows"], table.id
    paths = execute(trino, f'SELECT DISTINCT "$path" FROM iceberg.{SCHEMA}."{table.name}"')
    assert paths and all(p.startswith(target) for (p,) in paths), paths
    glue_types = [t for _, t in table.columns]
    assert digest.digest_rows(data, glue_types) == table.truth["value_digest"], table.id
