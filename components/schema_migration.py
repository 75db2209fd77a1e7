"""``alembic upgrade head`` as a Pulumi resource, run once the database container is healthy.

``SchemaMigration`` is a dynamic resource: its provider runs inside the Pulumi engine's
Python provider process, which unpickles the provider from the state. The provider class
holds no state and lives in this importable module, so it is pickled by reference and
the process imports it from the installed project.

- **create / update** wait for the server, run Alembic's ``upgrade head`` in-process and
  record the revision the database is at as ``revision``.
- **diff** asks for an update only when the migration scripts change (``migrations_hash``,
  a SHA-256 of the directory's ``env.py`` and ``versions/``) or the database it points
  at does; otherwise a second ``pulumi up`` does not touch the database.
- **delete** does nothing: the schema lives in the container's volume, which the same
  ``pulumi destroy`` removes.

Every wait is bounded, by the constants below, and each error states the bound it hit:
the connection attempts together by ``CONNECT_DEADLINE_SECONDS`` (each by
``CONNECT_TIMEOUT_SECONDS``), a lock held by another session by ``LOCK_TIMEOUT_SECONDS``,
one statement by ``STATEMENT_TIMEOUT_SECONDS``. A refusal that retrying cannot change (no
such database, a rejected password or user) fails at the first attempt.

The scripts are the bundled ``migrations/`` or, with config ``migrationsDir``, another
checkout's Alembic directory. The database URL is a secret input. The bundled ``env.py``
takes it from ``Config.attributes`` (never an environment variable, file or log line);
another directory's ``env.py`` gets it as ``sqlalchemy.url`` and, while it runs in this
process, as ``DATABASE_URL``. No output carries it, and every error message has the
password removed. Each revision runs in its own transaction, so a failed revision leaves
the database at the revision before it, and the error names both.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.runtime import rpc

if TYPE_CHECKING:
    from alembic.config import Config

# psycopg, SQLAlchemy and Alembic are imported where they are used: the program only
# declares this resource (and hashes the scripts), which none of them is needed for;
# importing them would cost every `pulumi up` and preview most of a second. The engine's
# provider process, which runs the migration, imports them on its first call.

BUNDLED_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# Every wait of the migration is bounded by one of these; the errors and docs/database.md
# state them. They are read when a migration runs (``Bounds.current()``), so tests lower
# them by patching the module.
CONNECT_TIMEOUT_SECONDS = 5
"""Bound of one connection attempt (libpq ``connect_timeout``)."""
CONNECT_DEADLINE_SECONDS = 60
"""Bound of all connection attempts together, pauses included."""
RETRY_PAUSE_SECONDS = 1.0
"""Least time from the start of one attempt to the start of the next."""
LOCK_TIMEOUT_SECONDS = 10
"""Bound of one wait for a lock that another session holds (``lock_timeout``)."""
STATEMENT_TIMEOUT_SECONDS = 600
"""Bound of one SQL statement of a revision (``statement_timeout``)."""
MIN_CONNECT_TIMEOUT_SECONDS = 2
"""libpq treats a ``connect_timeout`` below 2 as 2, so no attempt is bounded tighter."""
STATE_READ_LOCK_TIMEOUT_SECONDS = 1
"""Bound of the lock wait when reading the revision after a failure (for the message only)."""
APPLICATION_NAME = "aws2openstack-testenv-migration"
"""How the migration's session shows in ``pg_stat_activity``."""

_REDACTED = "***"
_LOCK_NOT_AVAILABLE = "55P03"
_QUERY_CANCELED = "57014"


class MigrationError(RuntimeError):
    """The schema could not be brought to head (the message holds no password)."""


class ServerUnreachable(MigrationError):
    """The server did not accept a connection before the connection deadline."""


class ConnectionRefused(MigrationError):
    """The server answered and refused for a reason that retrying cannot change."""


class LockWaitTimeout(MigrationError):
    """A revision waited longer than ``lock_timeout`` for a lock another session holds."""


class StatementTimeout(MigrationError):
    """A statement of a revision ran longer than ``statement_timeout``."""


@dataclass(frozen=True)
class Bounds:
    """The time bounds of one migration run, in seconds."""

    connect_timeout: int
    connect_deadline: float
    retry_pause: float
    lock_timeout: float
    statement_timeout: float

    def __post_init__(self) -> None:
        if self.connect_timeout < MIN_CONNECT_TIMEOUT_SECONDS:
            raise ValueError(f"connect_timeout must be at least {MIN_CONNECT_TIMEOUT_SECONDS} s")
        if self.connect_deadline < self.connect_timeout:
            raise ValueError("the connection deadline must be at least one connect_timeout")
        if min(self.lock_timeout, self.statement_timeout) <= 0:
            raise ValueError("lock_timeout and statement_timeout must be positive")

    @classmethod
    def current(cls) -> Bounds:
        """The module's bounds as they are now."""
        return cls(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            connect_deadline=CONNECT_DEADLINE_SECONDS,
            retry_pause=RETRY_PAUSE_SECONDS,
            lock_timeout=LOCK_TIMEOUT_SECONDS,
            statement_timeout=STATEMENT_TIMEOUT_SECONDS,
        )


# Connection errors carry no SQLSTATE in psycopg (libpq gives only the text), so the
# server's messages for each permanent refusal are matched instead.
_PERMANENT_REFUSALS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "3D000",
        re.compile(r'database "[^"]*" does not exist'),
        "the database does not exist on this server. The image creates it only when it "
        "initialises an empty volume, so a volume made with another postgresDatabase keeps "
        "the old name: set postgresDatabase back (pulumi config get postgresDatabase), or "
        "remove the volume (pulumi destroy) and run pulumi up again",
    ),
    (
        "28P01",
        re.compile(r"password authentication failed"),
        "the password does not match. The image sets it only when it initialises an empty "
        "volume, so a volume made by an earlier stack keeps the old one: remove the volume "
        "(pulumi destroy, or docker volume rm aws2openstack-<env>-pgdata with the container "
        "stopped) and run pulumi up again",
    ),
    (
        "28000",
        re.compile(
            r'role "[^"]*" does not exist|no pg_hba\.conf entry|'
            r"is not permitted to log in"
        ),
        "the server does not let this user log in. A volume made with another postgresUser "
        "keeps the old user: set postgresUser back, or remove the volume (pulumi destroy) and "
        "run pulumi up again",
    ),
    (
        "42501",
        re.compile(r"permission denied for database"),
        "the user may not connect to this database: GRANT CONNECT ON DATABASE to it, or "
        "remove the volume (pulumi destroy) and run pulumi up again",
    ),
)


def permanent_refusal(message: str) -> tuple[str, str] | None:
    """``(SQLSTATE, what to do)`` when ``message`` is a refusal that retrying cannot fix."""
    for sqlstate, pattern, fix in _PERMANENT_REFUSALS:
        if pattern.search(message):
            return sqlstate, fix
    return None


@dataclass(frozen=True)
class Target:
    """Where a database URL points, and how to write it without its password."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def from_url(cls, url: str) -> Target:
        import sqlalchemy as sa

        try:
            parsed = sa.engine.make_url(url)
        except Exception:
            raise MigrationError("the database URL is not a valid URL") from None
        if not parsed.drivername.startswith(("postgresql", "postgres")):
            raise MigrationError(f"not a PostgreSQL URL (scheme {parsed.drivername!r})")
        if not (parsed.host and parsed.username and parsed.database):
            raise MigrationError(
                f"the database URL {cls._describe(parsed)} lacks host, user or database"
            )
        return cls(
            host=parsed.host,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password or "",
            database=parsed.database,
        )

    @staticmethod
    def _describe(parsed: Any) -> str:
        return parsed.render_as_string(hide_password=True)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def redacted(self) -> str:
        """``postgresql://user@host:port/db``: safe to print, store and compare."""
        return f"postgresql://{self.user}@{self.address}/{self.database}"

    def _url(self, query: dict[str, str] | None = None) -> str:
        import sqlalchemy as sa

        url = sa.engine.URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=self.password,
            host=self.host,
            port=self.port,
            database=self.database,
            query=query or {},
        )
        return url.render_as_string(hide_password=False)

    @property
    def sqlalchemy_url(self) -> str:
        return self._url()

    def bounded_url(self, bounds: Bounds, lock_timeout: float | None = None) -> str:
        """The psycopg 3 URL whose every session carries the timeouts of ``bounds``.

        The timeouts travel in the URL's query (``connect_timeout``, and ``options`` with
        ``lock_timeout`` and ``statement_timeout`` in milliseconds), so any ``env.py`` that
        builds its engine from the URL it is given gets them.
        """
        lock_ms = round((bounds.lock_timeout if lock_timeout is None else lock_timeout) * 1000)
        statement_ms = round(bounds.statement_timeout * 1000)
        return self._url(
            {
                "connect_timeout": str(bounds.connect_timeout),
                "options": f"-c lock_timeout={lock_ms} -c statement_timeout={statement_ms}",
                "application_name": APPLICATION_NAME,
            }
        )

    def redact(self, text: str) -> str:
        """``text`` with the password (raw or URL-quoted) replaced by ``***``."""
        for secret in {self.password, quote(self.password, safe="")}:
            if secret:
                text = text.replace(secret, _REDACTED)
        return text


def alembic_directory_problem(directory: Path) -> str | None:
    """What keeps ``directory`` from being an Alembic script directory, or ``None``."""
    if not directory.is_dir():
        return "no such directory"
    missing = [
        name
        for name, present in (
            ("env.py", (directory / "env.py").is_file()),
            ("versions/", (directory / "versions").is_dir()),
        )
        if not present
    ]
    return f"no {' and no '.join(missing)}" if missing else None


def migration_files(migrations_dir: Path) -> list[Path]:
    """``env.py`` and every file under ``versions/`` (compiled caches left out), sorted."""
    versions = sorted(
        path
        for path in (migrations_dir / "versions").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )
    return [migrations_dir / "env.py", *versions]


def migrations_hash(migrations_dir: str | Path) -> str:
    """SHA-256 over the relative path and bytes of each migration file."""
    directory = Path(migrations_dir)
    digest = hashlib.sha256()
    for path in migration_files(directory):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def migration_inputs(database_url: Any, migrations_dir: str | Path) -> dict[str, Any]:
    """What the provider migrates with: the database URL, the scripts' folder and their hash."""
    directory = Path(migrations_dir).resolve()
    return {
        "database_url": database_url,
        "migrations_hash": migrations_hash(directory),
        "script_location": str(directory),
    }


def wait_for_server(
    target: Target,
    bounds: Bounds | None = None,
    pause: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Connect until the server answers; return the attempt that succeeded.

    Each attempt waits at most ``connect_timeout`` (never past the deadline), and a new
    attempt starts only while a whole attempt still fits before ``connect_deadline``, so
    the wait ends within the deadline. A refusal that retrying cannot change (no such
    database, a rejected password or user) fails at the first attempt.
    """
    import psycopg

    bounds = bounds or Bounds.current()
    started = clock()
    deadline = started + bounds.connect_deadline
    attempt = 0
    last = "no attempt made"
    while attempt == 0 or deadline - clock() >= MIN_CONNECT_TIMEOUT_SECONDS:
        attempt += 1
        attempt_started = clock()
        timeout = max(
            MIN_CONNECT_TIMEOUT_SECONDS,
            min(bounds.connect_timeout, int(deadline - attempt_started)),
        )
        try:
            with psycopg.connect(
                host=target.host,
                port=target.port,
                user=target.user,
                password=target.password,
                dbname=target.database,
                connect_timeout=timeout,
                application_name=APPLICATION_NAME,
            ):
                return attempt
        except psycopg.OperationalError as err:
            last = target.redact(" ".join(str(err).split()))
            refusal = permanent_refusal(last)
            if refusal is not None:
                sqlstate, fix = refusal
                raise ConnectionRefused(
                    f"PostgreSQL at {target.address} refused user {target.user!r} on "
                    f"database {target.database!r} (SQLSTATE {sqlstate}, permanent, not "
                    f"retried): {last}. Fix: {fix}"
                ) from None
        rest = min(bounds.retry_pause - (clock() - attempt_started), deadline - clock())
        if rest > 0:
            pause(rest)
    elapsed = clock() - started
    raise ServerUnreachable(
        f"PostgreSQL at {target.address} (database {target.database!r}) did not accept a "
        f"connection within the {bounds.connect_deadline:g} s connection deadline: "
        f"{attempt} attempt(s) over {elapsed:.1f} s, each bounded by connect_timeout = "
        f"{bounds.connect_timeout} s; last error: {last}"
    )


def is_bundled(script_location: str | Path) -> bool:
    """Whether ``script_location`` is this project's own ``migrations/``."""
    return Path(script_location).resolve() == BUNDLED_MIGRATIONS


def alembic_config(script_location: str | Path, url: str) -> Config:
    """An Alembic ``Config`` for ``script_location`` that carries ``url`` in memory.

    The bundled ``env.py`` reads ``attributes["url"]``; another directory's ``env.py``
    (an aws2openstack checkout) commonly reads ``sqlalchemy.url``, which is set too.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    if not is_bundled(script_location):
        # ConfigParser interpolates '%': the URL's quoted characters must be doubled.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def database_url_env(script_location: str | Path, url: str) -> Iterator[None]:
    """``DATABASE_URL`` set to ``url`` while an external ``env.py`` runs, then restored.

    Alembic runs in this process, so the variable is seen by that ``env.py`` only and by
    no child process; the bundled ``env.py`` does not need it and does not get it.
    """
    if is_bundled(script_location):
        yield
        return
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before


def current_revision(
    target: Target, bounds: Bounds | None = None, lock_timeout: float | None = None
) -> str | None:
    """The revision in ``alembic_version`` (``None`` for an unmigrated database)."""
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext

    url = target.bounded_url(bounds or Bounds.current(), lock_timeout)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _revision_after(config: Config, current: str | None) -> str:
    """The revision that ``upgrade`` applies after ``current``, with its message."""
    from alembic.script import ScriptDirectory

    for script in ScriptDirectory.from_config(config).walk_revisions():
        down = script.down_revision
        if current in (down if isinstance(down, tuple) else (down,)):
            return f"{script.revision} ({script.doc})" if script.doc else script.revision
    return "unknown"


def _sqlstate(err: BaseException) -> str | None:
    """The SQLSTATE of the database error behind ``err`` (through SQLAlchemy's wrapper)."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(getattr(current, "orig", None), "sqlstate", None)
        state = state or getattr(current, "sqlstate", None)
        if state:
            return state
        current = current.__cause__ or current.__context__
    return None


def upgrade_to_head(
    script_location: str | Path, target: Target, bounds: Bounds | None = None
) -> str | None:
    """Run ``alembic upgrade head``; return the revision the database is then at."""
    from alembic import command

    bounds = bounds or Bounds.current()
    config = alembic_config(script_location, target.bounded_url(bounds))
    try:
        with database_url_env(script_location, target.bounded_url(bounds)):
            command.upgrade(config, "head")
    except Exception as err:
        try:
            # Only for the message: a short lock wait, as the lock may still be held.
            reached = current_revision(target, bounds, STATE_READ_LOCK_TIMEOUT_SECONDS)
            failed = _revision_after(config, reached)
            state = f"the database stays at revision {reached or 'base (no tables)'}"
        except Exception:
            failed, state = "unknown", "its current revision could not be read"
        detail = target.redact(f"{type(err).__name__}: {err}")
        sqlstate = _sqlstate(err)
        where = f"alembic upgrade head on {target.redacted}"
        if sqlstate == _LOCK_NOT_AVAILABLE:
            raise LockWaitTimeout(
                f"{where} gave up in revision {failed} after waiting {bounds.lock_timeout:g} s "
                f"(lock_timeout) for a lock that another session holds on a table it changes "
                f"or on alembic_version; {state}. Fix: find that session with psql "
                f'"$DATABASE_URL" -c "SELECT pid, state, xact_start, query FROM '
                f"pg_stat_activity WHERE datname = '{target.database}' AND pid <> "
                f'pg_backend_pid()", let it finish or end it (SELECT '
                f"pg_terminate_backend(<pid>)), then run pulumi up again. {detail}"
            ) from None
        if sqlstate == _QUERY_CANCELED:
            raise StatementTimeout(
                f"{where} cancelled a statement of revision {failed} after "
                f"{bounds.statement_timeout:g} s (statement_timeout); {state}. Fix: make the "
                f"revision cheaper (batch large updates), or run it once by hand without "
                f"the bound (DATABASE_URL=... uv run alembic upgrade head), then run pulumi "
                f"up again. {detail}"
            ) from None
        raise MigrationError(f"{where} failed in revision {failed}; {state}. {detail}") from None
    return current_revision(target, bounds)


def _url(props: dict[str, Any]) -> Any:
    # The engine strips secrets for providers that do not accept them (dynamic providers
    # do not), but a wrapped value is unwrapped rather than mistaken for a bad URL.
    return rpc.unwrap_rpc_secret(props.get("database_url"))


def _migrate(props: dict[str, Any]) -> dict[str, Any]:
    target = Target.from_url(_url(props))
    bounds = Bounds.current()
    wait_for_server(target, bounds)
    revision = upgrade_to_head(props["script_location"], target, bounds)
    return {
        "revision": revision,
        "migrations_hash": props["migrations_hash"],
        "script_location": props["script_location"],
        "target": target.redacted,
    }


def _redacted_target(url: Any) -> str | None:
    try:
        return Target.from_url(url).redacted if isinstance(url, str) else None
    except MigrationError:
        return None


class SchemaMigrationProvider(ResourceProvider):
    """Create, diff and update of ``SchemaMigration`` (see the module docstring)."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        location = news.get("script_location")
        problem = alembic_directory_problem(Path(location)) if location else "no directory"
        if problem:
            failures.append(
                CheckFailure(
                    "script_location", f"{location!r} is not an Alembic directory ({problem})"
                )
            )
        url = _url(news)
        if isinstance(url, str) and "://" in url and _redacted_target(url) is None:
            failures.append(CheckFailure("database_url", "not a PostgreSQL URL"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # An unknown URL (a password not yet created at preview) counts as a change.
        target = _redacted_target(_url(news))
        database_changed = target is None or target != olds.get("target")
        scripts_changed = news.get("migrations_hash") != olds.get("migrations_hash")
        return DiffResult(
            changes=database_changed or scripts_changed,
            replaces=[],
            stables=[],
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = _migrate(props)
        return CreateResult(id_=outs["target"], outs=outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=_migrate(news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to undo: the schema goes with the container's volume on destroy."""


class SchemaMigration(pulumi.dynamic.Resource, module="testenv", name="SchemaMigration"):
    """The database at Alembic head; ``revision`` is the head it reached."""

    revision: pulumi.Output[str]
    migrations_hash: pulumi.Output[str]
    target: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        database_url: pulumi.Input[str],
        migrations_dir: str | Path,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            SchemaMigrationProvider(),
            name,
            {
                **migration_inputs(pulumi.Output.secret(database_url), migrations_dir),
                "revision": None,
                "target": None,
            },
            opts,
        )
