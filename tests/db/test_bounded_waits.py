"""Every wait of the schema migration ends within the bound its message states.

Faults, all on 127.0.0.1: a lock held by another session (on ``alembic_version`` and on a
table a revision alters), a statement that runs too long, a TCP server that accepts and
never answers, and a database that does not exist. The bounds are the module constants
of ``components.schema_migration``, lowered here so that each test takes seconds; each
call runs in a worker thread joined with a limit, so a wait that is not bounded fails
the test instead of hanging the suite.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.config import Config

from components import schema_migration as sm
from tests.db.conftest import MIGRATIONS
from tests.db.revisions import add_revision, revision_of

pytestmark = pytest.mark.postgres

SLACK_SECONDS = 8.0
"""What a lowered bound may be overrun by (thread start, imports, server round trips).

Generous on purpose: a 2-core machine running other suites has added seconds to these
calls. Each lowered bound plus this slack stays at or below the default it replaces
(lock_timeout 10 s, statement_timeout 600 s, connection deadline 60 s), so a wait that
ignored the lowered bound still fails; a lower limit (the wait lasted at least its bound)
is checked too, which load cannot break."""
GUARD_SECONDS = 60.0
"""How long a call may run before the test calls its wait unbounded."""


def run_bounded(call: Callable[[], Any], limit: float = GUARD_SECONDS) -> tuple[Any, float]:
    """``call()``'s result or exception, and its duration; fails if it outlives ``limit``."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = call()
        except BaseException as err:  # handed to the test thread below
            outcome["error"] = err

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(limit)
    elapsed = time.monotonic() - started
    if worker.is_alive():
        pytest.fail(f"still waiting after {limit:.0f} s: this wait has no bound")
    return outcome.get("error", outcome.get("result")), elapsed


def migrate_to(url: str, revision: str, script_location: Path = MIGRATIONS) -> None:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    command.upgrade(config, revision)


@pytest.fixture
def short_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounds of a few seconds, so that a test of a timeout takes seconds."""
    monkeypatch.setattr(sm, "CONNECT_TIMEOUT_SECONDS", 2)
    monkeypatch.setattr(sm, "CONNECT_DEADLINE_SECONDS", 5)
    monkeypatch.setattr(sm, "LOCK_TIMEOUT_SECONDS", 1)
    monkeypatch.setattr(sm, "STATEMENT_TIMEOUT_SECONDS", 2)


@pytest.mark.parametrize(
    ("start", "table", "mode"),
    [
        ("head", "alembic_version", "ACCESS EXCLUSIVE"),
        ("0001_initial", "glue_tables", "ACCESS SHARE"),
    ],
    ids=["alembic_version", "altered_table"],
)
def test_a_lock_held_by_another_session_fails_within_lock_timeout(
    fresh_database, short_bounds, start, table, mode
):
    """The migration gives up after lock_timeout, naming the lock wait and the bound."""
    migrate_to(fresh_database, start)
    holder = psycopg.connect(fresh_database)
    try:
        # The server ends the holder's transaction by itself should the test die here.
        holder.execute("SET idle_in_transaction_session_timeout = '60s'")
        holder.execute(f"LOCK TABLE {table} IN {mode} MODE")
        failure, elapsed = run_bounded(
            lambda: sm.SchemaMigrationProvider().create(
                sm.migration_inputs(fresh_database, MIGRATIONS)
            )
        )
    finally:
        holder.close()
    assert isinstance(failure, sm.LockWaitTimeout), failure
    message = str(failure)
    assert "after waiting 1 s (lock_timeout) for a lock that another session holds" in message
    assert "pg_stat_activity" in message and "pg_terminate_backend" in message
    # The lock wait, then at most the short wait of the read that names the revision.
    assert 1 <= elapsed <= 1 + sm.STATE_READ_LOCK_TIMEOUT_SECONDS + SLACK_SECONDS, elapsed
    assert revision_of(fresh_database) == start.replace("head", "0002_not_null_parity")


def test_a_statement_longer_than_statement_timeout_is_cancelled(
    fresh_database, short_bounds, migrations_copy
):
    """A revision statement that runs past statement_timeout fails, naming the bound."""
    add_revision(migrations_copy, "0003_slow", ["SELECT pg_sleep(30)"])
    failure, elapsed = run_bounded(
        lambda: sm.SchemaMigrationProvider().create(
            sm.migration_inputs(fresh_database, migrations_copy)
        )
    )
    assert isinstance(failure, sm.StatementTimeout), failure
    message = str(failure)
    assert "cancelled a statement of revision 0003_slow" in message
    assert "after 2 s (statement_timeout)" in message
    assert "stays at revision 0002_not_null_parity" in message
    assert 2 <= elapsed <= 2 + SLACK_SECONDS, elapsed


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts every connection and never sends a byte."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for conn in accepted:
            conn.close()
        listener.close()


def test_a_server_that_accepts_and_never_answers_fails_within_the_stated_deadline(
    postgres_server, short_bounds, silent_server
):
    """The error comes within the connection deadline, and the elapsed time it states is true."""
    url = postgres_server.url().replace(f":{postgres_server.port}/", f":{silent_server}/")
    failure, elapsed = run_bounded(
        lambda: sm.SchemaMigrationProvider().create(sm.migration_inputs(url, MIGRATIONS))
    )
    assert isinstance(failure, sm.ServerUnreachable), failure
    message = str(failure)
    stated_bound = float(
        re.search(r"within the (\d+(?:\.\d+)?) s connection deadline", message).group(1)
    )
    stated_elapsed = float(re.search(r"attempt\(s\) over (\d+\.\d) s", message).group(1))
    assert stated_bound == 5
    assert elapsed <= stated_bound + SLACK_SECONDS
    # True by order, whatever the load: at least one attempt waited its whole
    # connect_timeout, no longer than the deadline, within what the test measured around
    # the call (the message rounds to 0.1 s).
    assert 2 <= stated_elapsed <= stated_bound, stated_elapsed
    assert stated_elapsed <= elapsed + 0.05, (stated_elapsed, elapsed)
    assert "connect_timeout = 2 s" in message and f"127.0.0.1:{silent_server}" in message


def test_a_database_that_does_not_exist_fails_at_once_without_retrying(
    postgres_server, monkeypatch
):
    """SQLSTATE 3D000 is permanent: one attempt, no pause, the fix in the message."""
    target = sm.Target.from_url(postgres_server.url("no_such_database"))
    pauses: list[float] = []
    failure, elapsed = run_bounded(lambda: sm.wait_for_server(target, pause=pauses.append))
    assert isinstance(failure, sm.ConnectionRefused), failure
    assert pauses == [], "a permanent refusal was retried"
    message = str(failure)
    assert "database 'no_such_database'" in message and "3D000, permanent, not retried" in message
    assert "postgresDatabase" in message
    assert elapsed < SLACK_SECONDS

    # The provider's own wait, its pauses recorded (and still taken) on the way.
    real_wait = sm.wait_for_server

    def recorded_wait(target: sm.Target, bounds: sm.Bounds | None = None) -> int:
        return real_wait(target, bounds, pause=lambda s: pauses.append(s) or time.sleep(s))

    monkeypatch.setattr(sm, "wait_for_server", recorded_wait)
    created, elapsed = run_bounded(
        lambda: sm.SchemaMigrationProvider().create(
            sm.migration_inputs(postgres_server.url("nope"), MIGRATIONS)
        )
    )
    assert isinstance(created, sm.ConnectionRefused), created
    assert pauses == [], "the provider retried a permanent refusal"
    assert elapsed < SLACK_SECONDS
