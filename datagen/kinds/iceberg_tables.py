"""Iceberg tables written by pyiceberg, byte-identically, for the Iceberg kinds.

The files are written under ``root`` while their metadata records ``location`` (an
``s3://`` base, or ``file://`` for a local copy), through the data generator's
``MirrorFileIO``; pyiceberg's ids, Avro sync markers and clock are pinned to the table's
seeded stream by ``pinned_pyiceberg`` (see docs/datagen.md, "Determinism").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds import zoo

if TYPE_CHECKING:
    from pyiceberg.table import Table

# Iceberg type -> Glue column type, for the types the zoo's Iceberg tables use.
GLUE_TYPES = {
    "long": "bigint",
    "string": "string",
    "double": "double",
    "date": "date",
    "int": "int",
    "timestamp": "timestamp",
}


@contextmanager
def new_table(
    root: Path, table_prefix: str, seed: int, location: str, **create: Any
) -> Iterator[Table]:
    """A fresh table at ``<location>/<table_prefix>`` in a throw-away SQLite catalog,
    pyiceberg pinned meanwhile."""
    from pyiceberg.catalog.sql import SqlCatalog

    from datagen.iceberg import mirror_properties, pinned_pyiceberg

    with pinned_pyiceberg(zoo.rng(seed, table_prefix + "#iceberg")):
        catalog = SqlCatalog(
            "zoo", uri="sqlite:///:memory:", **mirror_properties(location.rstrip("/"), root)
        )
        catalog.create_namespace("zoo")
        yield catalog.create_table(
            ("zoo", table_prefix.rsplit("/", 1)[-1]),
            location=f"{location.rstrip('/')}/{table_prefix}",
            **create,
        )


def written_table(root: Path, table_prefix: str, table: Table) -> zoo.Written:
    """Every file under the table's folder (data, manifests, metadata), rows counted for
    the live data files, plus the metadata location for Glue."""
    snapshot = table.current_snapshot()
    live = {}
    if snapshot is not None:
        for task in table.scan().plan_files():
            live[task.file.file_path] = task.file.record_count
    table_location = table.metadata.location
    files = []
    for path in sorted((root / table_prefix).rglob("*")):
        if path.is_file():
            key = str(path.relative_to(root))
            uri = f"{table_location}/{path.relative_to(root / table_prefix)}"
            files.append(zoo.file_record(root, key, live.get(uri, 0)))
    columns = [(f.name, GLUE_TYPES[str(f.field_type)]) for f in table.schema().fields]
    return zoo.Written(
        table_prefix,
        tuple(files),
        {
            "metadata_location": table.metadata_location,
            "table_location": table_location,
            "columns": columns,
            "format_version": table.metadata.format_version,
            "snapshots": len(table.metadata.snapshots),
        },
    )


def glue_table(name: str, written: zoo.Written) -> zoo.GlueTable:
    """The Glue shape of an Iceberg table: ``table_type=ICEBERG`` and ``metadata_location``
    on the table, location and columns only on the descriptor
    (docs.aws.amazon.com/athena/latest/ug/querying-iceberg-creating-tables.html)."""
    facts = written.facts
    return zoo.GlueTable(
        {
            "Name": name,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {
                "table_type": "ICEBERG",
                "metadata_location": facts["metadata_location"],
            },
            "StorageDescriptor": {
                "Location": facts["table_location"],
                "Columns": zoo.columns(facts["columns"]),
            },
            "PartitionKeys": [],
        }
    )
