"""What one table's generation consists of: its partitions, their row counts, their
random streams, and the record batches drawn from those streams.

Every random stream of a table derives from ``(seed, table key)`` alone, so a
table's rows do not depend on which other tables are generated, and each partition
has its own stream, so partitions can be written in any order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa

from datagen.catalog import Column, TableSpec
from datagen.values import Batch, conform, draw

# Rows drawn and written at a time: memory is bounded by this, not by the table size.
BATCH_ROWS = 65_536

_DATA_STREAM = 0
_METADATA_STREAM = 1


@dataclass(frozen=True)
class PartitionPlan:
    """One partition (or the whole of an unpartitioned table)."""

    values: tuple[str, ...]
    path: str
    """The Hive folder below the table, ``year=2024/month=12``; empty when unpartitioned."""
    rows: int
    first_row: int
    period: tuple[dt.datetime, dt.datetime] | None
    seed: np.random.SeedSequence

    def values_by_key(self, spec: TableSpec) -> dict[str, str]:
        keys = (key.name for key in spec.partition_keys)
        return dict(zip(keys, self.values, strict=True))


@dataclass(frozen=True)
class TablePlan:
    spec: TableSpec
    rows: int
    seed: int
    location: str
    """The base URI the table's files are recorded under (``file://...`` or ``s3://...``)."""

    @property
    def table_location(self) -> str:
        return f"{self.location.rstrip('/')}/{self.spec.key}"

    @cached_property
    def _stream_key(self) -> tuple[int, ...]:
        digest = hashlib.sha256(self.spec.key.encode()).digest()
        return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))

    def _seed_sequence(self, *path: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=(*self._stream_key, *path))

    def metadata_rng(self) -> np.random.Generator:
        """A stream for what is not row data (Iceberg ids and times), apart from the rows."""
        return np.random.default_rng(self._seed_sequence(_METADATA_STREAM))

    @cached_property
    def partitions(self) -> tuple[PartitionPlan, ...]:
        partitioning = self.spec.partitioning
        all_values = partitioning.values() if partitioning else [()]
        count = len(all_values)
        plans = []
        first_row = 0
        for index, values in enumerate(all_values):
            rows = self.rows // count + (1 if index < self.rows % count else 0)
            plans.append(
                PartitionPlan(
                    values=values,
                    path=partitioning.path(values) if partitioning else "",
                    rows=rows,
                    first_row=first_row,
                    period=partitioning.period_bounds(values) if partitioning else None,
                    seed=self._seed_sequence(_DATA_STREAM, index),
                )
            )
            first_row += rows
        return tuple(plans)

    def batches(self, partition: PartitionPlan) -> Iterator[pa.RecordBatch]:
        """The partition's rows, ``BATCH_ROWS`` at a time, in the catalog's column order."""
        rng = np.random.default_rng(partition.seed)
        schema = self.spec.arrow_schema
        for offset in range(0, partition.rows, BATCH_ROWS):
            batch = Batch(
                rng=rng,
                size=min(BATCH_ROWS, partition.rows - offset),
                first_row=partition.first_row + offset,
                period=partition.period,
                seed=self.seed,
            )
            columns = [column_values(column, batch) for column in self.spec.columns]
            yield pa.RecordBatch.from_arrays(columns, schema=schema)


def column_values(column: Column, batch: Batch) -> pa.Array:
    return conform(draw(column.values, batch), column.arrow_type)
