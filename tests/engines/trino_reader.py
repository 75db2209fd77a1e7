"""Trino reading one table through the Glue API, as the engine matrix measures it.

The query is ``SELECT * FROM <catalog>."<database>"."<table>"`` on the server of
``tests.engines.trino_server``; nothing is created or copied. The catalog is chosen the
way Athena chooses its reader, from the Glue table's parameters: ``table_type=ICEBERG``
→ ``iceberg``, ``spark.sql.sources.provider=delta`` → ``delta_lake``, anything else →
``hive`` (Trino's Hive connector refuses the other two unless it is told to redirect
them to those catalogs; ``tests/engines/test_trino.py`` shows it).

Trino's Python client hands over Python values; they become an Arrow table of the Glue
types (``datagen.catalog.arrow_type``) so that ``datagen.digest`` renders them like every
other engine's: ``Decimal`` stays exact, a ``row`` becomes a struct by position, a
``map`` (a dict) its entries, and a ``timestamp with time zone`` (Delta's instants) its
UTC wall clock. Trino's own type names are kept for the type check (``trino_type``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from components import trino_sql
from datagen.catalog import arrow_type
from tests.engines.deployed import GlueTable
from tests.engines.readers import EngineRead

ICEBERG, DELTA, HIVE = "iceberg", "delta_lake", "hive"

_SIMPLE = {
    "int64": "bigint",
    "int32": "integer",
    "int16": "smallint",
    "int8": "tinyint",
    "double": "double",
    "float": "real",
    "bool": "boolean",
    "string": "varchar",
    "date32[day]": "date",
}
# What each connector calls a Glue/Hive ``timestamp``: the Hive connector reads it at
# millisecond precision (``hive.timestamp-precision``'s default, as Athena does), Iceberg
# has microseconds, and Delta's ``timestamp`` is an instant.
_TIMESTAMPS = {
    HIVE: "timestamp(3)",
    ICEBERG: "timestamp(6)",
    DELTA: "timestamp(3) with time zone",
}


def catalog(table: GlueTable) -> str:
    """The Trino catalog that reads ``table``, from its Glue parameters."""
    parameters = table.definition.get("Parameters", {})
    if parameters.get("table_type", "").upper() == "ICEBERG":
        return ICEBERG
    if parameters.get("spark.sql.sources.provider", "").lower() == "delta":
        return DELTA
    return HIVE


def query(table: GlueTable) -> str:
    return f'SELECT * FROM {catalog(table)}."{table.database}"."{table.name}"'


def trino_type(glue_type: str, connector: str = HIVE) -> str:
    """The type name Trino reports for a Glue column type, read by ``connector``."""
    return _name(arrow_type(glue_type), connector)


def _name(data_type: pa.DataType, connector: str) -> str:
    if str(data_type) in _SIMPLE:
        return _SIMPLE[str(data_type)]
    if pa.types.is_timestamp(data_type):
        return _TIMESTAMPS[connector]
    if pa.types.is_decimal(data_type):
        return f"decimal({data_type.precision}, {data_type.scale})"
    if pa.types.is_list(data_type):
        return f"array({_name(data_type.value_type, connector)})"
    if pa.types.is_map(data_type):
        key, item = _name(data_type.key_type, connector), _name(data_type.item_type, connector)
        return f"map({key}, {item})"
    if pa.types.is_struct(data_type):
        fields = ", ".join(f"{f.name} {_name(f.type, connector)}" for f in data_type)
        return f"row({fields})"
    raise ValueError(f"no Trino type for Arrow type {data_type}")


def _value(value: Any, data_type: pa.DataType) -> Any:
    """A value of Trino's Python client as pyarrow takes it for ``data_type``."""
    if value is None:
        return None
    if pa.types.is_struct(data_type):
        # The client's row is a tuple; its fields come in the declared order.
        return {f.name: _value(v, f.type) for f, v in zip(data_type, value, strict=True)}
    if pa.types.is_map(data_type):
        return [
            (_value(k, data_type.key_type), _value(v, data_type.item_type))
            for k, v in value.items()
        ]
    if pa.types.is_list(data_type):
        return [_value(v, data_type.value_type) for v in value]
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def arrow_rows(names: list[str], rows: list[list[Any]], pairs: list[tuple[str, str]]) -> pa.Table:
    """Trino's rows as an Arrow table with the Arrow types of ``pairs`` (name, Glue type);
    the columns Trino returned must be those names, in that order."""
    if names != [n for n, _ in pairs]:
        raise AssertionError(f"Trino returned columns {names}, Glue has {[n for n, _ in pairs]}")
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in pairs]
    arrays = {}
    for (name, glue_type), values in zip(pairs, columns, strict=True):
        data_type = arrow_type(glue_type)
        arrays[name] = pa.array([_value(v, data_type) for v in values], data_type)
    return pa.table(arrays)


def run(connection: Any, sql: str) -> tuple[list[str], list[str], list[list[Any]]]:
    """Column names, Trino type names and rows of one query (``components.trino_sql``:
    a query that finds no node is asked again within two minutes)."""
    return trino_sql.execute(connection, sql)


def trino_read(connection: Any, table: GlueTable, pairs: list[tuple[str, str]]) -> EngineRead:
    """All rows of ``table`` through its catalog; ``pairs`` are the columns (name, Glue
    type) it should have, partition keys last."""
    names, types, rows = run(connection, query(table))
    return EngineRead(types, arrow_rows(names, rows, pairs))
