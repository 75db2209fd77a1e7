"""The Alembic migrations against a real PostgreSQL: up, down, the schema, a failed revision."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import postgresql

from tests.db.conftest import MIGRATIONS, ROOT
from tests.db.revisions import add_revision
from tests.db.schema_spec import SCHEMA, Col

pytestmark = pytest.mark.postgres

ALEMBIC_TABLE = "alembic_version"


def alembic_config(url: str, script_location: Path = MIGRATIONS) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(script_location))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    return config


def engine_for(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                            poolclass=sa.pool.NullPool)


def revision_of(url: str) -> str | None:
    with psycopg.connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()[0]
        if not exists:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def public_tables(url: str) -> set[str]:
    engine = engine_for(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_base_to_head_creates_every_table(fresh_database):
    """``upgrade head`` on an empty database creates the nine tables and records the head."""
    assert public_tables(fresh_database) == set()
    command.upgrade(alembic_config(fresh_database), "head")
    assert public_tables(fresh_database) == set(SCHEMA) | {ALEMBIC_TABLE}
    head = ScriptDirectory.from_config(alembic_config(fresh_database)).get_current_head()
    assert revision_of(fresh_database) == head == "0001_initial"


def test_upgrade_twice_changes_nothing(fresh_database):
    """A second ``upgrade head`` is a no-op (what a second ``pulumi up`` relies on)."""
    config = alembic_config(fresh_database)
    command.upgrade(config, "head")
    with psycopg.connect(fresh_database) as conn:
        conn.execute("INSERT INTO assessments (timestamp, region, aws_account_id, tool_version, "
                     "services) VALUES (now(), 'eu-central-1', '123456789012', '0.1.0', "
                     "ARRAY['glue'])")
    command.upgrade(config, "head")
    with psycopg.connect(fresh_database) as conn:
        assert conn.execute("SELECT count(*) FROM assessments").fetchone()[0] == 1


def test_downgrade_to_base_leaves_no_table(fresh_database):
    """``downgrade base`` drops every table, index and constraint the upgrade made."""
    config = alembic_config(fresh_database)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert public_tables(fresh_database) == {ALEMBIC_TABLE}
    assert revision_of(fresh_database) is None
    with psycopg.connect(fresh_database) as conn:
        leftovers = conn.execute(
            "SELECT relname, relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND relname NOT LIKE 'alembic_version%'"
        ).fetchall()
    assert leftovers == []
    command.upgrade(config, "head")
    assert public_tables(fresh_database) == set(SCHEMA) | {ALEMBIC_TABLE}


def test_there_is_a_single_head():
    """The revision graph has exactly one head, so ``upgrade head`` is unambiguous."""
    script = ScriptDirectory.from_config(alembic_config("postgresql://unused"))
    assert script.get_heads() == ["0001_initial"]
    bases = script.get_bases()
    assert bases == ["0001_initial"]


def _type_name(column: dict) -> str:
    return str(column["type"].compile(dialect=postgresql.dialect()))


def test_migrated_schema_equals_the_design(fresh_database):
    """Columns, types, nullability, defaults, indexes and foreign keys match schema_spec."""
    command.upgrade(alembic_config(fresh_database), "head")
    engine = engine_for(fresh_database)
    try:
        inspector = sa.inspect(engine)
        for table, spec in SCHEMA.items():
            columns = inspector.get_columns(table)
            assert [c["name"] for c in columns] == list(spec.columns), table
            found = {
                c["name"]: Col(_type_name(c), c["nullable"], c["default"]) for c in columns
            }
            for name, expected in spec.columns.items():
                assert found[name] == expected, f"{table}.{name}"

            pk = inspector.get_pk_constraint(table)
            assert pk["constrained_columns"] == ["id"], table
            assert pk["name"] == f"pk_{table}", table

            indexes = inspector.get_indexes(table)
            assert {tuple(i["column_names"]) for i in indexes} == spec.indexes, table
            for index in indexes:
                assert index["name"] == f"ix_{table}_{'_'.join(index['column_names'])}", table
                assert not index["unique"], index["name"]

            fks = inspector.get_foreign_keys(table)
            got = {}
            for fk in fks:
                assert len(fk["constrained_columns"]) == 1 and fk["referred_columns"] == ["id"]
                column = fk["constrained_columns"][0]
                got[column] = (fk["referred_table"], fk["options"].get("ondelete"))
                assert fk["name"] == f"fk_{table}_{column}_{fk['referred_table']}", table
            assert got == spec.foreign_keys, table
    finally:
        engine.dispose()


def test_defaults_and_cascades_work_on_real_rows(fresh_database):
    """Ids and timestamps fill themselves; deleting an assessment removes its children."""
    command.upgrade(alembic_config(fresh_database), "head")
    with psycopg.connect(fresh_database) as conn:
        assessment, status, created = conn.execute(
            "INSERT INTO assessments (timestamp, region, aws_account_id, tool_version, services) "
            "VALUES (now(), 'eu-central-1', '123456789012', '0.1.0', ARRAY['glue','s3']) "
            "RETURNING id, status, created_at").fetchone()
        assert status == "completed" and created is not None
        template, version, active = conn.execute(
            "INSERT INTO mapping_templates (name, source_service, source_type, rules) "
            "VALUES ('t', 'glue', 'table', '{}') RETURNING id, version, is_active").fetchone()
        assert (version, active) == (1, True)
        database = conn.execute(
            "INSERT INTO glue_databases (assessment_id, database_name, table_count) "
            "VALUES (%s, 'test_analytics', 1) RETURNING id", (assessment,)).fetchone()[0]
        conn.execute("INSERT INTO glue_tables (database_id, assessment_id, table_name) "
                     "VALUES (%s, %s, 'sales_data')", (database, assessment))
        job = conn.execute("INSERT INTO migration_jobs (assessment_id, status) VALUES (%s, 'done') "
                           "RETURNING id", (assessment,)).fetchone()[0]
        validated = conn.execute("INSERT INTO validation_results (migration_job_id) VALUES (%s) "
                                 "RETURNING validated_at", (job,)).fetchone()[0]
        assert validated is not None
        conn.execute("INSERT INTO transformation_results (assessment_id, template_id) "
                     "VALUES (%s, %s)", (assessment, template))
        conn.execute("INSERT INTO iam_roles (assessment_id) VALUES (%s)", (assessment,))
        conn.execute("INSERT INTO vpc_resources (assessment_id) VALUES (%s)", (assessment,))
        with pytest.raises(psycopg.errors.NotNullViolation):
            with conn.transaction():
                conn.execute("INSERT INTO glue_databases (assessment_id) VALUES (%s)",
                             (assessment,))

        conn.execute("DELETE FROM mapping_templates WHERE id = %s", (template,))
        kept = conn.execute("SELECT template_id FROM transformation_results").fetchall()
        assert kept == [(None,)]
        conn.execute("DELETE FROM assessments WHERE id = %s", (assessment,))
        for table in SCHEMA:
            if table != "mapping_templates":
                count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                assert count == 0, f"{table} kept rows of a deleted assessment"


def test_failing_revision_leaves_the_previous_revision(fresh_database, migrations_copy):
    """A revision that fails half-way is rolled back whole; the database stays at 0001."""
    add_revision(migrations_copy, "0002_broken",
                 ["CREATE TABLE half_done (id int)", "ALTER TABLE no_such_table ADD COLUMN x int"])
    config = alembic_config(fresh_database, migrations_copy)
    with pytest.raises(sa.exc.ProgrammingError, match="no_such_table"):
        command.upgrade(config, "head")
    assert revision_of(fresh_database) == "0001_initial"
    assert public_tables(fresh_database) == set(SCHEMA) | {ALEMBIC_TABLE}


def test_alembic_cli_from_the_repo_root_reads_database_url(fresh_database):
    """``DATABASE_URL=postgresql://... alembic upgrade head`` works as documented."""
    alembic = Path(sys.executable).with_name("alembic")
    env = {**os.environ, "DATABASE_URL": fresh_database}
    done = subprocess.run([str(alembic), "upgrade", "head"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert revision_of(fresh_database) == "0001_initial"
    password = fresh_database.split(":")[2].split("@")[0]
    assert password not in done.stdout + done.stderr
    current = subprocess.run([str(alembic), "current"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert "0001_initial (head)" in current.stdout


def test_alembic_cli_without_a_url_says_how_to_set_it():
    """No ``DATABASE_URL`` and no ``sqlalchemy.url``: a clear error, nothing else."""
    alembic = Path(sys.executable).with_name("alembic")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run([str(alembic), "upgrade", "head"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "no database URL: set DATABASE_URL=postgresql://" in done.stderr
