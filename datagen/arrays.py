"""Vectorised text and index helpers for the value draws (numpy in, Arrow out).

Text is built from a matrix of ASCII codes for the whole batch at once, never
formatted value by value.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


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
