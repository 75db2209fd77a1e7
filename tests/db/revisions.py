"""Writes extra Alembic revisions into a copy of ``migrations/`` for the tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import psycopg
from alembic.config import Config
from alembic.script import ScriptDirectory


def head_of(migrations_dir: Path) -> str:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, f"no head in {migrations_dir}"
    return head


def write_revision(
    versions: Path,
    revision: str,
    down: str | None,
    doc: str,
    upgrade: list[str],
    downgrade: list[str],
    filename: str | None = None,
) -> Path:
    """A revision file in ``versions`` as ``alembic revision`` writes one (its docstring
    names the revision and what it revises); each SQL string is one ``op.execute``.
    ``filename`` defaults to ``<revision>_<doc in snake case>.py``."""
    body = "\n".join(f"    op.execute({sql!r})" for sql in upgrade) or "    pass"
    undo = "\n".join(f"    op.execute({sql!r})" for sql in downgrade) or "    pass"
    path = versions / (filename or f"{revision}_{doc.lower().replace(' ', '_')}.py")
    path.write_text(
        textwrap.dedent(f'''\
        """{doc}

        Revision ID: {revision}
        Revises: {down or ""}
        """
        from alembic import op

        revision = {revision!r}
        down_revision = {down!r}
        branch_labels = None
        depends_on = None


        def upgrade() -> None:
        {{body}}


        def downgrade() -> None:
        {{undo}}
        ''').format(body=body, undo=undo)
    )
    return path


def add_revision(
    migrations_dir: Path,
    revision: str,
    upgrade_sql: list[str],
    downgrade_sql: list[str] | None = None,
) -> Path:
    """Append ``revision`` after the current head; each SQL string is one ``op.execute``."""
    return write_revision(
        migrations_dir / "versions",
        revision,
        head_of(migrations_dir),
        f"Test revision {revision}.",
        upgrade_sql,
        downgrade_sql or [],
        filename=f"{revision}.py",
    )


def tables_of(url: str) -> set[str]:
    """The tables of the database's ``public`` schema."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in rows}


def revision_of(url: str) -> str | None:
    """The revision ``alembic_version`` records; None when it holds no row or the table
    does not exist (a database Alembic has not touched)."""
    with psycopg.connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()[0]
        if not exists:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None
