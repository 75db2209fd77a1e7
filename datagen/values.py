"""Column values, drawn a batch at a time from one seeded numpy generator.

Each value spec of the catalog has one vectorised draw function (``DRAWS``); the
drawn array is then conformed to the column's Arrow type, which is how a timestamp
becomes ``yyyy-MM-dd HH:mm:ss`` text in a CSV column declared ``string``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.catalog import (
    REFERENCE_DATE,
    Choice,
    Column,
    DateBefore,
    DecimalRange,
    FloatRange,
    IntRange,
    JsonObject,
    Pool,
    Sequence,
    StringList,
    Timestamp,
    Uuid,
    ValueSpec,
)
from datagen.pools import pool

_EPOCH = dt.datetime(1970, 1, 1)
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


@dataclass(frozen=True)
class Batch:
    """Where a batch of rows sits: its size, the table-wide index of its first row,
    its partition's half-open time range (``None`` when unpartitioned) and the
    generator seed (for the pools)."""

    rng: np.random.Generator
    size: int
    first_row: int
    period: tuple[dt.datetime, dt.datetime] | None
    seed: int


def _epoch_seconds(moment: dt.datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


# --- fixed-width text ----------------------------------------------------------------


def fixed_width_text(chars: np.ndarray) -> pa.StringArray:
    """A string array from an ``(n, width)`` matrix of ASCII codes, one row per value."""
    rows, width = chars.shape
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(chars, dtype=np.uint8)
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data))


def _put_digits(chars: np.ndarray, column: int, values: np.ndarray, width: int) -> None:
    for position in range(width - 1, -1, -1):
        values, digit = np.divmod(values, 10)
        chars[:, column + position] = _DIGITS[digit]


def timestamp_text(seconds: np.ndarray) -> pa.StringArray:
    """``yyyy-MM-dd HH:mm:ss`` for epoch seconds (no time zone: the clock time as stored)."""
    moments = seconds.astype("datetime64[s]")
    days = moments.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    second_of_day = (moments - days).astype(np.int64)
    chars = np.empty((len(seconds), 19), dtype=np.uint8)
    chars[:, [4, 7]] = ord("-")
    chars[:, 10] = ord(" ")
    chars[:, [13, 16]] = ord(":")
    for column, values, width in (
        (0, year, 4),
        (5, month, 2),
        (8, day, 2),
        (11, second_of_day // 3600, 2),
        (14, second_of_day // 60 % 60, 2),
        (17, second_of_day % 60, 2),
    ):
        _put_digits(chars, column, values, width)
    return fixed_width_text(chars)


def uuid_text(raw: np.ndarray) -> pa.StringArray:
    """Canonical version-4 UUID text for an ``(n, 16)`` matrix of random bytes."""
    raw = raw.copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    nibbles = np.empty((len(raw), 32), dtype=np.uint8)
    nibbles[:, 0::2] = raw >> 4
    nibbles[:, 1::2] = raw & 0x0F
    hex_chars = _HEX[nibbles]
    chars = np.full((len(raw), 36), ord("-"), dtype=np.uint8)
    for start, stop, at in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        chars[:, at : at + stop - start] = hex_chars[:, start:stop]
    return fixed_width_text(chars)


def json_string(values: pa.Array) -> pa.Array:
    """Values as JSON string literals (pool values carry no control characters)."""
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    return pc.binary_join_element_wise('"', escaped, '"', "")


# --- one draw per value spec -----------------------------------------------------------


def _sequence(spec: Sequence, batch: Batch) -> pa.Array:
    start = spec.start + batch.first_row
    return pa.array(np.arange(start, start + batch.size, dtype=np.int64))


def _int_range(spec: IntRange, batch: Batch) -> pa.Array:
    return pa.array(batch.rng.integers(spec.low, spec.high, size=batch.size, endpoint=True))


def _decimal_range(spec: DecimalRange, batch: Batch) -> pa.Array:
    cents = batch.rng.integers(
        round(spec.low * 100), round(spec.high * 100), size=batch.size, endpoint=True
    )
    # decimal128 values are 16-byte little-endian two's complement unscaled integers.
    words = np.empty((batch.size, 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(38, 2), batch.size, [None, pa.py_buffer(words)])


def _float_range(spec: FloatRange, batch: Batch) -> pa.Array:
    return pa.array(np.round(batch.rng.uniform(spec.low, spec.high, size=batch.size), 3))


def _choice(spec: Choice, batch: Batch) -> pa.Array:
    weights = None
    if spec.weights is not None:
        weights = np.asarray(spec.weights, dtype=np.float64)
        weights = weights / weights.sum()
    picks = batch.rng.choice(len(spec.options), size=batch.size, p=weights)
    return pa.array(spec.options, pa.string()).take(picks)


def _pool(spec: Pool, batch: Batch) -> pa.Array:
    values = pool(spec.name, batch.seed)
    return values.take(batch.rng.integers(0, len(values), size=batch.size))


def _uuid(spec: Uuid, batch: Batch) -> pa.Array:
    return uuid_text(batch.rng.integers(0, 256, size=(batch.size, 16), dtype=np.uint8))


def recent_days(days: int) -> tuple[dt.datetime, dt.datetime]:
    """The ``days`` days up to and including the reference date, as ``[start, end)``."""
    end = dt.datetime.combine(REFERENCE_DATE + dt.timedelta(days=1), dt.time())
    return end - dt.timedelta(days=days), end


def _timestamp(spec: Timestamp, batch: Batch) -> pa.Array:
    start, end = (_epoch_seconds(moment) for moment in batch.period or recent_days(spec.days))
    seconds = batch.rng.integers(start, end, size=batch.size)
    return pa.array(seconds * 1_000_000, pa.timestamp("us"))


def _date_before(spec: DateBefore, batch: Batch) -> pa.Array:
    last = (REFERENCE_DATE - _EPOCH.date()).days
    days = batch.rng.integers(last - spec.days + 1, last, size=batch.size, endpoint=True)
    return pa.array(days.astype(np.int32), pa.date32())


def _json_object(spec: JsonObject, batch: Batch) -> pa.Array:
    parts: list[pa.Array | str] = []
    for index, (key, values) in enumerate(spec.fields):
        drawn = draw(values, batch)
        text = json_string(drawn) if pa.types.is_string(drawn.type) else drawn.cast(pa.string())
        parts += [("{" if index == 0 else ", ") + json.dumps(key) + ": ", text]
    parts.append("}")
    return pc.binary_join_element_wise(*parts, "")


def distinct_picks(rng: np.random.Generator, rows: int, population: int, k: int) -> np.ndarray:
    """``k`` distinct indices into ``range(population)`` per row, in random order."""
    picks = np.empty((rows, k), dtype=np.int64)
    for column in range(k):
        # The n-th index not yet taken: step over the taken ones in ascending order.
        candidate = rng.integers(0, population - column, size=rows)
        for taken in np.sort(picks[:, :column], axis=1).T:
            candidate += candidate >= taken
        picks[:, column] = candidate
    return picks


def _string_list(spec: StringList, batch: Batch) -> pa.Array:
    values = pool(spec.pool, batch.seed)
    if spec.max_len > len(values):
        raise ValueError(f"pool {spec.pool!r} has fewer than {spec.max_len} values")
    lengths = batch.rng.integers(spec.min_len, spec.max_len, size=batch.size, endpoint=True)
    picks = distinct_picks(batch.rng, batch.size, len(values), spec.max_len)
    offsets = np.zeros(batch.size + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    chosen = picks[np.arange(spec.max_len) < lengths[:, None]]
    return pa.ListArray.from_arrays(pa.array(offsets), values.take(chosen))


DRAWS: dict[type, Callable[..., pa.Array]] = {
    Sequence: _sequence,
    IntRange: _int_range,
    DecimalRange: _decimal_range,
    FloatRange: _float_range,
    Choice: _choice,
    Pool: _pool,
    Uuid: _uuid,
    Timestamp: _timestamp,
    DateBefore: _date_before,
    JsonObject: _json_object,
    StringList: _string_list,
}


def draw(values: ValueSpec, batch: Batch) -> pa.Array:
    try:
        draw_values = DRAWS[type(values)]
    except KeyError:
        raise TypeError(f"no draw function for value spec {values!r}") from None
    return draw_values(values, batch)


def conform(array: pa.Array, target: pa.DataType) -> pa.Array:
    """``array`` as ``target``: timestamps as text for string columns, else an Arrow cast."""
    if array.type == target:
        return array
    if pa.types.is_string(target) and pa.types.is_timestamp(array.type):
        seconds = array.cast(pa.timestamp("s")).cast(pa.int64()).to_numpy()
        return timestamp_text(seconds)
    return array.cast(target)


def column_values(column: Column, batch: Batch) -> pa.Array:
    return conform(draw(column.values, batch), column.arrow_type)
