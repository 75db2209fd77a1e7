"""The migration resource's provider, called directly against a real PostgreSQL.

Under Pulumi's mocks ``create()`` never runs, so these tests call the provider the way
the engine's dynamic-provider process does: after a round trip through Pulumi's own
serializer, with the inputs a ``SchemaMigration`` registers.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import select
import socket
import socketserver
import subprocess
import sys
import threading
import traceback
from urllib.parse import urlsplit

import dill
import grpc
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import proto, rpc
from pulumi.runtime._serialization import _deserialize
from pulumi.runtime.proto import provider_pb2_grpc

from components.schema_migration import (
    Bounds,
    ConnectionRefused,
    MigrationError,
    SchemaMigrationProvider,
    ServerUnreachable,
    Target,
    migration_inputs,
    migrations_hash,
    wait_for_server,
)
from tests.db.conftest import MIGRATIONS
from tests.db.revisions import add_revision, revision_of, tables_of
from tests.support.net import free_port

pytestmark = pytest.mark.postgres

HEAD = "0002_not_null_parity"


def password_of(url: str) -> str:
    password = urlsplit(url).password
    assert password
    return password


def test_create_brings_the_database_to_head_and_records_the_revision(fresh_database):
    """``create`` migrates an empty database; its outputs carry the head and no secret."""
    provider = SchemaMigrationProvider()
    result = provider.create(migration_inputs(fresh_database, MIGRATIONS))
    assert result.outs["revision"] == HEAD == revision_of(fresh_database)
    assert {"assessments", "glue_tables", "alembic_version"} <= tables_of(fresh_database)
    target = Target.from_url(fresh_database)
    assert result.outs["target"] == target.redacted == result.id
    assert result.outs["migrations_hash"] == migrations_hash(MIGRATIONS)
    assert "database_url" not in result.outs
    assert password_of(fresh_database) not in json.dumps(result.outs) + result.id


def test_diff_is_a_no_op_when_nothing_changed(fresh_database):
    """Same scripts, same database: no update, so a second ``up`` leaves it alone."""
    provider = SchemaMigrationProvider()
    props = migration_inputs(fresh_database, MIGRATIONS)
    outs = provider.create(props).outs
    diff = provider.diff("id", outs, dict(props))
    assert diff.changes is False
    assert not diff.replaces
    wrapped = {**props, "database_url": rpc.wrap_rpc_secret(fresh_database)}
    assert provider.diff("id", outs, wrapped).changes is False


def test_diff_asks_for_an_update_when_the_scripts_or_the_database_change(
    fresh_database, migrations_copy
):
    """A new revision (new hash), another port or an unknown URL each mean an update."""
    provider = SchemaMigrationProvider()
    outs = provider.create(migration_inputs(fresh_database, migrations_copy)).outs
    add_revision(migrations_copy, "0003_more", ["CREATE TABLE more_results (id int)"])
    assert (
        provider.diff("id", outs, migration_inputs(fresh_database, migrations_copy)).changes is True
    )

    moved = fresh_database.replace(f":{urlsplit(fresh_database).port}/", ":1/")
    assert provider.diff(
        "id", outs, {**migration_inputs(fresh_database, MIGRATIONS), "database_url": moved}
    ).changes
    unknown = {
        **migration_inputs(fresh_database, MIGRATIONS),
        "database_url": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    }
    assert provider.diff("id", outs, unknown).changes is True
    assert not provider.diff("id", outs, unknown).replaces


def test_update_applies_a_new_revision(fresh_database, migrations_copy):
    """After a script change, ``update`` runs the new revision and records the new head."""
    provider = SchemaMigrationProvider()
    old = provider.create(migration_inputs(fresh_database, migrations_copy)).outs
    add_revision(
        migrations_copy,
        "0003_more",
        ["CREATE TABLE more_results (id int)"],
        ["DROP TABLE more_results"],
    )
    news = migration_inputs(fresh_database, migrations_copy)
    assert news["migrations_hash"] != old["migrations_hash"]
    updated = provider.update("id", old, news).outs
    assert updated["revision"] == "0003_more" == revision_of(fresh_database)
    assert updated["migrations_hash"] == news["migrations_hash"]
    assert "more_results" in tables_of(fresh_database)
    assert provider.diff("id", updated, news).changes is False


def test_a_failed_revision_is_named_and_the_previous_one_stays(fresh_database, migrations_copy):
    """The error names the failing revision and the kept one, and hides the password."""
    provider = SchemaMigrationProvider()
    old = provider.create(migration_inputs(fresh_database, migrations_copy)).outs
    add_revision(
        migrations_copy,
        "0003_broken",
        ["CREATE TABLE half_done (id int)", "SELECT no_such_column FROM assessments"],
    )
    with pytest.raises(MigrationError) as failure:
        provider.update("id", old, migration_inputs(fresh_database, migrations_copy))
    message = str(failure.value)
    assert "0003_broken" in message
    assert f"stays at revision {HEAD}" in message
    assert "no_such_column" in message
    shown = "".join(traceback.format_exception(failure.value))
    assert password_of(fresh_database) not in shown
    assert revision_of(fresh_database) == HEAD
    assert "half_done" not in tables_of(fresh_database)


def test_a_failed_first_revision_leaves_an_empty_database(fresh_database, tmp_path):
    """When the very first revision fails, the error says the database is at base."""
    broken = tmp_path / "migrations"
    (broken / "versions").mkdir(parents=True)
    (broken / "env.py").write_text((MIGRATIONS / "env.py").read_text())
    (broken / "script.py.mako").write_text((MIGRATIONS / "script.py.mako").read_text())
    (broken / "versions" / "0001_bad.py").write_text(
        '"""Bad start."""\nfrom alembic import op\nrevision = "0001_bad"\ndown_revision = None\n'
        "branch_labels = None\ndepends_on = None\n\ndef upgrade():\n"
        '    op.execute("CREATE TABLE first (id int)")\n    op.execute("SELEC 1")\n\n'
        "def downgrade():\n    pass\n"
    )
    with pytest.raises(MigrationError, match=r"failed in revision 0001_bad .*base \(no tables\)"):
        SchemaMigrationProvider().create(migration_inputs(fresh_database, broken))
    assert tables_of(fresh_database) <= {"alembic_version"}


def test_delete_leaves_the_database_as_it_is(fresh_database):
    """``delete`` is a no-op: the container's volume goes with ``pulumi destroy``."""
    provider = SchemaMigrationProvider()
    result = provider.create(migration_inputs(fresh_database, MIGRATIONS))
    provider.delete(result.id, result.outs)
    assert revision_of(fresh_database) == HEAD


def test_check_rejects_a_directory_without_env_py(tmp_path, fresh_database):
    """A wrong ``script_location`` fails at preview with the property named."""
    provider = SchemaMigrationProvider()
    ok = provider.check({}, migration_inputs(fresh_database, MIGRATIONS))
    assert ok.failures == []
    bad = provider.check(
        {}, {**migration_inputs(fresh_database, MIGRATIONS), "script_location": str(tmp_path)}
    )
    assert [f.property for f in bad.failures] == ["script_location"]
    wrong = provider.check(
        {}, {**migration_inputs(fresh_database, MIGRATIONS), "database_url": "mysql://u:p@h/d"}
    )
    assert [f.property for f in wrong.failures] == ["database_url"]


# --- waiting for the server -------------------------------------------------------------


class _Pauses:
    """Stands in for ``time.sleep``: records the pauses and may act on them."""

    def __init__(self, action=None):
        self.calls: list[float] = []
        self._action = action

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self._action is not None:
            self._action()


SHORT = Bounds(
    connect_timeout=2, connect_deadline=3, retry_pause=1.0, lock_timeout=1, statement_timeout=5
)


def test_waiting_for_a_port_that_refuses_times_out_naming_host_and_port(postgres_server):
    """Refused until the deadline, then an error naming 127.0.0.1:<port>, never the password."""
    port = free_port()
    url = postgres_server.url(password="s3cretPassw0rdThatMustNotLeak")
    target = Target.from_url(url.replace(f":{postgres_server.port}/", f":{port}/"))
    with pytest.raises(ServerUnreachable) as failure:
        wait_for_server(target, SHORT)
    message = str(failure.value)
    assert f"127.0.0.1:{port}" in message and "within the 3 s connection deadline" in message
    assert "s3cretPassw0rdThatMustNotLeak" not in message
    assert re.search(
        r"\d+ attempt\(s\) over \d+\.\d s, each bounded by connect_timeout = 2 s", message
    )


class _LateProxy:
    """A port that refuses connections until ``open()``, then forwards to ``upstream``."""

    def __init__(self, upstream: int):
        self.port = free_port()
        self._upstream = upstream
        self._server: socketserver.ThreadingTCPServer | None = None

    def open(self) -> None:
        upstream = self._upstream

        class Forward(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with socket.create_connection(("127.0.0.1", upstream)) as remote:
                    pair = {self.request: remote, remote: self.request}
                    while True:
                        ready, _, _ = select.select(list(pair), [], [], 5)
                        if not ready:
                            return
                        for end in ready:
                            data = end.recv(65536)
                            if not data:
                                return
                            pair[end].sendall(data)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Forward)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def test_waiting_retries_until_the_server_accepts(postgres_server, postgres_url):
    """Refused at first, the wait goes on and succeeds once the port answers."""
    proxy = _LateProxy(postgres_server.port)
    try:
        target = Target.from_url(
            postgres_url.replace(f":{postgres_server.port}/", f":{proxy.port}/")
        )
        pauses = _Pauses(action=lambda: proxy.open() if len(pauses.calls) == 2 else None)
        assert wait_for_server(target, Bounds(2, 30, 1.0, 1, 5), pause=pauses) == 3
        assert len(pauses.calls) == 2
    finally:
        proxy.close()


def test_a_rejected_password_fails_at_once_without_leaking_it(postgres_server):
    """Wrong credentials are not a slow start: no retries, and the password stays hidden."""
    target = Target.from_url(postgres_server.url(password="WrongPasswordValue123"))
    pauses = _Pauses()
    with pytest.raises(ConnectionRefused) as failure:
        wait_for_server(target, pause=pauses)
    assert "refused user 'testenv'" in str(failure.value)
    assert "SQLSTATE 28P01, permanent, not retried" in str(failure.value)
    assert "WrongPasswordValue123" not in str(failure.value)
    assert pauses.calls == []


# --- the hash of the migration scripts ---------------------------------------------------


def test_migrations_hash_follows_the_scripts_only(migrations_copy):
    """Editing a revision or env.py changes the hash; compiled caches and the ini do not."""
    first = migrations_hash(migrations_copy)
    assert first == migrations_hash(migrations_copy) == migrations_hash(MIGRATIONS)
    cache = migrations_copy / "versions" / "__pycache__"
    cache.mkdir()
    (cache / "0001_initial.cpython-311.pyc").write_bytes(b"\0compiled")
    (migrations_copy / "README").write_text("notes")
    assert migrations_hash(migrations_copy) == first
    initial = migrations_copy / "versions" / "0001_initial.py"
    initial.write_text(initial.read_text() + "\n")
    edited = migrations_hash(migrations_copy)
    assert edited != first
    env = migrations_copy / "env.py"
    env.write_text(env.read_text() + "\n")
    assert migrations_hash(migrations_copy) not in (first, edited)


# --- Pulumi's dynamic-provider serializer ------------------------------------------------

URN = "urn:pulumi:test::aws2openstack-testenv::pulumi-python:dynamic/testenv:SchemaMigration::db"


def load_provider(blob: str) -> SchemaMigrationProvider:
    """What the provider host's ``get_provider`` does with the ``__provider`` property."""
    return _deserialize(lambda: dill.loads(base64.b64decode(blob)))


def test_provider_survives_pulumis_serializer(fresh_database):
    """The provider, pickled as ``pulumi.dynamic.Resource`` does, unpickles and migrates."""
    blob = serialize_provider(SchemaMigrationProvider())
    raw = base64.b64decode(blob)
    assert b"components.schema_migration" in raw
    assert b"postgresql" not in raw
    assert blob == serialize_provider(SchemaMigrationProvider()), "not deterministic"

    provider = load_provider(blob)
    assert type(provider).__name__ == "SchemaMigrationProvider"
    outs = provider.create(migration_inputs(fresh_database, MIGRATIONS)).outs
    assert outs["revision"] == HEAD
    assert provider.diff("id", outs, migration_inputs(fresh_database, MIGRATIONS)).changes is False


def test_pulumis_provider_host_runs_it_in_a_separate_process(fresh_database, tmp_path):
    """``python -m pulumi.dynamic`` (the engine's host) creates and diffs it over gRPC."""
    blob = serialize_provider(SchemaMigrationProvider())
    # A private loop, as the provider host uses: asyncio.run() would unset the current
    # loop that Pulumi's mocks in later tests rely on.
    loop = asyncio.new_event_loop()
    try:
        inputs = loop.run_until_complete(
            rpc.serialize_properties(
                {**migration_inputs(fresh_database, MIGRATIONS), "__provider": blob}, {}
            )
        )
    finally:
        loop.close()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    host = subprocess.Popen(
        [sys.executable, "-m", "pulumi.dynamic"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        port = int(host.stdout.readline() or b"0")
        assert port, host.stderr.read().decode()
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            try:
                created = stub.Create(
                    proto.CreateRequest(urn=URN, properties=inputs),
                    timeout=120,
                    wait_for_ready=True,
                )
                diff = stub.Diff(
                    proto.DiffRequest(id=created.id, urn=URN, olds=created.properties, news=inputs),
                    timeout=60,
                    wait_for_ready=True,
                )
            except grpc.RpcError as err:
                host.kill()
                pytest.fail(
                    f"provider host: {err.code()} {err.details()}\n{host.stderr.read().decode()}"
                )
        outs = rpc.deserialize_properties(created.properties)
        assert outs["revision"] == HEAD == revision_of(fresh_database)
        assert password_of(fresh_database) not in json.dumps(outs) + created.id
        assert diff.changes == proto.DiffResponse.DIFF_NONE
    finally:
        host.kill()
        host.wait()
        host.stdout.close()
        host.stderr.close()
