"""What every zoo kind shares: the written-files record, seeded rows, Glue shapes.

Every kind module has the same small shape, so that it can later sit behind the
table-kind interface of the data generator:

- ``TABLE``: the table's default name (lowercase: see ``docs/zoo.md``, "Names");
- ``write(root, table_prefix, rows, seed, location) -> Written``: real files under
  ``root / table_prefix`` written by the format's own library; ``location`` is the
  base URI they will be read from (only formats that record absolute paths use it);
- ``glue_table(bucket, database, name, written) -> GlueTable``: the exact Glue
  ``TableInput`` (boto3 shape) and the ``PartitionInput`` of each partition;
- ``expected(written) -> dict``: the facts an assessor should find (``Expected``).

All randomness comes from ``rng(seed, prefix)``; no clock is read anywhere.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds.base import GlueTable
from datagen.kinds.hive import TEXT_INPUT, TEXT_OUTPUT
from datagen.kinds.parquet import ParquetKind

if TYPE_CHECKING:
    import numpy as np

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


def naive_format(table_input: Mapping[str, Any]) -> str:
    """The format aws2openstack's present rule gives a table (ICEBERG by ``table_type``,
    else PARQUET/ORC by the InputFormat's name, else UNKNOWN): where it differs from
    ``Expected.detected_format`` the tool is naive."""
    if table_input.get("Parameters", {}).get("table_type", "").upper() == "ICEBERG":
        return "ICEBERG"
    input_format = table_input.get("StorageDescriptor", {}).get("InputFormat", "").lower()
    if "parquet" in input_format:
        return "PARQUET"
    if "orc" in input_format:
        return "ORC"
    return "UNKNOWN"
