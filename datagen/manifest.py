"""``manifest.json``: the single description of what was generated.

For each database its location; for each table its key (``<role>/<name>``), format,
location, partitions (values in key order and locations), files, rows and bytes; for
each file its key, its table's key, partition, size and hash. The Glue catalog, the
uploads, the ground truth and the stack outputs are derived from it and from the table
specs: none of them recomputes a location or a partition value.

The manifest is part of the output and as deterministic as the files: keys are
sorted, there is no timestamp, and it names the base location the Iceberg metadata
records, so one manifest describes exactly one set of bytes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
# 2: tables carry their key and folder URIs, partitions their locations, files their
# table's key, and the databases are listed.
FORMAT_VERSION = 2

TableKey = str
"""A table's unique key, ``<database role>/<table name>`` (``analytics/sales_data``).

Table names repeat across the scale databases; the key does not. It is also the
table's folder below the base location."""


def _in_order(values: dict[str, str], keys: list[str]) -> dict[str, str]:
    return {key: values[key] for key in keys if key in values} | values


@dataclass(frozen=True)
class FileEntry:
    key: str
    """Path below the output root, which is also the S3 key below the base location."""
    table: TableKey
    format: str
    kind: str
    partition: dict[str, str] | None
    rows: int | None
    bytes: int
    sha256: str
    content_type: str


@dataclass(frozen=True)
class PartitionEntry:
    values: dict[str, str]
    """Partition key to value, in key order; the folder text equals each value."""
    path: str
    """The Hive folder below the table, ``year=2024/month=12``."""
    location: str
    """The partition's folder as a URI ending in ``/`` (what Glue's partition points at)."""
    rows: int
    files: int
    bytes: int

    @property
    def value_list(self) -> list[str]:
        """The values in key order, as Glue's ``partition_values`` lists them."""
        return list(self.values.values())


@dataclass(frozen=True)
class TableEntry:
    key: TableKey
    name: str
    role: str
    format: str
    location: str
    """The table's folder, ``<base location>/<key>/`` (what Glue's table points at)."""
    rows: int
    partition_keys: list[str]
    partitions: list[PartitionEntry]
    metadata_location: str | None
    """Iceberg only: the current metadata JSON under the base location."""
    files: int
    bytes: int
    readiness: str
    value_digest: str | None = None
    """SHA-256 of the table's values in the canonical text form (``datagen.digest``);
    filled when the output enters the cache (``datagen.cache``), ``None`` before."""
    facts: dict[str, Any] | None = None
    """Kind-specific facts the Glue definition needs (zoo tables only); not written when
    ``None``, so the manifest of the core tables keeps its bytes."""


@dataclass(frozen=True)
class DatabaseEntry:
    role: str
    location: str
    """The database's folder, ``<base location>/<role>/``."""


@dataclass(frozen=True)
class Manifest:
    seed: int
    rows: int
    """Rows per table, as requested."""
    location: str
    """The base URI the output is recorded under (``file://...`` or ``s3://bucket[/prefix]``)."""
    databases: list[DatabaseEntry] = field(default_factory=list)
    """One per database role, in the order the tables first name them."""
    tables: list[TableEntry] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    """Sorted by key."""
    format_version: int = FORMAT_VERSION

    @cached_property
    def _tables(self) -> dict[TableKey, TableEntry]:
        return {table.key: table for table in self.tables}

    @cached_property
    def _files(self) -> dict[TableKey, list[FileEntry]]:
        grouped: dict[TableKey, list[FileEntry]] = {table.key: [] for table in self.tables}
        for file in self.files:
            grouped.setdefault(file.table, []).append(file)
        return grouped

    def table(self, key: TableKey) -> TableEntry:
        """The table whose key is ``key`` (``<role>/<name>``)."""
        try:
            return self._tables[key]
        except KeyError:
            known = ", ".join(self._tables)
            raise KeyError(f"no table {key!r} in the manifest; the tables are: {known}") from None

    def files_of(self, table: TableEntry) -> list[FileEntry]:
        """The table's files, sorted by key."""
        return self._files.get(table.key, [])

    def files_in(self, table: TableEntry, partition: PartitionEntry) -> list[FileEntry]:
        """The files of one partition of ``table``."""
        return [f for f in self.files_of(table) if f.partition == partition.values]

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def to_json(self) -> str:
        data = asdict(self)
        for table in data["tables"]:
            if table["facts"] is None:
                del table["facts"]
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def write(self, path: str | Path) -> Path:
        """Write to ``path`` (the file, or the output folder that gets ``manifest.json``)."""
        target = Path(path)
        if target.is_dir():
            target = target / MANIFEST_NAME
        target.write_text(self.to_json(), encoding="utf-8")
        return target

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"manifest format_version {data.get('format_version')!r} is not {FORMAT_VERSION}"
            )
        # JSON objects are written with sorted keys; partition values go back to key order.
        tables = []
        key_order: dict[TableKey, list[str]] = {}
        for table in data["tables"]:
            keys = table["partition_keys"]
            key_order[table["key"]] = keys
            partitions = [
                PartitionEntry(**{**p, "values": _in_order(p["values"], keys)})
                for p in table["partitions"]
            ]
            tables.append(TableEntry(**{**table, "partitions": partitions}))
        files = []
        for file in data["files"]:
            partition = file["partition"]
            keys = key_order.get(file["table"], [])
            files.append(
                FileEntry(**{**file, "partition": partition and _in_order(partition, keys)})
            )
        return cls(
            seed=data["seed"],
            rows=data["rows"],
            location=data["location"],
            databases=[DatabaseEntry(**d) for d in data["databases"]],
            tables=tables,
            files=files,
            format_version=data["format_version"],
        )

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        """Read ``manifest.json`` (``path`` is the file or the output folder)."""
        source = Path(path)
        if source.is_dir():
            source = source / MANIFEST_NAME
        return cls.from_dict(json.loads(source.read_text(encoding="utf-8")))
