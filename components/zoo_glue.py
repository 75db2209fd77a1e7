"""The zoo's Glue definitions as Pulumi arguments, and its ground truth entries (pure).

A zoo module shapes its table as boto3's ``TableInput`` and ``PartitionInput``
(``zoo.base.GlueTable``); ``aws.glue.CatalogTable`` and ``aws.glue.Partition`` take the
same fields in snake_case. ``table_args`` and ``partition_args`` map one to the other
field by field, so the registered definition is exactly the zoo module's; parameter maps
are values and keep their keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components import findings, glue_spelling
from datagen.catalog import TableSpec
from datagen.kinds import kind_for
from datagen.manifest import Manifest, TableEntry

# TableInput fields the program registers; anything else in a zoo definition is an error.
_TABLE_FIELDS = {
    "Name": "name",
    "TableType": "table_type",
    "Parameters": "parameters",
    "StorageDescriptor": "storage_descriptor",
    "PartitionKeys": "partition_keys",
    "ViewOriginalText": "view_original_text",
    "ViewExpandedText": "view_expanded_text",
    "TargetTable": "target_table",
    "Description": "description",
}


def table_args(table_input: Mapping[str, Any], catalog_id: str | None) -> dict[str, Any]:
    """``aws.glue.CatalogTable`` keyword arguments (without ``database_name``) for a boto3
    ``TableInput``; a resource link's ``TargetTable`` gets ``catalog_id`` (this account),
    which the provider requires and a ``TableInput`` may leave out."""
    unknown = sorted(set(table_input) - set(_TABLE_FIELDS))
    if unknown:
        raise ValueError(f"TableInput fields {unknown} have no CatalogTable argument here")
    args = {
        _TABLE_FIELDS[key]: dict(value) if key == "Parameters" else glue_spelling.to_snake(value)
        for key, value in table_input.items()
    }
    if "target_table" in args:
        if not catalog_id:
            raise ValueError("a resource link's target_table needs the account id (catalog_id)")
        args["target_table"] = {"catalog_id": catalog_id, **args["target_table"]}
    return args


def partition_args(partition_input: Mapping[str, Any]) -> dict[str, Any]:
    """``aws.glue.Partition`` keyword arguments (without database and table names)."""
    return {
        "partition_values": list(partition_input["Values"]),
        "storage_descriptor": glue_spelling.to_snake(partition_input["StorageDescriptor"]),
        "parameters": dict(partition_input.get("Parameters") or {}),
    }


def _columns(table_input: Mapping[str, Any]) -> list[dict[str, str]]:
    return [
        {k.lower(): v for k, v in column.items()}
        for column in (table_input.get("StorageDescriptor") or {}).get("Columns") or []
    ]


def database_facts(role: str) -> dict[str, Any]:
    """What the zoo database's ground truth adds: the kinds left out, each with its reason
    (nothing for the core databases, whose entries keep their bytes)."""
    from datagen.kinds.zoo import ROLE

    if role != ROLE:
        return {}
    import zoo

    return {"left_out": [{"kind": k, "reason": r} for k, r in zoo.LEFT_OUT.items()]}


def ground_truth_entry(
    manifest: Manifest, table: TableEntry, spec: TableSpec, database: str
) -> dict[str, Any]:
    """A zoo table's ground truth: the core tables' facts from its registered definition
    and the manifest, plus ``kind``, ``detected_format`` (the true format, from the zoo
    module), ``notes`` and ``engines``; ``expected`` is the rule table's findings for the
    registered definition (``components.findings``), as for the core tables."""
    from zoo import engines

    kind = kind_for(spec.format)
    glue = kind.glue_table(manifest, table, spec, database)
    truth = kind.expected(manifest, table, spec)
    table_input = glue.table_input
    registered = {tuple(p["Values"]) for p in glue.partitions}
    return {
        "name": spec.name,
        "format": spec.format.value,
        "kind": truth["kind"],
        "detected_format": truth["detected_format"],
        "iceberg_format_version": truth["iceberg_format_version"],
        "is_iceberg": truth["is_iceberg"],
        "table_type": table_input.get("TableType"),
        "location": (table_input.get("StorageDescriptor") or {}).get("Location", ""),
        "metadata_location": table.metadata_location,
        "columns": _columns(table_input),
        "partition_keys": [k["Name"] for k in table_input.get("PartitionKeys") or []],
        "partitions": [
            {
                "values": partition.value_list,
                "location": partition.location,
                "rows": partition.rows,
                "files": partition.files,
                "bytes": partition.bytes,
                "registered": tuple(partition.value_list) in registered,
            }
            for partition in table.partitions
        ],
        "registered_partitions": len(glue.partitions),
        "rows": table.rows,
        "files": table.files,
        "bytes": table.bytes,
        "objects": [{"key": file.key, "bytes": file.bytes} for file in manifest.files_of(table)],
        "labels": {},
        "expected": findings.expected(table_input),
        "rules_version": findings.RULES_VERSION,
        "notes": truth["notes"],
        "engines": engines.engines(truth["kind"]),
    }
