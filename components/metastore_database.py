"""The Hive Metastore's database: a second database in the stack's PostgreSQL.

The postgres image creates one database on its first start only; this dynamic resource
creates the metastore's (``CREATE DATABASE``, when missing) once the server answers, so a
stack that already has its volume gets it too. The metastore creates its own schema at
its first start (``schematool -initOrUpgradeSchema``). Delete does nothing: the database
lives in the container's volume, which the same ``pulumi destroy`` removes. The admin URL
is a secret input and no output carries it.
"""

from __future__ import annotations

import time
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider

CONNECT_DEADLINE_SECONDS = 60


def create_database_sql(name: str) -> str:
    # A PostgreSQL name validated by config: quoted, it stays exactly that name.
    return f'CREATE DATABASE "{name}"'


class _Provider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        import psycopg

        deadline = time.monotonic() + CONNECT_DEADLINE_SECONDS
        while True:
            try:
                connection = psycopg.connect(props["admin_url"], autocommit=True, connect_timeout=5)
                break
            except psycopg.OperationalError as err:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"PostgreSQL did not answer within {CONNECT_DEADLINE_SECONDS}s: "
                        f"{type(err).__name__}"
                    ) from None
                time.sleep(1)
        with connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (props["name"],)
            ).fetchone()
            if not found:
                connection.execute(create_database_sql(props["name"]))
        return CreateResult(id_=props["name"], outs={"name": props["name"]})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = olds.get("name") != news.get("name")
        return DiffResult(changes=changed, replaces=["name"] if changed else [])

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class MetastoreDatabase(pulumi.dynamic.Resource, module="testenv", name="MetastoreDatabase"):
    """The metastore's database in the stack's PostgreSQL (``name``)."""

    name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        admin_url: pulumi.Input[str],
        database: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            _Provider(),
            name,
            {"admin_url": pulumi.Output.secret(admin_url), "name": database},
            opts,
        )
