"""What aws2openstack's Glue assessor is expected to find for a table: one versioned rule table.

The rules reproduce the tool's published classification (``GlueCatalogAssessor._parse_table``
and ``_assess_migration_readiness`` in aws2openstack's
``src/aws2openstack/assessments/glue_catalog.py``). They read the Glue metadata only, in the
shape Glue's ``GetTable`` returns its ``Table`` (``TableType``, ``Parameters``,
``StorageDescriptor.InputFormat/Location/Columns``, ``PartitionKeys``), so the same
``expected`` applies to what the program registers (``registered_table``) and to what any
client reads back from Glue or an emulator.

Rules version 1, first matching row wins:

=====  ===========================================================  =========  ================
row    Glue metadata                                                format     readiness
=====  ===========================================================  =========  ================
1      ``Parameters.table_type`` is ``ICEBERG`` (any case),          ICEBERG    READY
       ``StorageDescriptor.Location`` starts with ``s3://``
2      ``Parameters.table_type`` is ``ICEBERG`` (any case),          ICEBERG    UNKNOWN
       any other location (``s3a://``, ``S3://``, ``hdfs://``, none)
3      ``InputFormat`` contains ``parquet`` (any case)               PARQUET    NEEDS_CONVERSION
4      ``InputFormat`` contains ``orc`` (any case)                   ORC        NEEDS_CONVERSION
5      anything else (text/CSV, JSON, Avro, no storage descriptor)   UNKNOWN    UNKNOWN
=====  ===========================================================  =========  ================

Avro: the tool's readiness rule lists AVRO with PARQUET and ORC as NEEDS_CONVERSION, but its
format detection looks for ``parquet`` and ``orc`` only, so it never reports AVRO: an Avro
table (``org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat``) is UNKNOWN/UNKNOWN
(row 5). Version 1 states that; a tool that starts detecting Avro makes rules version 2.

The other facts are read as the tool reads them: ``column_count`` is the number of
``StorageDescriptor.Columns`` (partition keys are **not** counted), ``partition_keys`` the
names of ``PartitionKeys`` in order, ``location`` ``StorageDescriptor.Location`` as it is
(empty when missing), ``is_iceberg`` whether row 1 or 2 matched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from components import glue_shapes
from datagen.catalog import TableSpec
from datagen.manifest import TableEntry

RULES_VERSION = 1

ICEBERG = "ICEBERG"
PARQUET = "PARQUET"
ORC = "ORC"
AVRO = "AVRO"
UNKNOWN = "UNKNOWN"
READY = "READY"
NEEDS_CONVERSION = "NEEDS_CONVERSION"


@dataclass(frozen=True)
class Rule:
    """One row of the rule table: when ``matches`` holds, the table gets these findings."""

    row: int
    matches: Callable[[Mapping[str, Any]], bool]
    format: str
    readiness: str


def _table_type(table: Mapping[str, Any]) -> str:
    return str((table.get("Parameters") or {}).get("table_type", "")).upper()


def _storage(table: Mapping[str, Any]) -> Mapping[str, Any]:
    return table.get("StorageDescriptor") or {}


def _input_format(table: Mapping[str, Any]) -> str:
    return str(_storage(table).get("InputFormat") or "").lower()


def _location(table: Mapping[str, Any]) -> str:
    return str(_storage(table).get("Location") or "")


RULES: tuple[Rule, ...] = (
    Rule(
        1,
        lambda t: _table_type(t) == ICEBERG and _location(t).startswith("s3://"),
        ICEBERG,
        READY,
    ),
    Rule(2, lambda t: _table_type(t) == ICEBERG, ICEBERG, UNKNOWN),
    Rule(3, lambda t: "parquet" in _input_format(t), PARQUET, NEEDS_CONVERSION),
    Rule(4, lambda t: "orc" in _input_format(t), ORC, NEEDS_CONVERSION),
    Rule(5, lambda t: True, UNKNOWN, UNKNOWN),
)
"""The rule table of ``RULES_VERSION`` (see the module docstring); the last row always matches."""


def rule_for(table: Mapping[str, Any]) -> Rule:
    """The first rule that matches a Glue ``Table``."""
    return next(rule for rule in RULES if rule.matches(table))


def expected(table: Mapping[str, Any]) -> dict[str, Any]:
    """The findings the assessor is expected to report for a Glue ``Table`` (GetTable shape)."""
    rule = rule_for(table)
    return {
        "format": rule.format,
        "is_iceberg": rule.format == ICEBERG,
        "readiness": rule.readiness,
        "column_count": len(_storage(table).get("Columns") or []),
        "partition_keys": [key["Name"] for key in table.get("PartitionKeys") or []],
        "location": _location(table),
    }


def registered_table(spec: TableSpec, table: TableEntry) -> dict[str, Any]:
    """The Glue ``Table`` the program registers for ``spec``, as ``GetTable`` returns it:
    the same definition ``GlueCatalog`` registers (``glue_shapes.hive_glue_table``), so the
    findings of the ground truth are those of the registered definition."""
    return glue_shapes.hive_glue_table(spec, table).table_input
