"""Checks a table kind's reader applies to what it read back: the schema against the
catalog's, and every batch's values against their value specs."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa

from datagen.catalog import Column, TableSpec
from datagen.values import TimeRange


def _comparable(data_type: pa.DataType) -> pa.DataType:
    """A type with the differences the readers introduce removed: ORC gives back
    nanosecond timestamps, and list item names and string sizes vary by reader."""
    if pa.types.is_timestamp(data_type):
        return pa.timestamp("us", data_type.tz)
    if pa.types.is_large_string(data_type) or pa.types.is_string_view(data_type):
        return pa.string()
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return pa.list_(_comparable(data_type.value_type))
    return data_type


def schema_problems(where: str, actual: pa.Schema, spec: TableSpec, exact: bool) -> list[str]:
    """Columns of ``actual`` against the catalog: same names in the same order, same types
    (``exact``: including the timestamp unit, for the Parquet files engines read)."""
    expected = spec.arrow_schema
    if actual.names != expected.names:
        return [f"{where}: columns {actual.names}, the catalog says {expected.names}"]
    problems = []
    for got, want in zip(actual, expected, strict=True):
        same = got.type == want.type if exact else _comparable(got.type) == _comparable(want.type)
        if not same:
            problems.append(
                f"{where}: column {got.name} is {got.type}, the catalog says {want.type}"
            )
    return problems


class RowChecker:
    """Checks the batches of one table's files and keeps what spans files (unique ids)."""

    def __init__(self, spec: TableSpec, seed: int):
        self.spec = spec
        self.seed = seed
        self.problems: list[str] = []
        self._unique: dict[str, list[np.ndarray]] = {
            c.name: [] for c in spec.columns if c.values.unique
        }

    def check(self, where: str, batches: Iterable[pa.RecordBatch], period: TimeRange | None) -> int:
        """Check ``batches`` (rows of a partition with time range ``period``); their row count."""
        rows = 0
        for batch in batches:
            rows += batch.num_rows
            for column in self.spec.columns:
                array = batch.column(column.name)
                if isinstance(array, pa.ChunkedArray):
                    array = array.combine_chunks()
                problem = value_problem(column, array, period, self.seed)
                if problem:
                    self.problems.append(f"{where}: column {column.name}: {problem}")
                elif column.name in self._unique:
                    self._unique[column.name].append(as_drawn(column, array).to_numpy())
        return rows

    def finish(self) -> list[str]:
        for name, chunks in self._unique.items():
            ids = np.concatenate(chunks) if chunks else np.array([], dtype=np.int64)
            if len(np.unique(ids)) != len(ids):
                self.problems.append(f"{self.spec.key}: column {name} repeats values")
        return self.problems


def as_drawn(column: Column, array: pa.Array) -> pa.Array:
    """Values read back from a file in the type they were drawn as (CSV text parsed)."""
    import pyarrow as pa

    return column.values.from_text(array) if pa.types.is_string(array.type) else array


def value_problem(
    column: Column, array: pa.Array, period: TimeRange | None, seed: int
) -> str | None:
    """Why ``array`` cannot be values of ``column`` (``None`` if it can)."""
    import pyarrow as pa

    if array.null_count:
        return f"{array.null_count} null values"
    try:
        array = as_drawn(column, array)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        return f"values do not parse as drawn: {err}"
    return column.values.check(array, period, seed)
