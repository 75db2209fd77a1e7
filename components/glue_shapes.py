"""Glue table and partition definitions shaped from a table spec and its manifest entry
(pure functions).

Locations and partition values come from the manifest; columns from the spec; what a
format needs (input/output format, SerDe, parameters) from the table's kind
(``datagen.kinds``).
"""

from __future__ import annotations

from typing import Any

from components import glue_spelling
from datagen.catalog import TableSpec
from datagen.kinds import kind_for
from datagen.kinds.base import GlueTable
from datagen.manifest import Manifest, PartitionEntry, TableEntry


def columns(spec: TableSpec) -> list[dict[str, str]]:
    """The data columns in file order (ORC is read by position: the order matters)."""
    return [
        {"name": c.name, "type": c.glue_type, **({"comment": c.comment} if c.comment else {})}
        for c in spec.columns
    ]


def partition_keys(spec: TableSpec) -> list[dict[str, str]]:
    return [{"name": k.name, "type": k.glue_type} for k in spec.partition_keys]


def table_storage_descriptor(spec: TableSpec, table: TableEntry) -> dict[str, Any]:
    return kind_for(spec.kind).storage_descriptor(table.location, columns(spec))


def partition_storage_descriptor(spec: TableSpec, partition: PartitionEntry) -> dict[str, Any]:
    return kind_for(spec.kind).storage_descriptor(partition.location, columns(spec))


def table_parameters(spec: TableSpec, table: TableEntry) -> dict[str, str]:
    """Glue table parameters: the catalog's (``migration_readiness``) plus the kind's."""
    return dict(spec.parameters) | kind_for(spec.kind).table_parameters(table)


def partition_parameters(spec: TableSpec) -> dict[str, str]:
    """Partition parameters: the kind's (its classification and extra table parameters)."""
    return kind_for(spec.kind).partition_parameters()


def hive_glue_table(spec: TableSpec, table: TableEntry) -> GlueTable:
    """The Glue definition of a table shaped by its kind's storage descriptor and
    parameters (the Hive-style and Iceberg kinds), one partition per manifest partition."""
    partitions = []
    if table.partitions:
        parameters = partition_parameters(spec)
        partitions = [
            {
                "Values": partition.value_list,
                "StorageDescriptor": glue_spelling.to_api(
                    partition_storage_descriptor(spec, partition)
                ),
                "Parameters": dict(parameters),
            }
            for partition in table.partitions
        ]
    return GlueTable(
        table_input={
            "Name": spec.name,
            "Description": spec.description,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": table_parameters(spec, table),
            "PartitionKeys": glue_spelling.to_api(partition_keys(spec)),
            "StorageDescriptor": glue_spelling.to_api(table_storage_descriptor(spec, table)),
        },
        partitions=partitions,
    )


def glue_table(manifest: Manifest, spec: TableSpec, table: TableEntry, database: str) -> GlueTable:
    """Every table's Glue definition, in boto3's spelling: the one its kind shapes itself
    (a zoo table), else the one its storage descriptor and parameters give."""
    own = kind_for(spec.kind).glue_table(manifest, table, spec, database)
    return own if own is not None else hive_glue_table(spec, table)
