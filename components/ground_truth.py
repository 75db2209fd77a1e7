"""Ground truth: what the stack created, for the assessment tool's own tests.

One JSON document gathers the sections the stack's families give
(``families.base.Family.truth``): the databases of every table family, with their
tables, formats, columns, partition keys and values, row counts, file counts and bytes,
and the findings each table is expected to get (``components.findings``). This module
knows none of the families: it merges their sections, adds the stack's facts and the
totals. The document is an object in the bucket (``GROUND_TRUTH_KEY``, the output
``TESTENV_GROUND_TRUTH_URI``), never an output itself: on the large profile it is several
hundred KB, too big for an environment variable. ``scripts/env`` writes it to a local file.
It is derived from the table specs and the manifest only, so it is byte-identical from one
``pulumi up`` to the next.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from components import naming
from datagen.catalog import TableSpec
from datagen.manifest import Manifest, TableEntry

GROUND_TRUTH_KEY = "_testenv/ground-truth.json"
FORMAT_VERSION = 2
_STACK_KEYS = ("format_version", "stack", "env", "region", "bucket", "seed", "totals")


def databases(
    env: str,
    manifest: Manifest,
    tables: Sequence[TableSpec],
    entry: Callable[[TableSpec, TableEntry, str], dict[str, Any]],
    facts: Callable[[str], Mapping[str, Any]] = lambda role: {},
) -> list[dict[str, Any]]:
    """The ground-truth databases of ``tables`` (a family's), in the manifest's order:
    each with ``entry(spec, table, database_name)`` for each of its tables and the
    family's ``facts(role)``."""
    roles = {spec.role for spec in tables}
    documents = []
    for database in manifest.databases:
        if database.role not in roles:
            continue
        name = naming.database_name(env, database.role)
        entries = [
            entry(spec, manifest.table(spec.key), name)
            for spec in tables
            if spec.role == database.role
        ]
        documents.append(
            {
                "name": name,
                "role": database.role,
                "location": database.location,
                "table_count": len(entries),
                "tables": entries,
                **facts(database.role),
            }
        )
    return documents


def totals(database_list: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Databases, tables, partitions, files, rows and bytes over every database."""
    counts = {"databases": 0, "tables": 0, "partitions": 0, "files": 0, "rows": 0, "bytes": 0}
    for database in database_list:
        counts["databases"] += 1
        for table in database["tables"]:
            counts["tables"] += 1
            counts["partitions"] += len(table["partitions"])
            for key in ("files", "rows", "bytes"):
                counts[key] += table[key]
    return counts


def ground_truth(
    *,
    stack: str,
    env: str,
    region: str,
    bucket: str,
    seed: int,
    sections: Iterable[Mapping[str, Any]],
) -> dict[str, Any]:
    """The document: the stack's facts, then every family's section; ``databases`` lists
    are joined in the families' order, any other key may come from one family only."""
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "stack": stack,
        "env": env,
        "region": region,
        "bucket": bucket,
        "seed": seed,
        "databases": [],
    }
    for section in sections:
        for key, value in section.items():
            if key == "databases":
                document["databases"].extend(value)
            elif key in document or key in _STACK_KEYS:
                raise ValueError(f"two families give the ground truth's {key!r}")
            else:
                document[key] = value
    document["totals"] = totals(document["databases"])
    return document


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def ground_truth_uri(bucket: str) -> str:
    return f"s3://{bucket}/{GROUND_TRUTH_KEY}"
