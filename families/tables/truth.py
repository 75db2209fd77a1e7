"""The core tables' ground-truth entries (pure): each table's facts from its spec and the
manifest, and the findings of the definition ``GlueCatalog`` registers for it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from components import findings, glue_shapes, ground_truth
from datagen.catalog import TableSpec
from datagen.kinds import kind_for
from datagen.manifest import Manifest, TableEntry


def table_entry(manifest: Manifest, spec: TableSpec, table: TableEntry) -> dict[str, Any]:
    """One table of a core or scale database."""
    kind = kind_for(spec.kind)
    return {
        "name": spec.name,
        "format": kind.format.value,
        "is_iceberg": kind.is_iceberg,
        "table_type": "EXTERNAL_TABLE",
        "location": table.location,
        "metadata_location": table.metadata_location,
        "columns": glue_shapes.columns(spec),
        "partition_keys": table.partition_keys,
        "partitions": [
            {
                "values": partition.value_list,
                "location": partition.location,
                "rows": partition.rows,
                "files": partition.files,
                "bytes": partition.bytes,
            }
            for partition in table.partitions
        ],
        "rows": table.rows,
        "value_digest": table.value_digest,
        "files": table.files,
        "bytes": table.bytes,
        "objects": [{"key": file.key, "bytes": file.bytes} for file in manifest.files_of(table)],
        "labels": dict(spec.parameters),
        "expected": findings.expected(findings.registered_table(spec, table)),
        "rules_version": findings.RULES_VERSION,
    }


def section(env: str, manifest: Manifest, tables: Sequence[TableSpec]) -> dict[str, Any]:
    """The family's ground-truth section: the databases of ``tables`` with their entries."""
    return {
        "databases": ground_truth.databases(
            env, manifest, tables, lambda spec, table, _name: table_entry(manifest, spec, table)
        )
    }
