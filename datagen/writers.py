"""One writer per file format, behind one interface, chosen from ``WRITERS``.

A writer turns a ``TablePlan`` into files below an output root and says what it
wrote; hashing, sizes and the manifest are the generator's business. The Hive-style
formats share the partition layout (``<prefix>/<key>=<value>/part-00000.<ext>``,
partition columns only in the path) and differ only in how one file is written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.orc as pa_orc
import pyarrow.parquet as pq

from datagen.catalog import Format
from datagen.rows import TablePlan

PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet"
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class WrittenFile:
    key: str
    """The path below the output root, which is also the object's S3 key."""
    kind: str
    """``data`` for rows; ``metadata``, ``manifest-list`` or ``manifest`` for Iceberg."""
    content_type: str
    rows: int | None = None
    partition: dict[str, str] | None = None


@dataclass(frozen=True)
class WrittenTable:
    files: list[WrittenFile]
    metadata_location: str | None = None


class Writer(Protocol):
    def write_table(self, plan: TablePlan, root: Path) -> WrittenTable: ...


class HiveWriter(ABC):
    """One file per partition (or one for an unpartitioned table)."""

    extension: str
    content_type: str

    def write_table(self, plan: TablePlan, root: Path) -> WrittenTable:
        files = []
        for partition in plan.partitions:
            folder = "/".join(part for part in (plan.spec.prefix, partition.path) if part)
            key = f"{folder}/part-00000.{self.extension}"
            path = root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            self.write_file(path, plan.spec.arrow_schema, plan.batches(partition))
            files.append(
                WrittenFile(
                    key=key,
                    kind="data",
                    content_type=self.content_type,
                    rows=partition.rows,
                    partition=partition.values_by_key(plan.spec) if partition.values else None,
                )
            )
        return WrittenTable(files)

    @abstractmethod
    def write_file(self, path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
        """Write ``batches`` (which all have ``schema``) as one file at ``path``."""


class ParquetWriter(HiveWriter):
    """Parquet as Hive, Athena, Spark and Trino read it: INT96 timestamps, int32 for
    ``int``, fixed-length decimals, Snappy pages.

    INT96 because Hive's ``ParquetHiveSerDe`` (2.3, as in EMR and Spark's Hive SerDe
    path) reads no other timestamp encoding, and it is what Spark, Glue ETL and
    Athena's Hive writer produce; every engine of docs/engines.md reads its wall clock."""

    extension = "parquet"
    content_type = PARQUET_CONTENT_TYPE

    def write_file(self, path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
        with pq.ParquetWriter(
            path,
            schema,
            compression="snappy",
            version="2.6",
            use_deprecated_int96_timestamps=True,
        ) as writer:
            for batch in batches:
                writer.write_batch(batch)


class OrcWriter(HiveWriter):
    """ORC, compressed. Athena reads ORC columns by position: the file's column order is
    the catalog's, which is also the Glue column order."""

    extension = "orc"
    content_type = OCTET_STREAM

    def write_file(self, path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
        writer = pa_orc.ORCWriter(str(path), compression="snappy")
        try:
            wrote = False
            for batch in batches:
                writer.write(pa.Table.from_batches([batch], schema=schema))
                wrote = True
            if not wrote:
                writer.write(schema.empty_table())
        finally:
            writer.close()


class CsvWriter(HiveWriter):
    """CSV without a header line, RFC 4180 quoting (quotes doubled, never backslash-escaped),
    as OpenCSVSerde reads it; every column is text. No header because Spark ignores
    ``skip.header.line.count`` and would return each header as a row."""

    extension = "csv"
    content_type = "text/csv"

    def write_file(self, path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
        options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
        with pa_csv.CSVWriter(path, schema, write_options=options) as writer:
            for batch in batches:
                writer.write_batch(batch)


class IcebergWriter:
    """An Iceberg v2 table: Parquet data files, manifests, a manifest list and metadata."""

    def write_table(self, plan: TablePlan, root: Path) -> WrittenTable:
        # pyiceberg takes about 1 s to import: only a run that writes Iceberg pays for it.
        from datagen.iceberg import write_iceberg_table

        metadata_location, rows_by_location = write_iceberg_table(plan, root)
        base = plan.location.rstrip("/") + "/"
        table_root = root / plan.spec.prefix
        rows_by_key = {location[len(base) :]: rows for location, rows in rows_by_location.items()}
        files = []
        for path in sorted(p for p in table_root.rglob("*") if p.is_file()):
            key = path.relative_to(root).as_posix()
            if key in rows_by_key:
                files.append(WrittenFile(key, "data", PARQUET_CONTENT_TYPE, rows=rows_by_key[key]))
            elif path.name.endswith(".metadata.json"):
                files.append(WrittenFile(key, "metadata", "application/json"))
            elif path.name.startswith("snap-"):
                files.append(WrittenFile(key, "manifest-list", "application/avro"))
            elif path.suffix == ".avro":
                files.append(WrittenFile(key, "manifest", "application/avro"))
            else:
                raise RuntimeError(f"unexpected file {key} in Iceberg table {plan.spec.name}")
        return WrittenTable(files, metadata_location=metadata_location)


WRITERS: dict[Format, Writer] = {
    Format.PARQUET: ParquetWriter(),
    Format.ORC: OrcWriter(),
    Format.CSV: CsvWriter(),
    Format.ICEBERG: IcebergWriter(),
}


def writer_for(file_format: Format | str) -> Writer:
    try:
        return WRITERS[Format(file_format)]
    except (KeyError, ValueError):
        known = ", ".join(str(f) for f in WRITERS)
        raise KeyError(f"no writer for format {file_format!r}; the formats are: {known}") from None
