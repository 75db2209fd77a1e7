"""``alembic upgrade head`` as a Pulumi resource, run once the database container is healthy.

``SchemaMigration`` is a dynamic resource: its provider runs inside the Pulumi engine's
Python provider process, which unpickles the provider from the state. The provider class
holds no state and lives in this importable module, so it is pickled by reference and
the process imports it from the installed project.

- **create / update** wait for the server (bounded retries), run Alembic's ``upgrade head``
  in-process and record the revision the database is at as ``revision``.
- **diff** asks for an update only when the migration scripts change (``migrations_hash``,
  a SHA-256 of ``migrations/env.py`` and ``migrations/versions``) or the database it points
  at does; otherwise a second ``pulumi up`` does not touch the database.
- **delete** does nothing: the schema lives in the container's volume, which the same
  ``pulumi destroy`` removes.

The database URL is a secret input. It is passed to Alembic through ``Config.attributes``
(never an environment variable, file or log line); no output carries it, and every error
message has the password removed. Each revision runs in its own transaction, so a failed
revision leaves the database at the revision before it, and the error names both.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
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

CONNECT_ATTEMPTS = 60
CONNECT_TIMEOUT_SECONDS = 1
_REDACTED = "***"


class MigrationError(RuntimeError):
    """The schema could not be brought to head (the message holds no password)."""


class ServerUnreachable(MigrationError):
    """The server did not accept connections within the bounded retries."""


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
            raise MigrationError(f"the database URL {cls._describe(parsed)} lacks host, "
                                 "user or database")
        return cls(host=parsed.host, port=parsed.port or 5432, user=parsed.username,
                   password=parsed.password or "", database=parsed.database)

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

    @property
    def sqlalchemy_url(self) -> str:
        import sqlalchemy as sa

        url = sa.engine.URL.create("postgresql+psycopg", username=self.user,
                                   password=self.password, host=self.host, port=self.port,
                                   database=self.database)
        return url.render_as_string(hide_password=False)

    def redact(self, text: str) -> str:
        """``text`` with the password (raw or URL-quoted) replaced by ``***``."""
        for secret in {self.password, quote(self.password, safe="")}:
            if secret:
                text = text.replace(secret, _REDACTED)
        return text


def migration_files(migrations_dir: Path) -> list[Path]:
    """``env.py`` and every file under ``versions/`` (compiled caches left out), sorted."""
    versions = sorted(
        path for path in (migrations_dir / "versions").rglob("*")
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


def wait_for_server(
    target: Target,
    attempts: int = CONNECT_ATTEMPTS,
    interval: float = CONNECT_TIMEOUT_SECONDS,
    pause: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Connect until the server answers; return the attempt that succeeded.

    Each attempt waits at most ``interval`` seconds; a refused connection waits out the
    rest of the interval before the next one, so ``attempts`` bounds the total time.
    A rejected password is not retried.
    """
    import psycopg

    last = "no attempt made"
    for attempt in range(1, attempts + 1):
        started = clock()
        try:
            with psycopg.connect(host=target.host, port=target.port, user=target.user,
                                 password=target.password, dbname=target.database,
                                 connect_timeout=max(1, round(interval))):
                return attempt
        except psycopg.OperationalError as err:
            last = target.redact(str(err).strip())
            if "authentication failed" in last:
                raise MigrationError(
                    f"PostgreSQL at {target.address} rejected user {target.user!r}: {last}"
                ) from None
        if attempt < attempts:
            pause(max(0.0, interval - (clock() - started)))
    raise ServerUnreachable(
        f"PostgreSQL at {target.address} (database {target.database!r}) did not accept "
        f"connections after {attempts} attempts over about {attempts * interval:.0f} s; "
        f"last error: {last}"
    )


def alembic_config(script_location: str | Path, target: Target) -> Config:
    """An Alembic ``Config`` for ``script_location`` that carries the URL in memory only."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["url"] = target.sqlalchemy_url
    config.attributes["configure_logger"] = False
    return config


def current_revision(target: Target) -> str | None:
    """The revision in ``alembic_version`` (``None`` for an unmigrated database)."""
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext

    engine = sa.create_engine(target.sqlalchemy_url, poolclass=sa.pool.NullPool)
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


def upgrade_to_head(script_location: str | Path, target: Target) -> str | None:
    """Run ``alembic upgrade head``; return the revision the database is then at."""
    from alembic import command

    config = alembic_config(script_location, target)
    try:
        command.upgrade(config, "head")
    except Exception as err:
        try:
            reached = current_revision(target)
            failed = _revision_after(config, reached)
            state = f"the database stays at revision {reached or 'base (no tables)'}"
        except Exception:
            failed, state = "unknown", "its current revision could not be read"
        detail = target.redact(f"{type(err).__name__}: {err}")
        raise MigrationError(
            f"alembic upgrade head on {target.redacted} failed in revision {failed}; "
            f"{state}. {detail}"
        ) from None
    return current_revision(target)


def _url(props: dict[str, Any]) -> Any:
    # The engine strips secrets for providers that do not accept them (dynamic providers
    # do not), but a wrapped value is unwrapped rather than mistaken for a bad URL.
    return rpc.unwrap_rpc_secret(props.get("database_url"))


def _migrate(props: dict[str, Any]) -> dict[str, Any]:
    target = Target.from_url(_url(props))
    wait_for_server(target)
    revision = upgrade_to_head(props["script_location"], target)
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
        if not location or not (Path(location) / "env.py").is_file():
            failures.append(CheckFailure(
                "script_location", f"{location!r} is not an Alembic directory (no env.py)"))
        url = _url(news)
        if isinstance(url, str) and "://" in url and _redacted_target(url) is None:
            failures.append(CheckFailure("database_url", "not a PostgreSQL URL"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # An unknown URL (a password not yet created at preview) counts as a change.
        target = _redacted_target(_url(news))
        database_changed = target is None or target != olds.get("target")
        scripts_changed = news.get("migrations_hash") != olds.get("migrations_hash")
        return DiffResult(changes=database_changed or scripts_changed, replaces=[], stables=[],
                          delete_before_replace=False)

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
        directory = Path(migrations_dir).resolve()
        super().__init__(
            SchemaMigrationProvider(),
            name,
            {
                "database_url": pulumi.Output.secret(database_url),
                "migrations_hash": migrations_hash(directory),
                "script_location": str(directory),
                "revision": None,
                "target": None,
            },
            opts,
        )

