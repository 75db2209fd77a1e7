"""A minimal Alembic directory of the kind an aws2openstack checkout has, for the tests.

Its ``env.py`` is the shape Alembic's generic template gives (and aws2openstack uses):
it reads no ``config.attributes``. Where it takes the URL from is the variant:
``template`` copies ``DATABASE_URL`` into ``sqlalchemy.url`` when set, then builds its
engine with ``engine_from_config`` (aws2openstack's own shape); ``ini`` reads
``sqlalchemy.url`` alone; ``env`` reads ``os.environ["DATABASE_URL"]`` alone. Revision ids
are hex, as ``alembic revision`` makes them.
"""

from __future__ import annotations

from pathlib import Path

from tests.db.revisions import write_revision

ENV_PY = """\
import os

from alembic import context
from sqlalchemy import create_engine, engine_from_config, pool

config = context.config
{url_from_env}
target_metadata = None


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    {engine}
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
"""

URL_FROM_ENV = """
database_url = os.getenv("DATABASE_URL")
if database_url:
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
"""
ENGINE_FROM_INI = (
    "connectable = engine_from_config(config.get_section(config.config_ini_section, "
    '{}), prefix="sqlalchemy.", poolclass=pool.NullPool)'
)
ENGINE_FROM_ENV = 'connectable = create_engine(os.environ["DATABASE_URL"], poolclass=pool.NullPool)'
VARIANTS = {
    "template": (URL_FROM_ENV, ENGINE_FROM_INI),
    "ini": ("", ENGINE_FROM_INI),
    "env": ("", ENGINE_FROM_ENV),
}

SCRIPT_MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''

FIRST = "a1f0c2d3e4b5"
SECOND = "b2e1d3c4f5a6"


def make_external_alembic(root: Path, *, variant: str = "template") -> Path:
    """``root/alembic`` with env.py, script.py.mako and two revisions; its path."""
    directory = root / "alembic"
    versions = directory / "versions"
    versions.mkdir(parents=True)
    url_from_env, engine = VARIANTS[variant]
    (directory / "env.py").write_text(ENV_PY.format(url_from_env=url_from_env, engine=engine))
    (directory / "script.py.mako").write_text(SCRIPT_MAKO)
    write_revision(
        versions,
        FIRST,
        None,
        "initial schema",
        ["CREATE TABLE tool_assessments (id serial PRIMARY KEY, region text NOT NULL)"],
        ["DROP TABLE tool_assessments"],
    )
    # The session's bounds, as the migration's connection has them, kept for the test.
    write_revision(
        versions,
        SECOND,
        FIRST,
        "add findings",
        [
            "CREATE TABLE tool_findings (id serial PRIMARY KEY, "
            "assessment_id int NOT NULL REFERENCES tool_assessments(id))",
            "CREATE TABLE session_bounds AS SELECT "
            "current_setting('lock_timeout') AS lock_timeout, "
            "current_setting('statement_timeout') AS statement_timeout, "
            "current_setting('application_name') AS application_name",
        ],
        ["DROP TABLE session_bounds", "DROP TABLE tool_findings"],
    )
    return directory
