"""The Alembic migrations against a real PostgreSQL: up, down, the schema, a failed revision."""

from __future__ import annotations

import contextlib
import io
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
from tests.db.revisions import add_revision, revision_of
from tests.db.schema_spec import NOT_NULL_SINCE_0002, SCHEMA, Col

pytestmark = pytest.mark.postgres

ALEMBIC_TABLE = "alembic_version"
HEAD = "0002_not_null_parity"
INITIAL = "0001_initial"


def alembic_config(url: str, script_location: Path = MIGRATIONS) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(script_location))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    return config


def engine_for(url: str) -> sa.Engine:
    return sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=sa.pool.NullPool
    )


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
    assert revision_of(fresh_database) == head == HEAD


def test_upgrade_twice_changes_nothing(fresh_database):
    """A second ``upgrade head`` is a no-op (what a second ``pulumi up`` relies on)."""
    config = alembic_config(fresh_database)
    command.upgrade(config, "head")
    with psycopg.connect(fresh_database) as conn:
        conn.execute(
            "INSERT INTO assessments (timestamp, region, aws_account_id, tool_version, "
            "services) VALUES (now(), 'eu-central-1', '123456789012', '0.1.0', "
            "ARRAY['glue'])"
        )
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
    assert script.get_heads() == [HEAD]
    assert script.get_bases() == [INITIAL]
    assert [s.revision for s in script.walk_revisions()] == [HEAD, INITIAL]


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
            found = {c["name"]: Col(_type_name(c), c["nullable"], c["default"]) for c in columns}
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


def insert_required_rows(
    conn: psycopg.Connection, assessment: object, database: object, template: object | None = None
) -> None:
    """One row in each child table with every NOT NULL column filled."""
    conn.execute(
        "INSERT INTO glue_tables (database_id, assessment_id, table_name, table_format, "
        "storage_location, column_count, is_iceberg, migration_readiness) "
        "VALUES (%s, %s, 'sales_data', 'PARQUET', 's3://b/sales_data/', 6, false, "
        "'NEEDS_CONVERSION')",
        (database, assessment),
    )
    job = conn.execute(
        "INSERT INTO migration_jobs (assessment_id, resource_type, resource_id, "
        "job_type, status) VALUES (%s, 'glue_table', gen_random_uuid(), 'copy', "
        "'done') RETURNING id",
        (assessment,),
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO validation_results (migration_job_id, validation_type, status) "
        "VALUES (%s, 'row_count', 'passed')",
        (job,),
    )
    conn.execute(
        "INSERT INTO transformation_results (assessment_id, template_id, "
        "terraform_output_path, target_catalog_type, status) "
        "VALUES (%s, %s, 'out/main.tf', 'nessie', 'done')",
        (assessment, template),
    )
    conn.execute(
        "INSERT INTO iam_roles (assessment_id, role_name, role_arn) VALUES "
        "(%s, 'glue-role', 'arn:aws:iam::123456789012:role/glue-role')",
        (assessment,),
    )
    conn.execute(
        "INSERT INTO vpc_resources (assessment_id, vpc_id) VALUES (%s, 'vpc-0a1b')", (assessment,)
    )


def insert_assessment(conn: psycopg.Connection) -> tuple[object, object]:
    """An assessment and one Glue database of it; their ids."""
    assessment = conn.execute(
        "INSERT INTO assessments (timestamp, region, aws_account_id, tool_version, services) "
        "VALUES (now(), 'eu-central-1', '123456789012', '0.1.0', ARRAY['glue']) "
        "RETURNING id"
    ).fetchone()[0]
    database = conn.execute(
        "INSERT INTO glue_databases (assessment_id, database_name, table_count) "
        "VALUES (%s, 'test_analytics', 1) RETURNING id",
        (assessment,),
    ).fetchone()[0]
    return assessment, database


def test_defaults_and_cascades_work_on_real_rows(fresh_database):
    """Ids and timestamps fill themselves; deleting an assessment removes its children."""
    command.upgrade(alembic_config(fresh_database), "head")
    with psycopg.connect(fresh_database) as conn:
        assessment, status, created = conn.execute(
            "INSERT INTO assessments (timestamp, region, aws_account_id, tool_version, services) "
            "VALUES (now(), 'eu-central-1', '123456789012', '0.1.0', ARRAY['glue','s3']) "
            "RETURNING id, status, created_at"
        ).fetchone()
        assert status == "completed" and created is not None
        template, version, active = conn.execute(
            "INSERT INTO mapping_templates (name, source_service, source_type, rules) "
            "VALUES ('t', 'glue', 'table', '{}') RETURNING id, version, is_active"
        ).fetchone()
        assert (version, active) == (1, True)
        database = conn.execute(
            "INSERT INTO glue_databases (assessment_id, database_name, table_count) "
            "VALUES (%s, 'test_analytics', 1) RETURNING id",
            (assessment,),
        ).fetchone()[0]
        insert_required_rows(conn, assessment, database, template)
        validated = conn.execute("SELECT validated_at FROM validation_results").fetchone()[0]
        assert validated is not None
        with pytest.raises(psycopg.errors.NotNullViolation):
            with conn.transaction():
                conn.execute(
                    "INSERT INTO glue_databases (assessment_id) VALUES (%s)", (assessment,)
                )

        conn.execute("DELETE FROM mapping_templates WHERE id = %s", (template,))
        kept = conn.execute("SELECT template_id FROM transformation_results").fetchall()
        assert kept == [(None,)]
        conn.execute("DELETE FROM assessments WHERE id = %s", (assessment,))
        for table in SCHEMA:
            if table != "mapping_templates":
                count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                assert count == 0, f"{table} kept rows of a deleted assessment"


def test_failing_revision_leaves_the_previous_revision(fresh_database, migrations_copy):
    """A revision that fails half-way is rolled back whole; the database stays at head."""
    add_revision(
        migrations_copy,
        "0003_broken",
        ["CREATE TABLE half_done (id int)", "ALTER TABLE no_such_table ADD COLUMN x int"],
    )
    config = alembic_config(fresh_database, migrations_copy)
    with pytest.raises(sa.exc.ProgrammingError, match="no_such_table"):
        command.upgrade(config, "head")
    assert revision_of(fresh_database) == HEAD
    assert public_tables(fresh_database) == set(SCHEMA) | {ALEMBIC_TABLE}


def alembic_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The venv's ``alembic`` command run from the repository root."""
    alembic = Path(sys.executable).with_name("alembic")
    return subprocess.run(
        [str(alembic), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_alembic_cli_from_the_repo_root_reads_database_url(fresh_database):
    """``DATABASE_URL=postgresql://... alembic upgrade head`` works as documented."""
    env = {**os.environ, "DATABASE_URL": fresh_database}
    done = alembic_cli("upgrade", "head", env=env)
    assert done.returncode == 0, done.stderr
    assert revision_of(fresh_database) == HEAD
    password = fresh_database.split(":")[2].split("@")[0]
    assert password not in done.stdout + done.stderr
    current = alembic_cli("current", env=env)
    assert f"{HEAD} (head)" in current.stdout


def test_alembic_cli_without_a_url_says_how_to_set_it():
    """No ``DATABASE_URL`` and no ``sqlalchemy.url``: a clear error, nothing else."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = alembic_cli("upgrade", "head", env=env)
    assert done.returncode != 0
    assert "no database URL: set DATABASE_URL=postgresql://" in done.stderr


# --- 0002_not_null_parity: aws2openstack's nullability -----------------------------------


def catalog_schema(url: str) -> dict[str, list[tuple]]:
    """The public schema as PostgreSQL's catalog states it: columns, constraints, indexes."""
    with psycopg.connect(url) as conn:
        columns = conn.execute(
            "SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), "
            "a.attnotnull, pg_get_expr(d.adbin, d.adrelid) "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 "
            "AND NOT a.attisdropped ORDER BY 1, 2"
        ).fetchall()
        constraints = conn.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
            "ORDER BY 1, 2"
        ).fetchall()
        indexes = conn.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = 'public' ORDER BY 1, 2"
        ).fetchall()
    return {"columns": columns, "constraints": constraints, "indexes": indexes}


def not_null_columns(url: str) -> set[tuple[str, str]]:
    return {
        (table, column)
        for table, _, column, _, not_null, _ in catalog_schema(url)["columns"]
        if not_null and table != ALEMBIC_TABLE
    }


def test_initial_revision_leaves_the_19_columns_nullable_and_0002_requires_them(fresh_database):
    """At 0001 the 19 columns are nullable; 0002 makes exactly them NOT NULL, nothing else."""
    required = {(t, c) for t, columns in NOT_NULL_SINCE_0002.items() for c in columns}
    assert len(required) == 19
    spec_not_null = {
        (t, c) for t, spec in SCHEMA.items() for c, col in spec.columns.items() if not col.nullable
    }
    assert required <= spec_not_null
    config = alembic_config(fresh_database)
    command.upgrade(config, INITIAL)
    at_initial = not_null_columns(fresh_database)
    assert at_initial == spec_not_null - required
    command.upgrade(config, HEAD)
    assert not_null_columns(fresh_database) - at_initial == required
    assert not_null_columns(fresh_database) == spec_not_null


def test_downgrade_of_0002_restores_the_initial_schema_exactly(fresh_database):
    """Catalog after upgrade head -> downgrade 0001 equals the catalog after upgrade 0001."""
    config = alembic_config(fresh_database)
    command.upgrade(config, INITIAL)
    initial = catalog_schema(fresh_database)
    command.upgrade(config, "head")
    assert catalog_schema(fresh_database) != initial
    command.downgrade(config, INITIAL)
    assert revision_of(fresh_database) == INITIAL
    assert catalog_schema(fresh_database) == initial


def test_head_rejects_null_in_each_required_column(fresh_database):
    """Each of the 19 columns refuses NULL at head, as aws2openstack's schema does."""
    command.upgrade(alembic_config(fresh_database), "head")
    with psycopg.connect(fresh_database) as conn:
        assessment, database = insert_assessment(conn)
        insert_required_rows(conn, assessment, database)
        refused = []
        for table, columns in NOT_NULL_SINCE_0002.items():
            for column in columns:
                try:
                    with conn.transaction():
                        conn.execute(f"UPDATE {table} SET {column} = NULL")
                except psycopg.errors.NotNullViolation as err:
                    assert column in str(err)
                    refused.append((table, column))
    assert len(refused) == 19
    assert set(refused) == {(t, c) for t, cs in NOT_NULL_SINCE_0002.items() for c in cs}


def test_upgrade_keeps_complete_rows_written_at_0001(fresh_database):
    """Rows that already fill every required column survive the upgrade unchanged."""
    config = alembic_config(fresh_database)
    command.upgrade(config, INITIAL)
    with psycopg.connect(fresh_database) as conn:
        assessment, database = insert_assessment(conn)
        insert_required_rows(conn, assessment, database)
        before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in SCHEMA}
    command.upgrade(config, "head")
    assert revision_of(fresh_database) == HEAD
    with psycopg.connect(fresh_database) as conn:
        after = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in SCHEMA}
    assert after == before


def test_upgrade_refuses_rows_with_null_naming_each_column_and_count(fresh_database):
    """NULLs at 0001 stop 0002 before any change, naming table.column, count and the fix."""
    config = alembic_config(fresh_database)
    command.upgrade(config, INITIAL)
    initial = catalog_schema(fresh_database)
    with psycopg.connect(fresh_database) as conn:
        assessment, database = insert_assessment(conn)
        insert_required_rows(conn, assessment, database)
        for name in ("a", "b", "c"):
            conn.execute(
                "INSERT INTO glue_tables (database_id, assessment_id, table_name) "
                "VALUES (%s, %s, %s)",
                (database, assessment, name),
            )
        conn.execute("INSERT INTO vpc_resources (assessment_id) VALUES (%s)", (assessment,))
    with pytest.raises(RuntimeError, match="required columns NOT NULL") as failure:
        command.upgrade(config, "head")
    message = str(failure.value)
    assert type(failure.value).__name__ == "NullsInRequiredColumns"
    assert "glue_tables.table_format: 3 row(s) with NULL" in message
    assert "glue_tables.migration_readiness: 3 row(s) with NULL" in message
    assert "vpc_resources.vpc_id: 1 row(s) with NULL" in message
    assert "glue_tables.table_name" not in message, "a filled column was reported"
    assert "UPDATE vpc_resources SET vpc_id = <value> WHERE vpc_id IS NULL;" in message
    assert "pulumi up again" in message
    assert revision_of(fresh_database) == INITIAL
    assert catalog_schema(fresh_database) == initial

    with psycopg.connect(fresh_database) as conn:
        conn.execute("DELETE FROM glue_tables WHERE table_format IS NULL")
        conn.execute("UPDATE vpc_resources SET vpc_id = 'vpc-unknown' WHERE vpc_id IS NULL")
    command.upgrade(config, "head")
    assert revision_of(fresh_database) == HEAD


def test_offline_sql_of_0002_alters_the_19_columns(fresh_database):
    """``upgrade --sql`` renders 19 SET NOT NULL statements without querying rows."""
    config = alembic_config(fresh_database)
    out = io.StringIO()
    config.output_buffer = out
    with contextlib.redirect_stdout(out):
        command.upgrade(config, f"{INITIAL}:{HEAD}", sql=True)
    assert out.getvalue().count("SET NOT NULL") == 19
    assert "count(*)" not in out.getvalue()
