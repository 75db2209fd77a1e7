"""The local PostgreSQL: a container of the stack, its schema migrated to Alembic head
within the same ``up`` (``components.local_database``), with config ``database``
(docs/database.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from components.local_database import LocalDatabase, LocalDatabaseArgs
from families.base import Family, Stack

if TYPE_CHECKING:
    from components.config import StackConfig


class Database(Family):
    name = "database"

    def enabled(self, cfg: StackConfig) -> bool:
        return cfg.database is not None

    def declare(self, stack: Stack) -> LocalDatabase:
        settings = stack.cfg.database
        if settings is None:
            raise ValueError("the database family is declared only when database is on")
        # Not an AWS resource: it takes Docker's provider, not the stack's AWS options.
        return LocalDatabase(
            "postgres",
            LocalDatabaseArgs(
                env=stack.cfg.env,
                host_port=settings.host_port,
                database=settings.database,
                user=settings.user,
                migrations_dir=settings.migrations_dir,
                private_network=stack.cfg.target is not None,
            ),
        )

    def outputs(self, stack: Stack, component: Any) -> Mapping[str, Any]:
        database: LocalDatabase = component
        return {
            "DATABASE_URL": database.database_url,
            "POSTGRES_PORT": database.host_port,
            "POSTGRES_DB": database.database_name,
            "POSTGRES_CONTAINER": database.container_name,
            "PSQL_COMMAND": database.psql_command,
            "SCHEMA_REVISION": database.schema_revision,
        }


FAMILY = Database()
