"""A throwaway PostgreSQL server for the test session, started and removed by the suite.

``initdb`` makes a cluster in a fresh temporary directory (as the ``postgres`` OS user
when the tests run as root: ``initdb`` refuses root; the directory is then made where that
user can enter, ``TMPDIR`` when it can, else ``/tmp`` or its home), ``pg_ctl`` starts it
on a free port of 127.0.0.1 with its unix socket in the same directory, and the session's role
logs in over TCP with a password (scram-sha-256), the way the stack's container is
reached. The superuser is only reachable over the unix socket (trust), for setup.

Fixtures (registered with ``pytest_plugins = ["tests.support.postgres"]``):

- ``postgres_server``: the running server (session scope);
- ``postgres_url``: ``postgresql://user:password@127.0.0.1:<port>/<db>`` of the session
  database (session scope);
- ``fresh_database``: a new, empty database owned by the session role, dropped after
  the test; for tests that change the schema.

The server is stopped and its directory removed when the session ends, failed or not.
A session that is killed outright cannot clean up, so each new session first removes
the servers whose test process (``owner.pid``) no longer runs.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.support.net import free_port

ROLE = "testenv"
ROOT_PREFIX = "testenv-pg-"
OWNER_FILE = "owner.pid"
SESSION_DATABASE = "testenv_session"
PREFERRED_MAJOR = "15"


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the server did not start."""


def server_bindir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl`` (PostgreSQL 15 when there is one)."""
    installed = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates = [p for p in installed if p.parent.name == PREFERRED_MAJOR]
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if found.returncode == 0:
            candidates.append(Path(found.stdout.strip()))
    candidates += installed
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found via pg_config, "
        "/usr/lib/postgresql/*/bin or PATH. Install them (Debian: apt-get install postgresql) "
        "or run scripts/test, which does."
    )


@dataclass
class PostgresServer:
    """A running throwaway cluster and the credentials of its test role."""

    bindir: Path
    root: Path
    port: int
    superuser: str
    user: str
    password: str
    run_as: list[str]

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = SESSION_DATABASE, *, password: str | None = None) -> str:
        """The test role's TCP URL of ``database`` (what ``DATABASE_URL`` looks like)."""
        secret = self.password if password is None else password
        return f"postgresql://{self.user}:{secret}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str = "postgres") -> psycopg.Connection:
        """A superuser connection over the unix socket, in autocommit mode."""
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=self.superuser,
            dbname=database,
            autocommit=True,
        )

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database owned by the test role; return its name."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        with self.admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(self.user)
                )
            )
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.run_as, *args], capture_output=True, text=True, cwd=self.root, timeout=120
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        started = self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        if started.returncode != 0:
            raise PostgresUnavailable(
                f"pg_ctl start failed on port {self.port}: {started.stderr.strip()}\n"
                f"{self.server_log()}"
            )

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-m",
                "immediate",
                "-w",
                "stop",
            )

    def server_log(self) -> str:
        try:
            return self.log_file.read_text()[-4000:]
        except OSError:
            return "(no server log)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cluster_parents(run_as: list[str]) -> list[Path]:
    """Where a cluster's directory may be made, best first: the temporary folder, and when
    the server runs as another user, the folders that user may be able to enter."""
    parents = [Path(tempfile.gettempdir())]
    if run_as:
        parents += [Path("/tmp"), Path(pwd.getpwnam("postgres").pw_dir)]
    return list(dict.fromkeys(parents))


def cluster_parent(run_as: list[str]) -> Path:
    """The first of ``cluster_parents`` that the server's user can enter.

    A ``TMPDIR`` of mode 0700 (``mktemp -d``) is closed to the ``postgres`` user: a cluster
    made there could be neither initialised nor started.
    """
    parents = cluster_parents(run_as)
    for parent in parents:
        entered = subprocess.run(
            [*run_as, "test", "-d", str(parent), "-a", "-x", str(parent)], capture_output=True
        )
        if entered.returncode == 0:
            return parent
    raise PostgresUnavailable(
        f"the server's user cannot enter any of {', '.join(map(str, parents))}: "
        "give it a temporary folder it can reach (export TMPDIR=...)"
    )


def reap_orphans(bindir: Path, run_as: list[str]) -> None:
    """Stop and remove servers whose test process died without its cleanup (a kill, a timeout)."""
    owners = (
        owner
        for parent in cluster_parents(run_as)
        for owner in parent.glob(f"{ROOT_PREFIX}*/{OWNER_FILE}")
    )
    for owner in owners:
        try:
            pid = int(owner.read_text())
        except (OSError, ValueError):
            continue
        if _alive(pid):
            continue
        data = owner.parent / "data"
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                cwd=owner.parent,
                timeout=60,
            )
        shutil.rmtree(owner.parent, ignore_errors=True)


def start_server(attempts: int = 3) -> PostgresServer:
    """Initialise a cluster in a new temporary directory and start it on a free port."""
    bindir = server_bindir()
    run_as = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    reap_orphans(bindir, run_as)
    root = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX, dir=cluster_parent(run_as)))
    (root / OWNER_FILE).write_text(str(os.getpid()))
    superuser = pwd.getpwuid(os.getuid()).pw_name
    if run_as:
        # initdb refuses to run as root: the cluster belongs to the postgres OS user.
        postgres = pwd.getpwnam("postgres")
        os.chown(root, postgres.pw_uid, postgres.pw_gid)
        superuser = "postgres"
    server = PostgresServer(
        bindir=bindir,
        root=root,
        port=0,
        superuser=superuser,
        user=ROLE,
        password=secrets.token_hex(16),
        run_as=run_as,
    )
    try:
        server._run("mkdir", "-m", "700", str(server.socket_dir)).check_returncode()
        made = server._run(
            str(bindir / "initdb"),
            "-D",
            str(server.data_dir),
            "-U",
            superuser,
            "-E",
            "UTF8",
            "--locale=C",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
        )
        if made.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {made.stderr.strip()}")
        for attempt in range(attempts):
            server.port = free_port()
            try:
                server.start()
                break
            except PostgresUnavailable:
                # Another process may have taken the port between the probe and the start.
                if attempt == attempts - 1:
                    raise
        with server.admin() as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(server.user), sql.Literal(server.password)
                )
            )
        server.create_database(SESSION_DATABASE)
    except BaseException:
        remove_server(server)
        raise
    return server


def remove_server(server: PostgresServer) -> None:
    try:
        server.stop()
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own for the whole test session."""
    try:
        server = start_server()
    except PostgresUnavailable as err:
        pytest.fail(str(err), pytrace=False)
    try:
        yield server
    finally:
        remove_server(server)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """The session database's URL (test role, password, 127.0.0.1)."""
    return postgres_server.url()


@pytest.fixture
def fresh_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A new empty database for one test; its URL. Dropped afterwards."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)
