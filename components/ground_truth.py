"""Ground truth: what the stack created, for the assessment tool's own tests.

One JSON document lists the databases, tables, formats, columns, partition keys and
values, row counts, file counts and bytes, and the readiness each table is expected to
get. It is a stack output (``TESTENV_GROUND_TRUTH``) and an object in the bucket
(``GROUND_TRUTH_KEY``). It is derived from the table catalog and the manifest only, so
it is byte-identical from one ``pulumi up`` to the next.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from components import glue_shapes, naming
from datagen import digest
from datagen.catalog import Format, TableSpec, roles
from datagen.manifest import Manifest

GROUND_TRUTH_KEY = "_testenv/ground-truth.json"
FORMAT_VERSION = 1


def _objects_by_table(manifest: Manifest) -> dict[str, list[dict[str, Any]]]:
    """``{table prefix: [{key, bytes}, ...]}`` in one pass over the manifest's files."""
    objects: dict[str, list[dict[str, Any]]] = {}
    for file in manifest.files:
        prefix = "/".join(file.key.split("/", 2)[:2])  # <role>/<table>
        objects.setdefault(prefix, []).append({"key": file.key, "bytes": file.bytes})
    return objects


def ground_truth(
    *,
    stack: str,
    env: str,
    region: str,
    bucket: str,
    tables: Sequence[TableSpec],
    manifest: Manifest,
) -> dict[str, Any]:
    objects = _objects_by_table(manifest)
    databases = []
    totals = {"databases": 0, "tables": 0, "partitions": 0, "files": 0, "rows": 0, "bytes": 0}
    for role in roles(tuple(tables)):
        entries = []
        for spec in (t for t in tables if t.role == role):
            table = manifest.table(spec.prefix)
            partitions = []
            for partition in table.partitions:
                values = tuple(partition.values[key.name] for key in spec.partition_keys)
                partitions.append(
                    {
                        "values": list(values),
                        "location": glue_shapes.partition_location(bucket, spec, values),
                        "rows": partition.rows,
                        "files": partition.files,
                        "bytes": partition.bytes,
                    }
                )
            entries.append(
                {
                    "name": spec.name,
                    "format": spec.format.value,
                    "is_iceberg": spec.format is Format.ICEBERG,
                    "table_type": "EXTERNAL_TABLE",
                    "location": glue_shapes.table_location(bucket, spec),
                    "metadata_location": table.metadata_location,
                    "columns": glue_shapes.columns(spec),
                    "partition_keys": [key.name for key in spec.partition_keys],
                    "partitions": partitions,
                    "rows": table.rows,
                    "value_digest": digest.table_digest(spec, manifest),
                    "files": table.files,
                    "bytes": table.bytes,
                    "objects": objects.get(spec.prefix, []),
                    "expected_readiness": spec.parameters.get("migration_readiness", "unknown"),
                }
            )
            totals["tables"] += 1
            totals["partitions"] += len(partitions)
            totals["files"] += table.files
            totals["rows"] += table.rows
            totals["bytes"] += table.bytes
        databases.append(
            {
                "name": naming.database_name(env, role),
                "role": role,
                "location": f"s3://{bucket}/{role}/",
                "table_count": len(entries),
                "tables": entries,
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
