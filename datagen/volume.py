"""The volume tables: rows made where they live, by a Glue Spark job, and their numpy twin.

The volume family (``families/volume``) declares two tables that an AWS Glue job writes in
the stack's bucket: ``events``, Hive-style Parquet partitioned by ``day``, and
``events_iceberg``, an Iceberg v2 table with the same columns. The job's script is
``datagen/volume_job.py`` (PySpark only); this module is the project's own implementation
of the same rows in numpy, and the plan both follow: how many rows a size in GB makes,
which days they fall on, where each table lives.

Every value is a pure function of (seed, table, row number), so any split of the rows
over Spark tasks gives the same rows:

- each table has a 64-bit *stream*, ``mix64(seed ^ key(table))``, where ``key`` is the
  first 8 bytes (big-endian) of the SHA-256 of the table's name;
- column slot ``c`` (0 to 15) of row ``r`` draws ``h = mix64(stream + GOLDEN * (16 r + c + 1))``:
  the ``16 r + c + 1``-th output of splitmix64 started at ``stream``; all arithmetic is
  modulo 2**64 (numpy ``uint64``; Spark ``bigint`` with ANSI mode off, which wraps);
- ``u = h >> 11`` (53 bits, never negative in either) gives the bounded values.

The columns (``COLUMNS``), each from its own slot:

=============  ==============  ==================================================================
column         Glue type       value of row ``r``
=============  ==============  ==================================================================
event_id       bigint          ``EVENT_ID_BASE + r``: 13 digits, so the digest's byte order of
                               the rows is their row order (below)
user_id        bigint          ``1 + u1 % 5,000,000``; NULL when ``u8 % 50 == 0``
event_type     string          ``EVENT_TYPES[u2 % 7]``
amount         decimal(12,2)   ``(u3 % 10,000,000) / 100``
quantity       int             ``1 + u4 % 20``
score          double          ``(u5 % 2**20) / 8``: eighths below 131,072, which Java's and
                               Python's shortest double texts write alike
event_time     timestamp       the row's day at 00:00:00 plus ``u6 % 86,400`` seconds (UTC)
session_id     string          ``h7`` as 16 lowercase hex digits
day            string          ``FIRST_DAY + floor(r * days / rows)`` days, ``YYYY-MM-DD``
=============  ==============  ==================================================================

``day`` is the Parquet table's partition key and the Iceberg table's last column, so the
two tables' rows have the same canonical text form (``datagen.digest``); the day of a row
is a function of its number, so the partitions and their row counts are known before
the job runs.

The value digest sorts the rows' text by its UTF-8 bytes. Every row's text starts with
its ``event_id``, 13 digits followed by a tab, so that order is the row order: the job
hashes its rows as it makes them, a range at a time, with no sort.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from datagen.catalog import EVENT_TYPES
from datagen.values import REFERENCE_DATE

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

ROLE = "volume"
"""The Glue database of the volume tables: ``<env>_volume``."""
PARQUET_TABLE = "events"
ICEBERG_TABLE = "events_iceberg"
TABLES = (PARQUET_TABLE, ICEBERG_TABLE)
PARTITION_KEY = ("day", "string")
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "bigint"),
    ("user_id", "bigint"),
    ("event_type", "string"),
    ("amount", "decimal(12,2)"),
    ("quantity", "int"),
    ("score", "double"),
    ("event_time", "timestamp"),
    ("session_id", "string"),
)
"""The data columns of both tables in file order; the Parquet table adds the partition
key ``day``, the Iceberg table holds ``day`` as its last column."""

GOLDEN = 0x9E3779B97F4A7C15
SLOTS = 16
EVENT_ID_BASE = 1_000_000_000_000
USERS = 5_000_000
NULL_USER_EVERY = 50
CENTS = 10_000_000
QUANTITIES = 20
SCORE_EIGHTHS = 2**20
SECONDS_PER_DAY = 86_400
MAX_ROWS = 9 * EVENT_ID_BASE
"""Rows per table that keep ``event_id`` at 13 digits (the digest's order needs it)."""

MIN_DAYS = 7
MAX_DAYS = 366


@dataclass(frozen=True)
class Measured:
    """The script's speed and output size, measured by ``benchmarks/bench_volume.py``
    (medians of 5 runs of 1,000,000 rows per table on one local core; docs/volume.md)."""

    bytes_per_row: Mapping[str, float]
    """Bytes of each table's files per row (Parquet: snappy, Hive-compatible decimals,
    INT96 timestamps; Iceberg: its default, zstd): what turns ``volumeGb`` into rows."""
    write_rows_per_core_second: Mapping[str, float]
    digest_rows_per_core_second: Mapping[str, float]
    """The digest pass: rendering the rows' canonical text and hashing it."""
    text_bytes_per_row: float
    """Bytes of a row's canonical text, its newline included."""
    driver_hash_bytes: float
    """Bytes of text per second the driver's SHA-256 takes in (one core)."""


MEASURED = Measured(
    bytes_per_row=MappingProxyType({PARQUET_TABLE: 42.92, ICEBERG_TABLE: 26.59}),
    write_rows_per_core_second=MappingProxyType({PARQUET_TABLE: 80_710, ICEBERG_TABLE: 111_557}),
    digest_rows_per_core_second=MappingProxyType({PARQUET_TABLE: 39_365, ICEBERG_TABLE: 44_324}),
    text_bytes_per_row=98.94,
    driver_hash_bytes=213e6,
)
ROWS_PER_TASK = 2_000_000
"""Rows of one Spark task of the write: about 86 MB of Parquet, one file per day it
touches."""

_MASK = (1 << 64) - 1
_MUL1 = 0xBF58476D1CE4E5B9
_MUL2 = 0x94D049BB133111EB


def mix64_int(value: int) -> int:
    """splitmix64's finaliser on one Python int (modulo 2**64)."""
    z = value & _MASK
    z = ((z ^ (z >> 30)) * _MUL1) & _MASK
    z = ((z ^ (z >> 27)) * _MUL2) & _MASK
    return z ^ (z >> 31)


def table_key(table: str) -> int:
    """The first 8 bytes (big-endian) of the SHA-256 of the table's name."""
    return int.from_bytes(hashlib.sha256(table.encode()).digest()[:8], "big")


def stream(seed: int, table: str) -> int:
    """The table's 64-bit stream for ``seed``."""
    return mix64_int(seed ^ table_key(table))


# --- the plan: rows, days, partitions, locations ----------------------------------------


@dataclass(frozen=True)
class VolumePlan:
    """What the job makes, as functions of the configuration only."""

    seed: int
    rows: int
    """Rows per table."""
    days: int
    first_day: dt.date
    partitions: int
    """Spark tasks of the write (any number gives the same rows)."""

    @property
    def day_values(self) -> list[str]:
        return [(self.first_day + dt.timedelta(days=d)).isoformat() for d in range(self.days)]

    def day_rows(self) -> list[int]:
        """Rows of each day: those ``r`` with ``floor(r * days / rows) == d``."""
        return [
            _first_row(d + 1, self.rows, self.days) - _first_row(d, self.rows, self.days)
            for d in range(self.days)
        ]

    def arguments(self, output: str) -> dict[str, str]:
        """The job run's arguments (``datagen/volume_job.py``'s command line)."""
        return {
            "--output": output,
            "--seed": str(self.seed),
            "--rows": str(self.rows),
            "--days": str(self.days),
            "--first-day": self.first_day.isoformat(),
            "--partitions": str(self.partitions),
        }

    def argv(self, output: str) -> list[str]:
        """The same arguments as a command line (a local run of the script)."""
        return [part for pair in self.arguments(output).items() for part in pair]


def _first_row(day: int, rows: int, days: int) -> int:
    """The first row of day ``day``: the least ``r`` with ``r * days >= day * rows``."""
    return -(-day * rows // days)


def rows_for(volume_gb: int) -> int:
    """Rows per table so that both tables together hold about ``volume_gb`` GB."""
    return math.ceil(volume_gb * 1e9 / sum(MEASURED.bytes_per_row.values()))


def days_for(volume_gb: int) -> int:
    """Day partitions: about 1 GB of Parquet each, at least a week, at most a year."""
    sizes = MEASURED.bytes_per_row
    parquet_gb = volume_gb * sizes[PARQUET_TABLE] / sum(sizes.values())
    return min(MAX_DAYS, max(MIN_DAYS, math.ceil(parquet_gb)))


def plan_for(volume_gb: int, seed: int) -> VolumePlan:
    """The plan of a configured size: the days end at the reference date, like the core
    tables' daily partitions."""
    rows = rows_for(volume_gb)
    days = days_for(volume_gb)
    return VolumePlan(
        seed=seed,
        rows=rows,
        days=days,
        first_day=REFERENCE_DATE - dt.timedelta(days=days - 1),
        partitions=max(1, math.ceil(rows / ROWS_PER_TASK)),
    )


@dataclass(frozen=True)
class Layout:
    """Where the job writes, below its output prefix ``s3://<bucket>/volume/data/``."""

    output: str

    @property
    def parquet_location(self) -> str:
        return f"{self.output}{PARQUET_TABLE}/"

    def day_location(self, day: str) -> str:
        return f"{self.parquet_location}{PARTITION_KEY[0]}={day}/"

    @property
    def iceberg_warehouse(self) -> str:
        """The job's Iceberg Hadoop catalog: tables at ``<warehouse>/<namespace>/<name>``."""
        return self.output

    @property
    def iceberg_location(self) -> str:
        return f"{self.output}iceberg/{ICEBERG_TABLE}"

    @property
    def iceberg_metadata_location(self) -> str:
        """A Hadoop catalog names its metadata ``v<N>.metadata.json``; the job creates the
        table in one commit into an emptied prefix, so it is always ``v1``."""
        return f"{self.iceberg_location}/metadata/v1.metadata.json"

    @property
    def truth_location(self) -> str:
        return f"{self.output}_truth.json"


def layout(bucket: str) -> Layout:
    return Layout(f"s3://{bucket}/volume/data/")


# --- the rows in numpy --------------------------------------------------------------------


def _mix64(z: np.ndarray) -> np.ndarray:
    import numpy as np

    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MUL1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MUL2)
    return z ^ (z >> np.uint64(31))


def _slot(table_stream: int, rows: np.ndarray, slot: int) -> np.ndarray:
    import numpy as np

    with np.errstate(over="ignore"):
        position = rows * np.uint64(SLOTS) + np.uint64(slot + 1)
        return _mix64(np.uint64(table_stream) + np.uint64(GOLDEN) * position)


def _hex16(values: np.ndarray) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    digits = np.frombuffer(b"0123456789abcdef", np.uint8)
    nibbles = values[:, None] >> (np.arange(15, -1, -1, dtype=np.uint64) * np.uint64(4))
    text = digits[(nibbles & np.uint64(15)).astype(np.intp)].astype(np.uint8)
    offsets = np.arange(0, 16 * (len(values) + 1), 16, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())]
    )


def _decimal(unscaled: np.ndarray, precision: int, scale: int) -> pa.Array:
    """A decimal128 array of non-negative unscaled integers (no Python objects)."""
    import numpy as np
    import pyarrow as pa

    words = np.zeros((len(unscaled), 2), np.int64)
    words[:, 0] = unscaled.astype(np.int64)
    return pa.Array.from_buffers(
        pa.decimal128(precision, scale), len(unscaled), [None, pa.py_buffer(words.tobytes())]
    )


def rows(plan: VolumePlan, table: str, start: int = 0, stop: int | None = None) -> pa.Table:
    """Rows ``start`` to ``stop`` of ``table`` as Arrow, the columns of ``COLUMNS`` then
    ``day``, each in the Arrow type of its Glue type (``datagen.catalog.arrow_type``)."""
    import numpy as np
    import pyarrow as pa

    from datagen.catalog import arrow_type

    stop = plan.rows if stop is None else stop
    numbers = np.arange(start, stop, dtype=np.uint64)
    table_stream = stream(plan.seed, table)

    def bounded(slot: int, modulus: int) -> np.ndarray:
        return (_slot(table_stream, numbers, slot) >> np.uint64(11)) % np.uint64(modulus)

    day_index = (numbers * np.uint64(plan.days)) // np.uint64(plan.rows)
    first_day = np.datetime64(plan.first_day.isoformat(), "D")
    days = first_day + day_index.astype("timedelta64[D]")
    midnight = days.astype("datetime64[s]")
    users = 1 + bounded(1, USERS).astype(np.int64)
    values = {
        "event_id": pa.array(EVENT_ID_BASE + numbers.astype(np.int64)),
        "user_id": pa.array(users, mask=bounded(8, NULL_USER_EVERY) == 0),
        "event_type": pa.array(np.array(EVENT_TYPES)[bounded(2, len(EVENT_TYPES))]),
        "amount": _decimal(bounded(3, CENTS), 12, 2),
        "quantity": pa.array(1 + bounded(4, QUANTITIES).astype(np.int32)),
        "score": pa.array(bounded(5, SCORE_EIGHTHS).astype(np.float64) / 8.0),
        "event_time": pa.array(midnight + bounded(6, SECONDS_PER_DAY).astype("timedelta64[s]")),
        "session_id": _hex16(_slot(table_stream, numbers, 7)),
        PARTITION_KEY[0]: pa.array(np.datetime_as_string(days, unit="D")),
    }
    types = dict(COLUMNS) | dict([PARTITION_KEY])
    return pa.table({name: array.cast(arrow_type(types[name])) for name, array in values.items()})


def glue_types() -> list[str]:
    """The Glue types of a row's canonical text: the columns, then ``day``."""
    return [glue_type for _, glue_type in COLUMNS] + [PARTITION_KEY[1]]


def batches(plan: VolumePlan, table: str, size: int = 1 << 20) -> Iterator[pa.Table]:
    for start in range(0, plan.rows, size):
        yield rows(plan, table, start, min(plan.rows, start + size))


def value_digest(plan: VolumePlan, table: str) -> str:
    """The table's value digest (``datagen.digest``), from its rows drawn here."""
    import pyarrow as pa

    from datagen.digest import digest_rows

    return digest_rows(pa.concat_tables(batches(plan, table)), glue_types())
