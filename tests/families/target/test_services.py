"""The target's configuration runs the real services: Iceberg's REST catalog server from
Maven Central and Trino 476 from the suite's cache, the emulator as the object store.

The files and environment are the ones ``components.target_settings`` shapes for the
containers, with the loopback addresses of the local processes in place of the private
network's host names. The canary of ``pulumi up`` runs against them: a table made by Trino
SQL in each catalog (REST and metastore), read back and dropped.
"""

from __future__ import annotations

import base64
import ipaddress
import urllib.request
from pathlib import Path
from typing import Any

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _deserialize

from components import target_canary as canary
from components import target_settings as settings
from components.target_canary import TargetCanaryProvider
from tests.engines import trino_server
from tests.families.target.conftest import s3_client
from tests.support.net import free_port


def _run(connection: Any, sql: str) -> list[Any]:
    cursor = connection.cursor()
    cursor.execute(sql)
    return cursor.fetchall()


def test_rest_catalog_answers_its_config_endpoint(rest):
    """The REST server started from Maven Central's artifacts answers GET /v1/config."""
    with urllib.request.urlopen(f"{rest.url}/v1/config", timeout=10) as response:
        assert response.status == 200


def test_canary_makes_reads_back_and_drops_a_table_in_each_catalog(trino, object_store):
    """The canary of ``pulumi up`` (components.target_canary), through its provider as
    the engine calls it (pickled and unpickled): an Iceberg table on the REST catalog and
    a partitioned Hive Parquet table on the metastore, each read back with its rows;
    nothing of them is left."""
    uri = f"http://127.0.0.1:{trino.port}"
    blob = serialize_provider(TargetCanaryProvider())
    assert b"components.target_canary" in base64.b64decode(blob)
    provider = _deserialize(lambda: dill.loads(base64.b64decode(blob)))
    created = provider.create({"trino_uri": uri, "containers": ["a", "b", "c", "d"]})
    assert created.outs["rows_read"] == {"iceberg": len(canary.ROWS), "hive": len(canary.ROWS)}
    for catalog in ("iceberg", "hive"):
        schemas = [r[0] for r in _run(trino, f"SHOW SCHEMAS FROM {catalog}")]
        assert canary.SCHEMA not in schemas, catalog
    listing = s3_client(object_store).list_objects_v2(
        Bucket=settings.WAREHOUSE_BUCKET, Prefix=f"{settings.HIVE_PREFIX}/{canary.SCHEMA}/"
    )
    assert not [o["Key"] for o in listing.get("Contents", []) if o["Size"]], listing
    # A second run (a replaced container) finds a clean target again.
    updated = provider.update("id", created.outs, {"trino_uri": uri, "containers": ["e"] * 4})
    assert updated.outs["rows_read"] == created.outs["rows_read"]


def test_canary_runs_again_only_for_a_replaced_container_or_a_moved_port():
    """diff: the same inputs change nothing (a second up runs no canary); a new container
    id or another Trino URI does."""
    provider = TargetCanaryProvider()
    olds = {"trino_uri": "http://127.0.0.1:19003", "containers": ["a", "b", "c", "d"]}
    outs = {**olds, "rows_read": {"iceberg": 3, "hive": 3}}
    assert provider.diff("id", outs, dict(olds)).changes is False
    assert provider.diff("id", outs, {**olds, "containers": ["a", "b", "c", "e"]}).changes
    assert provider.diff("id", outs, {**olds, "trino_uri": "http://127.0.0.1:19103"}).changes


def test_canary_refuses_a_uri_that_is_not_http_host_port():
    with pytest.raises(ValueError, match="trino_uri 'thrift://127.0.0.1:9083' is not http"):
        canary.run("thrift://127.0.0.1:9083")


def test_canary_fails_naming_the_catalog_when_its_storage_does_not_work(trino, object_store):
    """The canary's Hive schema left at a bucket that was then removed: its table cannot
    be written, and the canary fails naming the hive catalog, the statement and the fix;
    the Iceberg half alone still passes."""
    uri = f"http://127.0.0.1:{trino.port}"
    s3 = s3_client(object_store)
    s3.create_bucket(Bucket="canary-gone")
    _run(trino, f"CREATE SCHEMA hive.{canary.SCHEMA} WITH (location = 's3://canary-gone/c')")
    for item in s3.list_objects_v2(Bucket="canary-gone").get("Contents", []):
        s3.delete_object(Bucket="canary-gone", Key=item["Key"])
    s3.delete_bucket(Bucket="canary-gone")
    try:
        with pytest.raises(canary.CanaryFailed) as failed:
            canary.run(uri)
        message = str(failed.value)
        assert "in Trino's hive catalog" in message
        assert "INSERT INTO hive.testenv_canary.probe" in message or "CREATE TABLE" in message
        assert "Fix: `docker logs` of the stack's metastore and objects containers" in message
        assert canary.run(uri, ("iceberg",)) == {"rows_read": {"iceberg": len(canary.ROWS)}}
    finally:
        _run(trino, f"DROP TABLE IF EXISTS hive.{canary.SCHEMA}.{canary.TABLE}")
        _run(trino, f"DROP SCHEMA IF EXISTS hive.{canary.SCHEMA}")


def test_canary_without_trino_says_so_and_where_to_look():
    """Nothing on the port: the canary fails at once, naming the URI and the trino container."""
    uri = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(canary.CanaryFailed, match="found no Trino at " + uri) as failed:
        canary.run(uri, ready_seconds=0)
    assert "`docker logs` of the stack's trino container" in str(failed.value)


def test_status_finds_each_real_target_service_ready(trino, rest, metastore, object_store):
    """scripts/status's probes (scripts/_lib.probe_target) against the real services: the
    object store answers as S3, the REST catalog's /v1/config, the metastore's thrift
    port, Trino's /v1/info with its version; a server of another kind is not taken for one."""
    from scripts._lib import probe_target

    trino_uri = f"http://127.0.0.1:{trino.port}"
    assert probe_target("objects", object_store).startswith("ready (S3 answers")
    assert probe_target("rest", rest.url) == "ready (GET /v1/config)"
    assert probe_target("metastore", metastore.uri).startswith("ready (thrift port")
    assert probe_target("trino", trino_uri) == f"ready (Trino {trino_server.VERSION})"
    assert "not as Trino" in probe_target("trino", rest.url)
    assert "not as an Iceberg REST catalog" in probe_target("rest", trino_uri)
    assert "not as S3" in probe_target("objects", trino_uri)


def _listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port`` (from /proc/net/tcp*),
    IPv4-mapped IPv6 addresses written as IPv4."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if fields[3] != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in host (little-endian) order.
            ip = ipaddress.ip_address(b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4)))
            found.add(str(getattr(ip, "ipv4_mapped", None) or ip))
    return found


def test_every_local_service_listens_on_the_loopback_address_only(trino, rest, metastore):
    """The REST catalog (through LoopbackRestServer.java), the metastore
    (metastore.thrift.bind.host) and Trino (node.bind-ip) listen on 127.0.0.1 alone, not
    on every address: nothing of the suite's target is reachable from another host."""
    for name, port in (("rest", rest.port), ("metastore", metastore.port), ("trino", trino.port)):
        assert _listening_addresses(port) == {"127.0.0.1"}, name
