"""What every zoo kind shares: the written-files record, seeded rows, Glue shapes, and
``ZooKind``, the table kind each zoo module declares.

A zoo kind is a table kind like Parquet or Iceberg (``datagen.kinds.base.TableKind``), in
the same registry (``datagen.kinds``); its table is declared with the others
(``datagen.catalog.ZOO_TABLES``, database ``<env>_zoo``). What sets the zoo apart is that
each of its modules shapes the table's whole Glue definition itself, from the manifest
alone, with four functions that ``ZooKind`` is built from:

- ``write(root, table_prefix, rows, seed, location) -> Written``: real files under
  ``root / table_prefix`` written by the format's own library; ``location`` is the
  base URI they will be read from (only formats that record absolute paths use it);
- ``glue_table(bucket, database, name, written) -> GlueTable``: the exact Glue
  ``TableInput`` (boto3 shape) and the ``PartitionInput`` of each partition;
- ``expected(written) -> Expected``: the facts an assessor should find;
- ``rows(seed, table_prefix, rows)``: what an engine reading the table through Glue
  returns (``None`` for a table with no rows of its own: a view, a resource link).

A module may write no file (a view, a resource link, an empty table), name each file's
partition itself, register no partition (projection), or give each partition its own
columns (drift). The modules import their writers (pyarrow, numpy, fastavro, deltalake,
pyiceberg) only inside the functions that write or read files: shaping a Glue definition
from a cached manifest imports none of them (tests/datagen/kinds/test_lazy_imports.py).
All randomness comes from ``rng(seed, prefix)``; no clock is read anywhere.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from datagen.catalog import Format
from datagen.kinds.base import (
    OCTET_STREAM,
    PARQUET_CONTENT_TYPE,
    GlueTable,
    TableKind,
    WrittenTable,
)
from datagen.kinds.base import WrittenFile as KindFile
from datagen.kinds.hive import TEXT_INPUT, TEXT_OUTPUT
from datagen.kinds.parquet import ParquetKind

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from datagen.catalog import TableSpec
    from datagen.manifest import Manifest, TableEntry
    from datagen.rows import TablePlan

REFERENCE_DATE = dt.date(2024, 12, 31)

# Hive text tables (TEXT_INPUT, TEXT_OUTPUT: docs.aws.amazon.com/athena/latest/ug/
# lazy-simple-serde.html) and Parquet, named as the core kinds name them, so the zoo and
# the core tables cannot drift apart.
PARQUET_INPUT = ParquetKind.input_format
PARQUET_OUTPUT = ParquetKind.output_format
PARQUET_SERDE = ParquetKind.serde


@dataclass(frozen=True)
class WrittenFile:
    key: str  # relative to the output root, which is the bucket (or the location prefix)
    rows: int
    bytes: int
    partition: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Written:
    """What ``write`` produced: the table's prefix, its files, and kind-specific facts
    (an Iceberg metadata location, an Avro schema) that the Glue shape needs."""

    prefix: str
    files: tuple[WrittenFile, ...]
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def partitions(self) -> list[dict[str, str]]:
        """Each distinct partition, in first-written order."""
        seen: list[dict[str, str]] = []
        for f in self.files:
            if f.partition and dict(f.partition) not in seen:
                seen.append(dict(f.partition))
        return seen


@dataclass(frozen=True)
class Expected:
    """What an assessor should report from the Glue metadata alone."""

    kind: str
    detected_format: str  # AVRO, JSON, CSV, TSV, REGEX_TEXT, PARQUET, DELTA, VIEW, ICEBERG, ...
    is_iceberg: bool
    rows: int | None  # None when the rows are not the table's own (a view, a resource link)
    notes: tuple[str, ...] = ()
    iceberg_format_version: int | None = None

    def as_dict(self) -> dict[str, Any]:
        facts = asdict(self)
        facts["notes"] = list(self.notes)
        return facts


# --- randomness ------------------------------------------------------------------------


def rng(seed: int, prefix: str) -> np.random.Generator:
    """The table's own stream: the same seed and prefix give the same values, whatever
    other tables are written and in which order."""
    import numpy as np

    key = int.from_bytes(hashlib.sha256(prefix.encode()).digest()[:8], "big")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(key,))))


_NAMES = ("ada", "grace", "linus", "margaret", "ken", "barbara", "dennis", "frances")
_STATUSES = ("new", "paid", "shipped", "returned")


def sample_rows(generator: np.random.Generator, count: int, day: dt.date) -> list[dict[str, Any]]:
    """Plain order-like rows: id, name, status, amount (2 decimals), qty, ts (within ``day``)."""
    rows = []
    start = dt.datetime.combine(day, dt.time())
    for _ in range(count):
        cents = int(generator.integers(100, 1_000_000))
        rows.append(
            {
                "name": _NAMES[int(generator.integers(len(_NAMES)))],
                "status": _STATUSES[int(generator.integers(len(_STATUSES)))],
                "amount": decimal.Decimal(cents).scaleb(-2),
                "qty": int(generator.integers(1, 50)),
                "ts": start + dt.timedelta(seconds=int(generator.integers(86_400))),
            }
        )
    return rows


def days(count: int) -> list[dt.date]:
    """The ``count`` days up to the reference date, oldest first."""
    return [REFERENCE_DATE - dt.timedelta(days=count - 1 - i) for i in range(count)]


def split(rows: int, parts: int) -> list[int]:
    """``rows`` spread evenly over ``parts`` (the last parts get the remainder)."""
    base, extra = divmod(rows, parts)
    return [base + (1 if i >= parts - extra else 0) for i in range(parts)]


def file_record(
    root: Path, key: str, rows: int, partition: Mapping[str, str] | None = None
) -> WrittenFile:
    return WrittenFile(
        key=key, rows=rows, bytes=(root / key).stat().st_size, partition=dict(partition or {})
    )


# --- Glue shapes -----------------------------------------------------------------------


def table_location(bucket: str, written: Written) -> str:
    return f"s3://{bucket}/{written.prefix}/"


def columns(pairs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Name": name, "Type": glue_type} for name, glue_type in pairs]


def write_text(root: Path, key: str, data: Any, options: Any) -> Written:
    """``data`` (a pyarrow Table) as the single text file ``key`` of its table, written
    with pyarrow's CSV writer and ``options`` (its ``WriteOptions``)."""
    import pyarrow.csv as pacsv

    (root / key).parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(data, root / key, options)
    return Written(key.rpartition("/")[0], (file_record(root, key, data.num_rows),))


def text_table(
    bucket: str,
    name: str,
    written: Written,
    columns: Sequence[tuple[str, str]],
    serde: str,
    serde_parameters: Mapping[str, str],
    parameters: Mapping[str, str],
) -> GlueTable:
    """The Glue table of delimited text read by ``serde`` (TextInputFormat)."""
    descriptor = storage_descriptor(
        table_location(bucket, written),
        columns,
        TEXT_INPUT,
        TEXT_OUTPUT,
        serde,
        serde_parameters,
    )
    return GlueTable(external_table(name, descriptor, dict(parameters)))


def storage_descriptor(
    location: str,
    column_pairs: Sequence[tuple[str, str]],
    input_format: str,
    output_format: str,
    serde: str,
    serde_parameters: Mapping[str, str],
    *,
    compressed: bool = False,
    parameters: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "Columns": columns(column_pairs),
        "Location": location,
        "InputFormat": input_format,
        "OutputFormat": output_format,
        "Compressed": compressed,
        "NumberOfBuckets": -1,
        "SerdeInfo": {"SerializationLibrary": serde, "Parameters": dict(serde_parameters)},
        "BucketColumns": [],
        "SortColumns": [],
        "StoredAsSubDirectories": False,
    }
    if parameters:
        descriptor["Parameters"] = dict(parameters)
    return descriptor


def external_table(
    name: str,
    descriptor: dict[str, Any],
    parameters: Mapping[str, str],
    partition_keys: Sequence[tuple[str, str]] = (),
    *,
    by_crawler: bool = False,
) -> dict[str, Any]:
    """An EXTERNAL_TABLE; Hive DDL (Athena, Spark) adds ``EXTERNAL=TRUE`` to its
    parameters, a crawler does not."""
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": dict(parameters) if by_crawler else {"EXTERNAL": "TRUE", **parameters},
        "StorageDescriptor": descriptor,
        "PartitionKeys": columns(partition_keys),
    }


def hive_partitions(
    bucket: str,
    written: Written,
    descriptor: dict[str, Any],
    parameters: Mapping[str, str],
    columns_of: Mapping[tuple[str, ...], Sequence[tuple[str, str]]] | None = None,
) -> list[dict[str, Any]]:
    """One PartitionInput per partition: the table's descriptor at the partition's folder
    (``key=value/`` in key order), optionally with other columns (schema drift)."""
    partitions = []
    for values in written.partitions():
        folder = "/".join(f"{k}={v}" for k, v in values.items())
        part = dict(descriptor, Location=f"s3://{bucket}/{written.prefix}/{folder}/")
        key = tuple(values.values())
        if columns_of and key in columns_of:
            part["Columns"] = columns(columns_of[key])
        partitions.append(
            {
                "Values": list(values.values()),
                "StorageDescriptor": part,
                "Parameters": dict(parameters),
            }
        )
    return partitions


def crawler_parameters(
    written: Written, classification: str, compression: str, crawler: str
) -> dict[str, str]:
    """Parameters the way a Glue crawler writes them, into the table's Parameters and its
    StorageDescriptor's alike, with each partition carrying its own counts (values are
    strings; ``sizeKey`` is the crawled objects' bytes). Key set and placement as a crawled
    table shows them (stackoverflow.com/questions/58118831, "AWS Glue Catalog API:
    Parameters field"); ``compressionType`` as the crawler writes it for text files
    (docs.aws.amazon.com/glue/latest/dg/crawler-running.html)."""
    rows = written.rows
    return {
        "classification": classification,
        "compressionType": compression,
        "typeOfData": "file",
        "CrawlerSchemaDeserializerVersion": "1.0",
        "CrawlerSchemaSerializerVersion": "1.0",
        "UPDATED_BY_CRAWLER": crawler,
        "averageRecordSize": str(written.bytes // rows if rows else 0),
        "objectCount": str(len(written.files)),
        "recordCount": str(rows),
        "sizeKey": str(written.bytes),
    }


# By the file's name; S3 content types only (Athena picks codecs from the extension).
_CONTENT_TYPES = (
    (".parquet", PARQUET_CONTENT_TYPE),
    (".gz", "application/gzip"),
    (".json", "application/json"),
    (".csv", "text/csv"),
    (".tsv", "text/tab-separated-values"),
    (".avro", "application/avro"),
)
# Files that hold no rows of their own: table metadata of Iceberg and Delta, symlink lists.
_METADATA_FOLDERS = ("/metadata/", "/_delta_log/", "/_symlink_format_manifest/")


def _content_type(key: str) -> str:
    return next((t for ext, t in _CONTENT_TYPES if key.endswith(ext)), OCTET_STREAM)


def _file_kind(key: str) -> str:
    return "metadata" if any(folder in f"/{key}" for folder in _METADATA_FOLDERS) else "data"


def bucket_of(manifest: Manifest) -> str:
    """The bucket the zoo's Glue locations name: the manifest's base must be the bucket."""
    parsed = urlparse(manifest.location)
    if parsed.scheme != "s3" or parsed.path.strip("/"):
        raise ValueError(
            f"the zoo needs its files at the root of an s3:// bucket, not {manifest.location!r}: "
            "generate with location s3://<bucket>"
        )
    return parsed.netloc


def written_of(manifest: Manifest, entry: TableEntry) -> Written:
    """The zoo module's record of a table, rebuilt from the manifest alone."""
    return Written(
        prefix=entry.key,
        files=tuple(
            WrittenFile(
                key=f.key, rows=f.rows or 0, bytes=f.bytes, partition=dict(f.partition or {})
            )
            for f in manifest.files_of(entry)
        ),
        facts=dict(entry.facts or {}),
    )


_ANY_BUCKET = "bucket"
_ANY_DATABASE = "env_zoo"
"""The Glue columns of a table with rows depend on neither its bucket nor its database."""


class ZooKind(TableKind):
    """One zoo kind: a table kind built from its module's four functions (see above).

    ``name`` is the registry's key (``datagen.kinds``); ``value_columns``, where given,
    names the columns an engine returns when Glue holds a placeholder (Delta's
    ``col array<string>``).
    """

    format = Format.ZOO
    partitions_from_spec = False

    def __init__(
        self,
        name: str,
        write: Callable[[Path, str, int, int, str], Written],
        glue_table: Callable[[str, str, str, Written], GlueTable],
        expected: Callable[[Written], Expected],
        rows: Callable[[int, str, int], pa.Table | None],
        value_columns: Callable[[], Sequence[tuple[str, str]]] | None = None,
    ) -> None:
        self.name = name
        self.write = write
        self.shape = glue_table
        self.facts = expected
        self.rows = rows
        self._value_columns = value_columns

    def __repr__(self) -> str:
        return f"ZooKind({self.name!r})"

    def write_table(self, plan: TablePlan, root: Path) -> WrittenTable:
        written = self.write(root, plan.spec.key, plan.rows, plan.seed, plan.location)
        files = [
            KindFile(
                key=f.key,
                kind=_file_kind(f.key),
                content_type=_content_type(f.key),
                rows=f.rows,
                partition=dict(f.partition) or None,
            )
            for f in written.files
        ]
        # As the manifest's JSON gives them back (tuples become lists): the Glue definition
        # is the same from a fresh output and from a cached one.
        facts = json.loads(json.dumps(dict(written.facts))) or None
        return WrittenTable(
            files=files,
            metadata_location=(facts or {}).get("metadata_location"),
            facts=facts,
        )

    def check_table(
        self, root: Path, manifest: Manifest, entry: TableEntry, spec: TableSpec
    ) -> list[str]:
        """The module writes the same bytes again: every listed file equals its rewrite
        (the format readers' checks of the zoo are its tests, tests/datagen/kinds/)."""
        problems = []
        with tempfile.TemporaryDirectory(prefix="zoo-check-") as scratch:
            again = self.write(
                Path(scratch), spec.key, manifest.rows, manifest.seed, manifest.location
            )
            expected = {f.key: f.rows for f in again.files}
            partitions = {f.key: dict(f.partition) or None for f in again.files}
            for file in manifest.files_of(entry):
                if file.key not in expected:
                    problems.append(f"{file.key}: not a file the zoo writes for {spec.key}")
                    continue
                path = root / file.key
                if path.is_file():
                    rewritten = (Path(scratch) / file.key).read_bytes()
                    if rewritten != path.read_bytes():
                        problems.append(f"{file.key}: differs from what the zoo writes")
                if (file.rows or 0) != expected[file.key]:
                    problems.append(
                        f"{file.key}: {file.rows} rows, the zoo writes {expected[file.key]}"
                    )
                if file.partition != partitions[file.key]:
                    problems.append(
                        f"{file.key}: partition {file.partition}, the zoo writes "
                        f"{partitions[file.key]}"
                    )
            missing = sorted(set(expected) - {f.key for f in manifest.files_of(entry)})
            problems += [f"{key}: written by the zoo, missing from the manifest" for key in missing]
        return problems

    def storage_descriptor(self, location: str, columns: list[dict[str, str]]) -> dict[str, Any]:
        raise TypeError("a zoo table's whole Glue definition comes from glue_table")

    def table_parameters(self, entry: TableEntry) -> dict[str, str]:
        raise TypeError("a zoo table's whole Glue definition comes from glue_table")

    def glue_table(
        self, manifest: Manifest, entry: TableEntry, spec: TableSpec, database: str
    ) -> GlueTable:
        """The module's exact Glue definition (boto3 ``TableInput`` and partitions)."""
        return self.shape(bucket_of(manifest), database, spec.name, written_of(manifest, entry))

    def expected(self, manifest: Manifest, entry: TableEntry, spec: TableSpec) -> dict[str, Any]:
        """What the module says an assessor should find (kind, true format, notes)."""
        return self.facts(written_of(manifest, entry)).as_dict()

    def value_digest(self, manifest: Manifest, entry: TableEntry, spec: TableSpec) -> str | None:
        """The digest of the module's ``rows`` (seed, rows and prefix as ``write_table``
        gave them) rendered with ``value_columns``' types; ``None`` when the module says the
        table has no rows of its own (``rows`` gives ``None``: a view, a resource link)."""
        data = self.rows(manifest.seed, entry.key, manifest.rows)
        if data is None:
            return None
        # Only now: a cache hit asks again for the tables without rows, and needs no Arrow.
        from datagen.digest import digest_rows

        columns = self.value_columns(manifest, entry, spec)
        if data.column_names != [name for name, _ in columns]:
            raise ValueError(
                f"{spec.key}: the zoo module's rows have the columns {data.column_names}, "
                f"its table {[name for name, _ in columns]}: make rows() follow the Glue order"
            )
        return digest_rows(data, [glue_type for _, glue_type in columns])

    def value_columns(
        self, manifest: Manifest, entry: TableEntry, spec: TableSpec
    ) -> list[tuple[str, str]]:
        """The names and Glue types of the table's rows as an engine returns them, in
        order: its Glue definition's columns, then its partition keys, or the module's own
        ``value_columns()`` where Glue holds a placeholder."""
        if self._value_columns is not None:
            return list(self._value_columns())
        table_input = self.shape(
            _ANY_BUCKET, _ANY_DATABASE, spec.name, written_of(manifest, entry)
        ).table_input
        columns = (table_input.get("StorageDescriptor") or {}).get("Columns") or []
        keys = table_input.get("PartitionKeys") or []
        return [(c["Name"], c["Type"]) for c in [*columns, *keys]]
