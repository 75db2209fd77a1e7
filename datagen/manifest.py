"""``manifest.json``: every generated file, table and partition, with sizes and hashes.

The manifest is part of the output and as deterministic as the files: keys are
sorted, there is no timestamp, and it names the base location the Iceberg metadata
records, so one manifest describes exactly one set of bytes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1


def _in_order(values: dict[str, str], keys: list[str]) -> dict[str, str]:
    return {key: values[key] for key in keys if key in values} | values


@dataclass(frozen=True)
class FileEntry:
    key: str
    """Path below the output root, which is also the S3 key below the base location."""
    table: str
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
    prefix: str
    """Key prefix of the partition's folder, ending in ``/``."""
    rows: int
    files: int
    bytes: int


@dataclass(frozen=True)
class TableEntry:
    name: str
    role: str
    format: str
    prefix: str
    location: str
    """The table's root, ``<base location>/<prefix>``."""
    rows: int
    partition_keys: list[str]
    partitions: list[PartitionEntry]
    metadata_location: str | None
    """Iceberg only: the current metadata JSON under the base location."""
    files: int
    bytes: int
    readiness: str


@dataclass
class Manifest:
    seed: int
    rows: int
    """Rows per table, as requested."""
    location: str
    """The base URI the output is recorded under (``file://...`` or ``s3://bucket[/prefix]``)."""
    tables: list[TableEntry] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    format_version: int = FORMAT_VERSION

    def table(self, name: str) -> TableEntry:
        """The table called ``name``, or whose prefix (``<role>/<name>``) is ``name``."""
        matches = [t for t in self.tables if name in (t.prefix, t.name)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            known = ", ".join(t.prefix for t in self.tables)
            raise KeyError(f"no table {name!r} in the manifest; the tables are: {known}")
        raise KeyError(
            f"table name {name!r} is ambiguous: use one of {[t.prefix for t in matches]}"
        )

    def files_of(self, table: TableEntry) -> list[FileEntry]:
        return [f for f in self.files if f.key.startswith(table.prefix + "/")]

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

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
        key_order: dict[str, list[str]] = {}
        for table in data["tables"]:
            keys = table["partition_keys"]
            key_order[table["prefix"]] = keys
            partitions = [
                PartitionEntry(**{**p, "values": _in_order(p["values"], keys)})
                for p in table["partitions"]
            ]
            tables.append(TableEntry(**{**table, "partitions": partitions}))
        files = []
        for file in data["files"]:
            keys = next(
                (k for prefix, k in key_order.items() if file["key"].startswith(prefix + "/")), []
            )
            partition = file["partition"]
            files.append(
                FileEntry(**{**file, "partition": partition and _in_order(partition, keys)})
            )
        return cls(
            seed=data["seed"],
            rows=data["rows"],
            location=data["location"],
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
