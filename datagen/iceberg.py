"""Iceberg format v2 tables written with pyiceberg, deterministically.

The table is created in a throw-away SQL catalog (SQLite in memory) at its final
location (``s3://bucket/...`` or ``file:///...``) while ``MirrorFileIO`` puts the
bytes into the local output folder. The metadata JSON, manifest list and manifests
therefore carry the absolute paths the table will be read from.

pyiceberg draws table and file ids from ``uuid.uuid4``, the Avro sync marker from
``os.urandom`` and timestamps from the clock. ``pinned_pyiceberg`` replaces exactly
those inputs, inside pyiceberg's own modules and only while a table is written, with
a stream derived from the table seed and a clock that starts at the reference date.
These are pyiceberg internals: the version is pinned and a test checks that two
processes write byte-identical tables.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import numpy as np
import pyarrow as pa
import pyiceberg.avro.file
import pyiceberg.io.pyarrow
import pyiceberg.table
import pyiceberg.table.locations
import pyiceberg.table.metadata
import pyiceberg.table.snapshots
import pyiceberg.table.update
import pyiceberg.table.update.snapshot
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.io import PY_IO_IMPL
from pyiceberg.io.pyarrow import PyArrowFile, PyArrowFileIO, pyarrow_to_schema, write_file
from pyiceberg.table import WriteTask

from datagen.catalog import REFERENCE_DATE
from datagen.rows import TablePlan

MIRROR_BASE = "datagen.mirror.base"
MIRROR_ROOT = "datagen.mirror.root"

# Rows per Iceberg data file; the rows of one file are held in memory while it is written.
FILE_ROWS = 1_048_576

TABLE_PROPERTIES = {
    "format-version": "2",
    "write.format.default": "parquet",
    "write.parquet.compression-codec": "zstd",
}

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# pyiceberg's random and clock inputs are module globals: one table at a time.
_PINNED = threading.Lock()


class MirrorFileIO(PyArrowFileIO):
    """A FileIO that records files under the URI ``datagen.mirror.base`` while reading
    and writing them under the local folder ``datagen.mirror.root``."""

    def __init__(self, properties: dict[str, str] | None = None):
        properties = dict(properties or {})
        super().__init__(properties=properties)
        self._base = properties[MIRROR_BASE].rstrip("/") + "/"
        self._root = Path(properties[MIRROR_ROOT])

    def local_path(self, location: str) -> Path:
        if not location.startswith(self._base):
            raise ValueError(f"{location} is outside the mirrored location {self._base}")
        return self._root / location[len(self._base) :]

    def _file(self, location: str) -> PyArrowFile:
        return PyArrowFile(
            location=location,
            path=str(self.local_path(location)),
            fs=self.fs_by_scheme("file", None),
        )

    def new_input(self, location: str) -> PyArrowFile:
        return self._file(location)

    def new_output(self, location: str) -> PyArrowFile:
        self.local_path(location).parent.mkdir(parents=True, exist_ok=True)
        return self._file(location)

    def delete(self, location: Any) -> None:
        self.local_path(getattr(location, "location", location)).unlink()


def mirror_properties(location: str, root: Path) -> dict[str, str]:
    """Catalog or table properties that map ``location`` to the folder ``root``."""
    return {
        PY_IO_IMPL: f"{MirrorFileIO.__module__}.{MirrorFileIO.__qualname__}",
        MIRROR_BASE: location,
        MIRROR_ROOT: str(root),
    }


# --- pinned random and clock inputs ---------------------------------------------------


class _Shadow:
    """Stands in for a module inside one pyiceberg module: some attributes replaced,
    the rest forwarded to the real module."""

    def __init__(self, module: ModuleType, **overrides: Any):
        self._module = module
        vars(self).update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


class _SeededInputs:
    """Ids, random bytes and a clock, all from one seeded generator. The clock starts at
    the end of the reference date (plus a seeded offset) and ticks 1 ms per reading."""

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self._lock = threading.Lock()
        midnight = dt.datetime.combine(REFERENCE_DATE + dt.timedelta(days=1), dt.time(), dt.UTC)
        self._next_ms = int(midnight.timestamp()) * 1000 + int(rng.integers(0, 3_600_000))

    def random_bytes(self, size: int) -> bytes:
        with self._lock:
            return self._rng.bytes(size)

    def uuid4(self) -> uuid.UUID:
        return uuid.UUID(bytes=self.random_bytes(16), version=4)

    def millis(self) -> int:
        with self._lock:
            self._next_ms += 1
            return self._next_ms

    def seconds(self) -> float:
        # Half a millisecond more, so that int(seconds * 1000) gives back the millisecond.
        return (self.millis() + 0.5) / 1000

    def datetime_class(self) -> type[dt.datetime]:
        inputs = self

        class PinnedDatetime(dt.datetime):
            @classmethod
            def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
                moment = _EPOCH + dt.timedelta(milliseconds=inputs.millis())
                return moment.astimezone(tz) if tz else moment

        return PinnedDatetime


@contextmanager
def pinned_pyiceberg(rng: np.random.Generator) -> Iterator[None]:
    """pyiceberg's uuid4, Avro sync marker and clock, drawn from ``rng`` meanwhile."""
    inputs = _SeededInputs(rng)
    pinned_uuid = _Shadow(uuid, uuid4=inputs.uuid4)
    pinned_datetime = inputs.datetime_class()
    patches = [
        (pyiceberg.table.metadata, "uuid", pinned_uuid),
        (pyiceberg.table.metadata, "datetime", _Shadow(dt, datetime=pinned_datetime)),
        (pyiceberg.table, "uuid", pinned_uuid),
        (pyiceberg.table.update, "datetime", pinned_datetime),
        (pyiceberg.table.update.snapshot, "uuid", pinned_uuid),
        (pyiceberg.table.snapshots, "time", _Shadow(time, time=inputs.seconds)),
        (pyiceberg.table.locations, "uuid", pinned_uuid),
        (pyiceberg.io.pyarrow, "uuid", pinned_uuid),
        (pyiceberg.avro.file, "os", _Shadow(os, urandom=inputs.random_bytes)),
    ]
    with _PINNED, ExitStack() as stack:
        for module, name, replacement in patches:
            stack.enter_context(mock.patch.object(module, name, replacement))
        yield


# --- the writer ------------------------------------------------------------------------


def _file_groups(batches: Iterable[pa.RecordBatch], rows: int) -> Iterator[list[pa.RecordBatch]]:
    group: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        group.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield group
            group, count = [], 0
    if group:
        yield group


def write_iceberg_table(plan: TablePlan, root: Path) -> tuple[str, dict[str, int]]:
    """Write ``plan`` as an Iceberg v2 table (one snapshot) whose files land under ``root``.

    Returns the table's metadata location and the row count of each data file by its
    location.
    """
    spec = plan.spec
    (partition,) = plan.partitions
    rows_by_location: dict[str, int] = {}
    with pinned_pyiceberg(plan.metadata_rng()):
        catalog = SqlCatalog(
            "datagen", uri="sqlite:///:memory:", **mirror_properties(plan.location, root)
        )
        catalog.create_namespace(spec.role)
        table = catalog.create_table(
            (spec.role, spec.name),
            schema=spec.arrow_schema,
            location=plan.table_location,
            properties=TABLE_PROPERTIES,
        )
        with table.transaction() as transaction:
            metadata = transaction.table_metadata
            task_schema = pyarrow_to_schema(
                spec.arrow_schema,
                name_mapping=metadata.schema().name_mapping,
                format_version=metadata.format_version,
            )
            with transaction.update_snapshot().fast_append() as append:
                groups = _file_groups(plan.batches(partition), FILE_ROWS)
                for task_id, batches in enumerate(groups):
                    task = WriteTask(
                        write_uuid=append.commit_uuid,
                        task_id=task_id,
                        schema=task_schema,
                        record_batches=batches,
                    )
                    for data_file in write_file(table.io, metadata, iter([task])):
                        append.append_data_file(data_file)
                        rows_by_location[data_file.file_path] = data_file.record_count
        return table.metadata_location, rows_by_location
