"""A stack as deployed, without Pulumi or AWS: the outputs of the program run under
Pulumi mocks, its AWS resources applied to the session's moto server, and its schema
migrated in a database of the session's PostgreSQL (the outputs' ``DATABASE_URL``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.stack import aws_emulator
from tests.stack.fake_docker import FakeDocker
from tests.stack.program import run_program
from tests.support.net import free_port


@contextmanager
def emulated_stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    stack: str,
    migrations: Path,
    config: dict[str, Any] | None = None,
    aws_config: dict[str, str] | None = None,
) -> Iterator[tuple[dict[str, Any], str]]:
    """``(outputs, emulator URL)`` of ``stack``; its database is dropped afterwards.

    Stacks of one session need distinct names: their buckets and Glue databases share
    the one emulator.
    """
    endpoint_url = request.getfixturevalue("moto_server")
    server = request.getfixturevalue("postgres_server")
    from components.local_database import psql_command
    from components.schema_migration import SchemaMigrationProvider, migration_inputs

    saved = {k: os.environ.get(k) for k in ("DOCKER_HOST", "TESTENV_CACHE_DIR")}
    with FakeDocker() as docker:
        os.environ["DOCKER_HOST"] = docker.host
        os.environ["TESTENV_CACHE_DIR"] = str(tmp_path_factory.mktemp(f"{stack}-cache"))
        try:
            run = run_program(
                {"postgresPort": free_port(), **(config or {})}, stack=stack, aws_config=aws_config
            )
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    aws_emulator.apply(run, endpoint_url, run.outputs["AWS_REGION"])

    database = server.create_database()
    url = server.url(database)
    created = SchemaMigrationProvider().create(migration_inputs(url, migrations))
    outputs = dict(run.outputs)
    outputs.update(
        {
            "DATABASE_URL": url,
            "POSTGRES_PORT": server.port,
            "POSTGRES_DB": database,
            "SCHEMA_REVISION": created.outs["revision"],
            "PSQL_COMMAND": psql_command(server.user, server.port, database),
        }
    )
    try:
        yield outputs, endpoint_url
    finally:
        server.drop_database(database)
