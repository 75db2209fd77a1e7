"""Alembic environment of the aws2openstack results database.

The URL is taken, in this order, from ``config.attributes["url"]`` (how the stack's
migration resource passes it, so it never sits in a file or the environment), the
``sqlalchemy.url`` option, or ``DATABASE_URL``. ``postgresql://`` and ``postgres://``
URLs (what aws2openstack and psql use) are run with the psycopg 3 driver.

Each revision runs in its own transaction: when one fails, the ones before it stay
applied and ``alembic_version`` names the last good revision.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context

config = context.config

if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# No ORM models live here; the metadata carries the naming convention, which Alembic
# applies to every constraint a revision leaves unnamed.
target_metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class MissingDatabaseUrl(RuntimeError):
    """No URL was given to migrate."""


def sqlalchemy_url(url: str) -> str:
    """``url`` with the psycopg 3 driver when it names none."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def configured_url() -> str | None:
    return (
        config.attributes.get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("DATABASE_URL")
    )


def database_url() -> str:
    url = configured_url()
    if not url:
        raise MissingDatabaseUrl(
            "no database URL: set DATABASE_URL=postgresql://USER:PASSWORD@127.0.0.1:PORT/DB "
            "(for the stack's database: "
            "DATABASE_URL=$(pulumi stack output --show-secrets DATABASE_URL))"
        )
    return sqlalchemy_url(url)


def run_migrations_offline() -> None:
    """Write the SQL to stdout (``alembic upgrade head --sql``) without connecting."""
    context.configure(
        url=sqlalchemy_url(configured_url() or "postgresql://"),
        target_metadata=target_metadata,
        literal_binds=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = sa.create_engine(database_url(), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                transaction_per_migration=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
