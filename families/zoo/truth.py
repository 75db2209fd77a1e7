"""The zoo's ground-truth entries (pure): a zoo kind shapes its table as boto3's
``TableInput`` and ``PartitionInput`` (``glue_shapes.glue_table``), registered like every
other table; its entry adds the kind's own findings and the engines' measured claims
(``families.zoo.engines``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from components import findings, ground_truth
from datagen.catalog import ZOO_LEFT_OUT, ZOO_ROLE, TableSpec
from datagen.kinds import kind_for
from datagen.manifest import Manifest, TableEntry
from families.zoo import engines


def _columns(table_input: Mapping[str, Any]) -> list[dict[str, str]]:
    return [
        {k.lower(): v for k, v in column.items()}
        for column in (table_input.get("StorageDescriptor") or {}).get("Columns") or []
    ]


def database_facts(role: str) -> dict[str, Any]:
    """What the zoo database's ground truth adds: the kinds left out, each with its reason
    (nothing for the core databases, whose entries keep their bytes)."""
    if role != ZOO_ROLE:
        return {}
    return {"left_out": [{"kind": k, "reason": r} for k, r in ZOO_LEFT_OUT.items()]}


def ground_truth_entry(
    manifest: Manifest, table: TableEntry, spec: TableSpec, database: str
) -> dict[str, Any]:
    """A zoo table's ground truth: the core tables' facts from its registered definition
    and the manifest, plus ``kind``, ``detected_format`` (the true format, from the zoo
    module), ``notes`` and ``engines``; ``expected`` is the rule table's findings for the
    registered definition (``components.findings``), as for the core tables, and
    ``value_digest`` that of the zoo module's ``rows`` (null for a view or a resource link,
    which have no rows of their own)."""
    kind = kind_for(spec.kind)
    glue = kind.glue_table(manifest, table, spec, database)
    truth = kind.expected(manifest, table, spec)
    table_input = glue.table_input
    registered = {tuple(p["Values"]) for p in glue.partitions}
    return {
        "name": spec.name,
        "format": kind.format.value,
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
        "value_digest": table.value_digest,
        "files": table.files,
        "bytes": table.bytes,
        "objects": [{"key": file.key, "bytes": file.bytes} for file in manifest.files_of(table)],
        "labels": {},
        "expected": findings.expected(table_input),
        "rules_version": findings.RULES_VERSION,
        "notes": truth["notes"],
        "engines": engines.engines(truth["kind"]),
    }


def section(env: str, manifest: Manifest, tables: Sequence[TableSpec]) -> dict[str, Any]:
    """The zoo's ground-truth section: its database, the kinds left out, every table."""
    return {
        "databases": ground_truth.databases(
            env,
            manifest,
            tables,
            lambda spec, table, database: ground_truth_entry(manifest, table, spec, database),
            database_facts,
        )
    }
