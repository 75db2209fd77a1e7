"""The target's canary: during ``pulumi up``, after the four containers are healthy, an
Iceberg table (Trino's ``iceberg`` catalog, on the REST catalog) and a partitioned Hive
Parquet table (the ``hive`` catalog, on the metastore) are created by Trino SQL, filled,
read back and dropped. A wrong or missing answer fails the ``up``, naming the statement,
the catalog and the fix: a target that is up but does not work is not reported as made.

``TargetCanary`` is a dynamic resource; its provider runs in the Pulumi engine's Python
provider process, which unpickles it from the state, so the class holds no state and
lives in this importable module (as ``components.volume_run``'s does).

- **create** and **update** run the canary against Trino's 127.0.0.1 port;
- **diff** asks for an update when a container was replaced (its id changed) or the port
  moved: a second ``pulumi up`` runs nothing;
- **delete** has nothing to remove: the canary drops what it made, also when it fails
  half-way (a run starts by dropping what an interrupted one left).

The tables live in their own schema, ``testenv_canary``, of each catalog; nothing of
them is left for a migration tool to find. No input or output is a secret: Trino's port
has no password (it is published on 127.0.0.1 only).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

from components import target_settings as settings
from components import trino_sql

SCHEMA = "testenv_canary"
TABLE = "probe"
ROWS: tuple[tuple[int, str], ...] = ((1, "one"), (2, "two"), (3, "three"))
USER = "testenv-canary"
RERUN_WHEN = ("trino_uri", "containers")
"""The inputs whose change runs the canary again."""
READY_SECONDS = trino_sql.GRACE_SECONDS
"""How long a Trino that answers but has no worker yet is given (its health check passes
when the coordinator is up; the first query can still find no node)."""


class CanaryFailed(RuntimeError):
    """The target answered wrongly, or not at all."""


@dataclass(frozen=True)
class Step:
    catalog: str
    sql: str
    expected: tuple[tuple[Any, ...], ...] | None = None
    """The rows the statement must return; None: any answer without an error."""


def _values(rows: Sequence[tuple[int, str]], partitioned: bool) -> str:
    if partitioned:
        return ", ".join(f"({i}, '{name}', 'p{i % 2}')" for i, name in rows)
    return ", ".join(f"({i}, '{name}')" for i, name in rows)


def steps(catalog: str) -> list[Step]:
    """The statements of one catalog's half: clear, create, fill, read, drop."""
    table = f"{catalog}.{SCHEMA}.{TABLE}"
    if catalog == "iceberg":
        schema = f"CREATE SCHEMA IF NOT EXISTS {catalog}.{SCHEMA}"
        create = f"CREATE TABLE {table} (id bigint, name varchar)"
        partitioned = False
    elif catalog == "hive":
        location = f"{settings.warehouse_uri(settings.HIVE_PREFIX)}/{SCHEMA}"
        schema = f"CREATE SCHEMA IF NOT EXISTS {catalog}.{SCHEMA} WITH (location = '{location}')"
        create = (
            f"CREATE TABLE {table} (id bigint, name varchar, part varchar) "
            "WITH (format = 'PARQUET', partitioned_by = ARRAY['part'])"
        )
        partitioned = True
    else:
        raise ValueError(f"no canary for catalog {catalog!r}: iceberg or hive")
    read = [Step(catalog, f"SELECT id, name FROM {table} ORDER BY id", ROWS)]
    if partitioned:
        parts = tuple(sorted({(f"p{i % 2}",) for i, _ in ROWS}))
        read.append(
            Step(
                catalog,
                f'SELECT part FROM {catalog}.{SCHEMA}."{TABLE}$partitions" ORDER BY part',
                parts,
            )
        )
    return [
        Step(catalog, f"DROP TABLE IF EXISTS {table}"),
        Step(catalog, schema),
        Step(catalog, create),
        Step(catalog, f"INSERT INTO {table} VALUES {_values(ROWS, partitioned)}"),
        *read,
        Step(catalog, f"DROP TABLE {table}"),
        Step(catalog, f"DROP SCHEMA {catalog}.{SCHEMA}"),
    ]


FIX = {
    "iceberg": "`docker logs` of the stack's rest and objects containers (output "
    "TARGET_CONTAINERS) show why",
    "hive": "`docker logs` of the stack's metastore and objects containers (output "
    "TARGET_CONTAINERS) show why",
}


def _connect(host: str, port: int) -> Any:
    import trino

    return trino.dbapi.connect(host=host, port=port, user=USER, request_timeout=60)


def _unreachable(error: Exception) -> bool:
    """Nothing answered on the port (as opposed to Trino answering with an error)."""
    import requests
    from trino.exceptions import TrinoConnectionError

    return isinstance(error, TrinoConnectionError | requests.exceptions.ConnectionError)


def run(
    trino_uri: str,
    catalogs: Sequence[str] = ("iceberg", "hive"),
    *,
    ready_seconds: float = READY_SECONDS,
    pause: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Run the canary against ``http://host:port``; what it read, or ``CanaryFailed``."""
    from urllib.parse import urlsplit

    parts = urlsplit(trino_uri)
    if parts.scheme != "http" or not parts.hostname or not parts.port:
        raise ValueError(f"the canary's trino_uri {trino_uri!r} is not http://host:port")
    connection = _connect(parts.hostname, parts.port)
    read: dict[str, int] = {}
    try:
        for catalog in catalogs:
            for step in steps(catalog):
                try:
                    _, _, found = trino_sql.execute(
                        connection, step.sql, grace_seconds=ready_seconds, pause=pause
                    )
                except Exception as error:  # the client's errors have no common base
                    if _unreachable(error):
                        raise CanaryFailed(
                            f"the target's canary found no Trino at {trino_uri}: "
                            f"{_first_line(error)}. Fix: `docker logs` of the stack's "
                            "trino container (output TARGET_CONTAINERS) shows why it "
                            "is not serving; pulumi up runs the canary again"
                        ) from None
                    raise CanaryFailed(
                        f"the target's canary failed in Trino's {catalog} catalog at "
                        f"{trino_uri}: {step.sql!r} gave {type(error).__name__}: "
                        f"{_first_line(error)}. Fix: {FIX[catalog]}; pulumi up runs "
                        "the canary again"
                    ) from None
                rows = [tuple(row) for row in found]
                if step.expected is not None and tuple(rows) != step.expected:
                    raise CanaryFailed(
                        f"the target's canary read wrong rows in Trino's {catalog} catalog "
                        f"at {trino_uri}: {step.sql!r} gave {rows!r}, expected "
                        f"{list(step.expected)!r}. Fix: {FIX[catalog]}"
                    )
                if step.expected is not None and step.sql.startswith("SELECT id"):
                    read[catalog] = len(rows)
    finally:
        connection.close()
    return {"rows_read": read}


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else "no message"


class TargetCanaryProvider(ResourceProvider):
    """Diff, create and update of ``TargetCanary`` (module docstring)."""

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in RERUN_WHEN if olds.get(key) != news.get(key)]
        return DiffResult(
            changes=bool(changed), replaces=[], stables=[], delete_before_replace=False
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = {**_inputs(props), **run(props["trino_uri"])}
        return CreateResult(id_=f"canary-{props['trino_uri']}", outs=outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs={**_inputs(news), **run(news["trino_uri"])})


def _inputs(props: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in props.items() if not key.startswith("__")}


class TargetCanary(pulumi.dynamic.Resource, module="testenv", name="TargetCanary"):
    """The canary's last run: ``rows_read`` per catalog."""

    rows_read: pulumi.Output[dict[str, int]]

    def __init__(
        self,
        name: str,
        trino_uri: pulumi.Input[str],
        containers: pulumi.Input[Sequence[pulumi.Input[str]]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            TargetCanaryProvider(),
            name,
            {"trino_uri": trino_uri, "containers": containers, "rows_read": None},
            opts,
        )
