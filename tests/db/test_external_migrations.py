"""``migrationsDir``: the provider runs another project's Alembic directory on a real server.

The directory is made in the test (``tests/db/external_alembic.py``): an ``env.py`` of the
usual kind that knows nothing of this project, and two revisions with hex ids.
"""

from __future__ import annotations

import os

import psycopg
import pytest

from components.schema_migration import (
    SchemaMigrationProvider,
    migration_inputs,
    migrations_hash,
)
from tests.db.external_alembic import SECOND, make_external_alembic
from tests.db.revisions import revision_of, tables_of, write_revision

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("variant", ["template", "ini", "env"])
def test_create_runs_an_external_directory_and_records_its_head(fresh_database, tmp_path, variant):
    """An env.py reading DATABASE_URL and/or sqlalchemy.url migrates to its own head."""
    directory = make_external_alembic(tmp_path, variant=variant)
    outs = SchemaMigrationProvider().create(migration_inputs(fresh_database, directory)).outs
    assert outs["revision"] == SECOND == revision_of(fresh_database)
    assert tables_of(fresh_database) == {
        "alembic_version",
        "tool_assessments",
        "tool_findings",
        "session_bounds",
    }
    assert "glue_tables" not in tables_of(fresh_database), "the bundled migrations ran"
    assert outs["script_location"] == str(directory.resolve())


def test_an_external_env_py_gets_the_bounded_session(fresh_database, tmp_path):
    """The URL it is given carries lock_timeout, statement_timeout and the application name."""
    from components import schema_migration as sm

    directory = make_external_alembic(tmp_path)
    SchemaMigrationProvider().create(migration_inputs(fresh_database, directory))
    with psycopg.connect(fresh_database) as conn:
        row = conn.execute(
            "SELECT extract(epoch FROM lock_timeout::interval), "
            "extract(epoch FROM statement_timeout::interval), application_name "
            "FROM session_bounds"
        ).fetchone()
    assert row == (sm.LOCK_TIMEOUT_SECONDS, sm.STATEMENT_TIMEOUT_SECONDS, sm.APPLICATION_NAME)


def test_database_url_is_set_only_while_the_external_env_py_runs(
    fresh_database, tmp_path, monkeypatch
):
    """A DATABASE_URL of the caller is restored afterwards, and is not the one migrated."""
    directory = make_external_alembic(tmp_path)
    elsewhere = "postgresql://someone:else@127.0.0.1:1/not_this_one"
    monkeypatch.setenv("DATABASE_URL", elsewhere)
    SchemaMigrationProvider().create(migration_inputs(fresh_database, directory))
    assert os.environ["DATABASE_URL"] == elsewhere
    monkeypatch.delenv("DATABASE_URL")
    SchemaMigrationProvider().create(migration_inputs(fresh_database, directory))
    assert "DATABASE_URL" not in os.environ


def test_a_changed_external_directory_is_migrated_again(fresh_database, tmp_path):
    """Same files: no diff; a new revision: a diff, and update reaches and records it."""
    directory = make_external_alembic(tmp_path)
    provider = SchemaMigrationProvider()
    outs = provider.create(migration_inputs(fresh_database, directory)).outs
    assert provider.diff("id", outs, migration_inputs(fresh_database, directory)).changes is False

    write_revision(
        directory / "versions",
        "c3f2e1d4a5b6",
        SECOND,
        "add notes",
        ["ALTER TABLE tool_findings ADD COLUMN notes text"],
        ["ALTER TABLE tool_findings DROP COLUMN notes"],
    )
    news = migration_inputs(fresh_database, directory)
    assert news["migrations_hash"] != outs["migrations_hash"]
    diff = provider.diff("id", outs, news)
    assert diff.changes is True and not diff.replaces
    updated = provider.update("id", outs, news).outs
    assert updated["revision"] == "c3f2e1d4a5b6" == revision_of(fresh_database)
    assert provider.diff("id", updated, news).changes is False


def test_switching_from_an_external_directory_changes_the_hash(tmp_path):
    """The bundled migrations/ and an external directory hash differently (so a switch re-runs)."""
    from tests.db.conftest import MIGRATIONS

    directory = make_external_alembic(tmp_path)
    assert migrations_hash(directory) != migrations_hash(MIGRATIONS)


def test_check_names_what_an_alembic_directory_lacks(tmp_path, fresh_database):
    """``check`` refuses a directory without versions/ (or env.py), naming what is missing."""
    directory = make_external_alembic(tmp_path)
    provider = SchemaMigrationProvider()
    assert provider.check({}, migration_inputs(fresh_database, directory)).failures == []
    for path in (directory / "versions").iterdir():
        path.unlink()
    (directory / "versions").rmdir()
    failures = provider.check({}, {**migration_inputs(fresh_database, directory)}).failures
    assert [(f.property, "no versions/" in f.reason) for f in failures] == [
        ("script_location", True)
    ]
