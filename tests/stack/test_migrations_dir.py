"""``migrationsDir`` under Pulumi's mocks: where it points, and the errors before any resource."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from components.schema_migration import migrations_hash
from tests.db.external_alembic import make_external_alembic
from tests.stack.program import PROJECT, ROOT, run_program, unwrap
from tests.stack.test_config import run_rejected

MIGRATION = "pulumi-python:dynamic/testenv:SchemaMigration"


def test_the_default_is_the_bundled_migrations(program_env, free_port):
    """Without migrationsDir the migration resource runs and hashes the bundled migrations/."""
    run = run_program({"postgresPort": free_port})
    inputs = unwrap(run.one(MIGRATION).inputs)
    assert inputs["script_location"] == str((ROOT / "migrations").resolve())
    assert inputs["migrations_hash"] == migrations_hash(ROOT / "migrations")


def test_a_relative_directory_is_taken_from_the_project_directory(
    program_env, free_port, tmp_path, monkeypatch
):
    """A relative migrationsDir resolves against the project, not the working directory."""
    directory = make_external_alembic(tmp_path)
    relative = os.path.relpath(directory, ROOT)
    assert not Path(relative).is_absolute()
    monkeypatch.chdir(tmp_path / "alembic" / "versions")
    run = run_program({"postgresPort": free_port, "migrationsDir": relative})
    inputs = unwrap(run.one(MIGRATION).inputs)
    assert inputs["script_location"] == str(directory.resolve())
    assert inputs["migrations_hash"] == migrations_hash(directory)


@pytest.mark.parametrize(
    ("remove", "problem"),
    [
        (None, "no such directory"),
        ("env.py", "it has no env.py"),
        ("versions", "it has no versions/"),
    ],
)
def test_a_directory_that_is_not_alembic_is_a_config_error_before_any_resource(
    program_env, tmp_path, remove, problem
):
    """A missing directory, or one without env.py or versions/, names the key and the fix."""
    directory = make_external_alembic(tmp_path)
    if remove is None:
        directory = tmp_path / "no-such-checkout" / "alembic"
    elif remove == "env.py":
        (directory / "env.py").unlink()
    else:
        for path in (directory / "versions").iterdir():
            path.unlink()
        (directory / "versions").rmdir()
    message, records = run_rejected({"migrationsDir": str(directory)})
    assert f"{PROJECT}:migrationsDir is {str(directory)!r}" in message
    assert f"({directory.resolve()}: {problem})" in message
    assert "Fix: pulumi config set migrationsDir ../aws2openstack/alembic" in message
    assert "pulumi config rm migrationsDir" in message
    assert records == []


def test_migrations_dir_is_not_checked_for_a_stack_without_database(program_env, tmp_path):
    """With database=false the key is unused, so a stale value does not stop the stack."""
    run = run_program({"database": "false", "migrationsDir": str(tmp_path / "gone")})
    assert run.of_type(MIGRATION) == []
