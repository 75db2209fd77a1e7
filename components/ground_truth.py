"""Ground truth: what the stack created, for the assessment tool's own tests.

One JSON document lists the databases, tables, formats, columns, partition keys and
values, row counts, file counts and bytes, and the findings each table is expected to
get (``components.findings``); a zoo table's entry (``components.zoo_glue``) adds its
kind, true format, notes and engines. It is a stack output (``TESTENV_GROUND_TRUTH``) and an
object in the bucket (``GROUND_TRUTH_KEY``). It is derived from the table specs and the
manifest only, so it is byte-identical from one ``pulumi up`` to the next; the other
stack outputs (``components.outputs``) are derived from it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from components import findings, glue_shapes, naming, zoo_glue
from datagen.catalog import Format, TableSpec
from datagen.kinds import kind_for
from datagen.manifest import Manifest

GROUND_TRUTH_KEY = "_testenv/ground-truth.json"
FORMAT_VERSION = 2


def ground_truth(
    *,
    stack: str,
    env: str,
    region: str,
    bucket: str,
    tables: Sequence[TableSpec],
    manifest: Manifest,
) -> dict[str, Any]:
    """The document for the tables ``tables`` as ``manifest`` describes them."""
    databases = []
    totals = {"databases": 0, "tables": 0, "partitions": 0, "files": 0, "rows": 0, "bytes": 0}
    for database in manifest.databases:
        entries = []
        for spec in (t for t in tables if t.role == database.role):
            table = manifest.table(spec.key)
            if spec.format is Format.ZOO:
                entries.append(
                    zoo_glue.ground_truth_entry(
                        manifest, table, spec, naming.database_name(env, database.role)
                    )
                )
                totals["tables"] += 1
                totals["partitions"] += len(table.partitions)
                totals["files"] += table.files
                totals["rows"] += table.rows
                totals["bytes"] += table.bytes
                continue
            partitions = [
                {
                    "values": partition.value_list,
                    "location": partition.location,
                    "rows": partition.rows,
                    "files": partition.files,
                    "bytes": partition.bytes,
                }
                for partition in table.partitions
            ]
            entries.append(
                {
                    "name": spec.name,
                    "format": spec.format.value,
                    "is_iceberg": kind_for(spec.format).is_iceberg,
                    "table_type": "EXTERNAL_TABLE",
                    "location": table.location,
                    "metadata_location": table.metadata_location,
                    "columns": glue_shapes.columns(spec),
                    "partition_keys": table.partition_keys,
                    "partitions": partitions,
                    "rows": table.rows,
                    "value_digest": table.value_digest,
                    "files": table.files,
                    "bytes": table.bytes,
                    "objects": [
                        {"key": file.key, "bytes": file.bytes} for file in manifest.files_of(table)
                    ],
                    "labels": dict(spec.parameters),
                    "expected": findings.expected(findings.registered_table(spec, table)),
                    "rules_version": findings.RULES_VERSION,
                }
            )
            totals["tables"] += 1
            totals["partitions"] += len(partitions)
            totals["files"] += table.files
            totals["rows"] += table.rows
            totals["bytes"] += table.bytes
        databases.append(
            {
                "name": naming.database_name(env, database.role),
                "role": database.role,
                "location": database.location,
                "table_count": len(entries),
                "tables": entries,
                **zoo_glue.database_facts(database.role),
            }
        )
        totals["databases"] += 1
    return {
        "format_version": FORMAT_VERSION,
        "stack": stack,
        "env": env,
        "region": region,
        "bucket": bucket,
        "seed": manifest.seed,
        "databases": databases,
        "totals": totals,
    }


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def ground_truth_uri(bucket: str) -> str:
    return f"s3://{bucket}/{GROUND_TRUTH_KEY}"
