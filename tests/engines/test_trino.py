"""Trino in the engine matrix: its installation, its server, and what its cells rest on.

The cells themselves are in test_matrix.py and test_zoo_matrix.py; here are the facts
they depend on: the archive is checked before it is unpacked, the server listens on the
loopback address only, the Hive connector refuses Iceberg and Delta tables (so the reader
picks the catalog from Glue), Trino sees the Iceberg table's history as pyiceberg does,
and Trino's Python values become the Arrow values the digest renders.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import http.server
import io
import socket
import tarfile
import threading
from collections.abc import Iterator

import pyarrow as pa
import pytest

from datagen import digest
from tests.engines import trino_reader, trino_server
from tests.engines.deployed import Deployed

# --- the installation ------------------------------------------------------------------------


def _archive(names: list[str]) -> bytes:
    """A tar.gz holding an empty file at each ``trino-server-<VERSION>/<name>``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in names:
            member = tarfile.TarInfo(f"trino-server-{trino_server.VERSION}/{name}")
            tar.addfile(member, io.BytesIO(b""))
    return buffer.getvalue()


@pytest.fixture
def served(tmp_path, monkeypatch) -> Iterator[dict[str, bytes]]:
    """A local HTTP server for the archive, the module's URL pointed at it, and an empty
    cache folder; put the bytes to serve under ``"archive"``."""
    content: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            body = content["archive"]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(trino_server, "URL", f"http://127.0.0.1:{server.server_port}/t.tar.gz")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    try:
        yield content
    finally:
        server.shutdown()
        server.server_close()


def test_install_unpacks_only_the_plugins_the_matrix_uses(served, monkeypatch) -> None:
    """An archive whose SHA-1 is the pinned one is unpacked into the cache, with the
    hive, iceberg and delta-lake plugins and none of the others."""
    served["archive"] = _archive(
        ["lib/a.jar", "plugin/hive/h.jar", "plugin/iceberg/i.jar", "plugin/delta-lake/d.jar"]
        + ["plugin/kafka/k.jar", "plugin/mysql/m.jar", "bin/launcher"]
    )
    monkeypatch.setattr(trino_server, "SHA1", hashlib.sha1(served["archive"]).hexdigest())
    out = io.StringIO()
    home = trino_server.install_server(out)
    assert home == trino_server.server_home()
    assert sorted(p.name for p in (home / "plugin").iterdir()) == ["delta-lake", "hive", "iceberg"]
    assert (home / "lib" / "a.jar").is_file() and (home / "bin" / "launcher").is_file()
    assert f"downloading Trino {trino_server.VERSION}" in out.getvalue()
    assert [p.name for p in home.parent.iterdir()] == [home.name], "staging left behind"
    again = io.StringIO()
    assert trino_server.install_server(again) == home
    assert again.getvalue() == "", "a second install downloads nothing"


def test_install_refuses_an_archive_whose_sha1_differs(served, monkeypatch) -> None:
    """A download whose SHA-1 is not the one Maven Central publishes is not unpacked."""
    served["archive"] = _archive(["lib/a.jar"])
    monkeypatch.setattr(trino_server, "SHA1", "0" * 40)
    with pytest.raises(RuntimeError, match="SHA-1 .* publishes 0{40}; nothing unpacked"):
        trino_server.install_server(io.StringIO())
    assert list(trino_server.cache_dir().iterdir()) == []


def test_the_catalogs_point_at_the_emulator_through_glue_and_native_s3() -> None:
    """Each catalog names its connector and its metastore type, and all three share the
    Glue endpoint and the native S3 file system of the given endpoint."""
    from tests.support.glue_reader import Endpoint

    endpoint = Endpoint("eu-central-1", "http://127.0.0.1:1234", "key", "secret")
    catalogs = trino_server.catalogs(endpoint)
    assert catalogs["hive"]["hive.metastore"] == "glue"
    assert catalogs["hive"]["hive.partition-projection-enabled"] == "true"
    assert catalogs["iceberg"]["iceberg.catalog.type"] == "glue"
    assert catalogs["delta_lake"]["hive.metastore"] == "glue"
    for name, properties in catalogs.items():
        assert properties["hive.metastore.glue.endpoint-url"] == endpoint.url, name
        assert properties["s3.endpoint"] == endpoint.url, name
        assert properties["fs.native-s3.enabled"] == "true", name
        assert properties["s3.path-style-access"] == "true", name


# --- Python values to Arrow ------------------------------------------------------------------


def test_trino_type_names_nested_and_timestamp_types_per_connector() -> None:
    """The Trino name of a Glue type: nested types spelled as Trino prints them, a
    timestamp at each connector's precision."""
    nested = "array<struct<sku:string,qty:int>>"
    assert trino_reader.trino_type(nested) == "array(row(sku varchar, qty integer))"
    assert trino_reader.trino_type("map<string,bigint>") == "map(varchar, bigint)"
    assert trino_reader.trino_type("decimal(38,9)") == "decimal(38, 9)"
    assert trino_reader.trino_type("timestamp") == "timestamp(3)"
    assert trino_reader.trino_type("timestamp", "iceberg") == "timestamp(6)"
    assert trino_reader.trino_type("timestamp", "delta_lake") == "timestamp(3) with time zone"


def test_python_values_become_the_arrow_values_of_the_glue_types() -> None:
    """A row tuple becomes a struct by position, a dict a map, an aware datetime its UTC
    wall clock, a Decimal stays exact: the digest is that of the same values typed."""
    pairs = [
        ("price", "decimal(38,9)"),
        ("address", "struct<city:string,zip:string>"),
        ("attributes", "map<string,bigint>"),
        ("at", "timestamp"),
    ]
    berlin = dt.timezone(dt.timedelta(hours=1))
    rows = [
        [
            decimal.Decimal("4819.408150413"),
            ("berlin", "10000"),
            {"rank": 0, "qty": 30},
            dt.datetime(2024, 12, 31, 4, 32, 7, tzinfo=berlin),
        ],
        [None, None, None, None],
    ]
    data = trino_reader.arrow_rows([n for n, _ in pairs], rows, pairs)
    expected = pa.table(
        {
            "price": pa.array([decimal.Decimal("4819.408150413"), None], pa.decimal128(38, 9)),
            "address": [{"city": "berlin", "zip": "10000"}, None],
            "attributes": pa.array(
                [[("qty", 30), ("rank", 0)], None], pa.map_(pa.string(), pa.int64())
            ),
            "at": pa.array([dt.datetime(2024, 12, 31, 3, 32, 7), None], pa.timestamp("us")),
        }
    )
    types = [t for _, t in pairs]
    assert digest.row_texts(data, types) == digest.row_texts(expected, types)
    assert digest.row_texts(data, types)[0].startswith("4819.408150413\t")


def test_columns_other_than_glue_s_are_refused() -> None:
    """Rows whose column names are not the Glue columns, in order, are not converted."""
    with pytest.raises(AssertionError, match="Glue has"):
        trino_reader.arrow_rows(["b", "a"], [], [("a", "int"), ("b", "int")])


# --- the server ------------------------------------------------------------------------------


def test_trino_listens_on_the_loopback_address_only(trino_node) -> None:
    """The server answers on 127.0.0.1 and refuses another loopback address, 127.0.0.2,
    which a socket bound to every address (0.0.0.0) would accept."""
    assert trino_node.info()["starting"] is False
    with socket.create_connection(("127.0.0.1", trino_node.port), timeout=10):
        pass
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", trino_node.port), timeout=10).close()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("customer_data", "Cannot query Iceberg table"),
        ("delta_events", "Cannot query Delta Lake table"),
    ],
)
def test_the_hive_catalog_refuses_iceberg_and_delta_tables(
    name: str, message: str, trino_connection, deployed: Deployed
) -> None:
    """Without redirection the Hive connector refuses an Iceberg or Delta table: the reader
    picks the iceberg or delta_lake catalog from the Glue parameters, as Athena does."""
    table = deployed.table(name)
    assert trino_reader.catalog(table) != trino_reader.HIVE
    sql = f'SELECT * FROM hive."{table.database}"."{table.name}"'
    with pytest.raises(Exception, match=message):
        trino_reader.run(trino_connection, sql)


def test_trino_sees_the_iceberg_history_pyiceberg_sees(trino_connection, deployed) -> None:
    """Trino's $snapshots of the v2 history table list pyiceberg's snapshots (ids,
    parents, operations), and reading the first snapshot (FOR VERSION AS OF) gives the
    rows pyiceberg's scan of it gives."""
    from pyiceberg.catalog.glue import GlueCatalog

    table = deployed.table("iceberg_v2_history")
    catalog = GlueCatalog("glue", **deployed.endpoint.iceberg_properties())
    iceberg = catalog.load_table((table.database, table.name))
    expected = [
        [s.snapshot_id, s.parent_snapshot_id, s.summary.operation.value]
        for s in iceberg.snapshots()
    ]
    name = f'iceberg."{table.database}"."{table.name}'
    _, _, rows = trino_reader.run(
        trino_connection, f'SELECT snapshot_id, parent_id, operation FROM {name}$snapshots"'
    )
    assert sorted(rows, key=str) == sorted(expected, key=str)
    assert len(rows) == 5
    first = expected[0][0]
    _, _, counted = trino_reader.run(
        trino_connection, f'SELECT count(*) FROM {name}" FOR VERSION AS OF {first}'
    )
    assert counted == [[iceberg.scan(snapshot_id=first).to_arrow().num_rows]]
    assert 0 < counted[0][0] < table.truth["rows"]


def test_trino_reads_an_open_csv_serde_bigint_column_as_varchar(trino_connection, deployed) -> None:
    """Trino reads an OpenCSVSerde column declared bigint as varchar (Athena would give a
    bigint): the declared type is not what every engine returns, which is why the CSV
    tables declare every column string. The tables are made for this test in a database
    of its own, beside the deployment, and removed after."""
    from datagen.kinds.csv import CsvKind

    glue, s3 = deployed.endpoint.client("glue"), deployed.endpoint.client("s3")
    prefix = "quirks/open_csv_bigint/"
    s3.put_object(Bucket=deployed.bucket, Key=f"{prefix}part-00000.csv", Body=b'"1","x"\n')
    glue.create_database(DatabaseInput={"Name": "quirks_trino"})
    descriptor = {
        "Location": f"s3://{deployed.bucket}/{prefix}",
        "InputFormat": CsvKind.input_format,
        "OutputFormat": CsvKind.output_format,
        "SerdeInfo": {
            "SerializationLibrary": CsvKind.serde,
            "Parameters": dict(CsvKind.serde_parameters),
        },
    }
    try:
        for name, id_type in (("as_bigint", "bigint"), ("as_string", "string")):
            columns = [{"Name": "id", "Type": id_type}, {"Name": "name", "Type": "string"}]
            glue.create_table(
                DatabaseName="quirks_trino",
                TableInput={
                    "Name": name,
                    "TableType": "EXTERNAL_TABLE",
                    "StorageDescriptor": {**descriptor, "Columns": columns},
                },
            )
        for name in ("as_bigint", "as_string"):
            sql = f"SELECT * FROM hive.quirks_trino.{name}"
            _, types, rows = trino_reader.run(trino_connection, sql)
            assert (types, rows) == (["varchar", "varchar"], [["1", "x"]]), name
    finally:
        for name in ("as_bigint", "as_string"):
            with contextlib.suppress(glue.exceptions.EntityNotFoundException):
                glue.delete_table(DatabaseName="quirks_trino", Name=name)
        glue.delete_database(Name="quirks_trino")
        s3.delete_object(Bucket=deployed.bucket, Key=f"{prefix}part-00000.csv")
