"""The suite's own PostgreSQL server: started on 127.0.0.1 with a password, cleaned up."""

from __future__ import annotations

import os
import subprocess
import tempfile

import psycopg
import pytest

from tests.support.postgres import OWNER_FILE, reap_orphans, remove_server, start_server

pytestmark = pytest.mark.postgres


def test_session_role_logs_in_over_tcp_with_its_password_only(postgres_server):
    """The role needs its password on 127.0.0.1, as with the stack's container."""
    with psycopg.connect(postgres_server.url(), connect_timeout=5) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == postgres_server.user
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(postgres_server.url(password="not-the-password"), connect_timeout=5)


def test_a_server_whose_session_died_is_removed_by_the_next_one():
    """A killed session leaves its server running; the next session stops and removes it."""
    server = start_server()
    try:
        gone = subprocess.Popen(["true"])
        gone.wait()
        (server.root / OWNER_FILE).write_text(str(gone.pid))
        reap_orphans(server.bindir, server.run_as)
        assert not server.root.exists()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(server.url(), connect_timeout=2)
    finally:
        remove_server(server)


def test_a_live_sessions_server_is_left_alone(postgres_server):
    """Servers of running sessions (this one included) are not touched."""
    reap_orphans(postgres_server.bindir, postgres_server.run_as)
    with psycopg.connect(postgres_server.url(), connect_timeout=5) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_temporary_folder_closed_to_other_users_still_gets_a_server(tmp_path, monkeypatch):
    """With TMPDIR of mode 0700 (mktemp -d), the server starts where its user can enter."""
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    monkeypatch.setattr(tempfile, "tempdir", str(closed))
    server = start_server()
    try:
        with psycopg.connect(server.url(), connect_timeout=5) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        if os.getuid() == 0:  # the cluster belongs to the postgres user, who cannot enter
            assert closed not in server.root.parents, server.root
    finally:
        remove_server(server)
