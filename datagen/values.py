"""Value specs: how a column's values are drawn, and how drawn values are checked.

Each spec is a small frozen declaration used by the table catalog. ``draw`` produces a
batch of values from the batch's seeded numpy generator; ``check`` says why an array
read back from a file cannot be values of that spec. Both live on the spec, so a new
spec is one class. The drawn array is then conformed to the column's Arrow type, which
is how a timestamp becomes ``yyyy-MM-dd HH:mm:ss`` text in a CSV column declared
``string``.

numpy, pyarrow and the Faker pools are imported inside the methods: the table catalog
imports this module, and a cached ``pulumi up`` draws nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


# Every generated date derives from the seed and this date, never from the clock.
REFERENCE_DATE = dt.date(2024, 12, 31)

_EPOCH = dt.datetime(1970, 1, 1)
_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
_CSV_TIMESTAMP = "%Y-%m-%d %H:%M:%S"

TimeRange = tuple[dt.datetime, dt.datetime]
"""A half-open time range ``[start, end)``: the period a partition's rows fall in."""


@dataclass(frozen=True)
class Batch:
    """Where a batch of rows sits: its size, the table-wide index of its first row,
    its partition's time range (``None`` when unpartitioned) and the generator seed
    (for the pools)."""

    rng: np.random.Generator
    size: int
    first_row: int
    period: TimeRange | None
    seed: int


def _epoch_seconds(moment: dt.datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


def recent_days(days: int) -> TimeRange:
    """The ``days`` days up to and including the reference date, as ``[start, end)``."""
    end = dt.datetime.combine(REFERENCE_DATE + dt.timedelta(days=1), dt.time())
    return end - dt.timedelta(days=days), end


def _outside(array: pa.Array, low: Any, high: Any, *, high_open: bool = False) -> str | None:
    import pyarrow.compute as pc

    if len(array) == 0:
        return None
    least, most = pc.min_max(array).values()
    if least.as_py() < low or (most.as_py() >= high if high_open else most.as_py() > high):
        bound = ")" if high_open else "]"
        return f"values {least.as_py()}..{most.as_py()} outside [{low}, {high}{bound}"
    return None


def _not_in(array: pa.Array, allowed: pa.Array) -> str | None:
    import pyarrow.compute as pc

    missing = pc.invert(pc.is_in(array, value_set=allowed))
    if pc.any(missing).as_py():
        return f"value {pc.filter(array, missing)[0].as_py()!r} is not one it can take"
    return None


def _pool(name: str, seed: int) -> pa.Array:
    from datagen.pools import pool  # Faker: only drawing and checking need it

    return pool(name, seed)


class ValueSpec:
    """What every value spec provides."""

    unique: ClassVar[bool] = False
    """Whether values never repeat within a table (checked across all its files)."""
    json_type: ClassVar[type] = str
    """The JSON type a value has inside a ``JsonObject``."""

    def draw(self, batch: Batch) -> pa.Array:
        raise NotImplementedError

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        """Why ``array`` (as drawn, see ``from_text``) cannot be values of this spec."""
        raise NotImplementedError

    def from_text(self, array: pa.StringArray) -> pa.Array:
        """Values read back as text (CSV) in the type they were drawn as."""
        return array


class _Integers(ValueSpec):
    json_type = int

    def from_text(self, array: pa.StringArray) -> pa.Array:
        import pyarrow as pa

        return array.cast(pa.int64())


@dataclass(frozen=True)
class SequentialIds(_Integers):
    """Unique, increasing integers starting at ``start`` (ids)."""

    start: int = 1
    unique: ClassVar[bool] = True

    def draw(self, batch: Batch) -> pa.Array:
        import numpy as np
        import pyarrow as pa

        start = self.start + batch.first_row
        return pa.array(np.arange(start, start + batch.size, dtype=np.int64))

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        return _outside(array, self.start, float("inf"))


@dataclass(frozen=True)
class IntRange(_Integers):
    """Uniform integers in ``[low, high]``."""

    low: int
    high: int

    def draw(self, batch: Batch) -> pa.Array:
        import pyarrow as pa

        return pa.array(batch.rng.integers(self.low, self.high, size=batch.size, endpoint=True))

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        return _outside(array, self.low, self.high)


@dataclass(frozen=True)
class DecimalRange(ValueSpec):
    """Uniform amounts in ``[low, high]`` with exactly two decimals."""

    low: float
    high: float

    def draw(self, batch: Batch) -> pa.Array:
        import numpy as np
        import pyarrow as pa

        cents = batch.rng.integers(
            round(self.low * 100), round(self.high * 100), size=batch.size, endpoint=True
        )
        # decimal128 values are 16-byte little-endian two's complement unscaled integers.
        words = np.empty((batch.size, 2), dtype=np.int64)
        words[:, 0] = cents
        words[:, 1] = np.where(cents < 0, -1, 0)
        return pa.Array.from_buffers(pa.decimal128(38, 2), batch.size, [None, pa.py_buffer(words)])

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        return _outside(array, Decimal(f"{self.low:.2f}"), Decimal(f"{self.high:.2f}"))


@dataclass(frozen=True)
class FloatRange(ValueSpec):
    """Uniform doubles in ``[low, high)``."""

    low: float
    high: float

    def draw(self, batch: Batch) -> pa.Array:
        import numpy as np
        import pyarrow as pa

        return pa.array(np.round(batch.rng.uniform(self.low, self.high, size=batch.size), 3))

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        return _outside(array, self.low, self.high)


@dataclass(frozen=True)
class Choice(ValueSpec):
    """One of ``options``, optionally weighted."""

    options: tuple[str, ...]
    weights: tuple[float, ...] | None = None

    def draw(self, batch: Batch) -> pa.Array:
        import numpy as np
        import pyarrow as pa

        weights = None
        if self.weights is not None:
            weights = np.asarray(self.weights, dtype=np.float64)
            weights = weights / weights.sum()
        picks = batch.rng.choice(len(self.options), size=batch.size, p=weights)
        return pa.array(self.options, pa.string()).take(picks)

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        import pyarrow as pa

        return _not_in(array, pa.array(self.options, pa.string()))


@dataclass(frozen=True)
class Pool(ValueSpec):
    """A value from a pool of realistic values built with Faker (see ``datagen.pools``)."""

    name: str

    def draw(self, batch: Batch) -> pa.Array:
        values = _pool(self.name, batch.seed)
        return values.take(batch.rng.integers(0, len(values), size=batch.size))

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        return _not_in(array, _pool(self.name, seed))


@dataclass(frozen=True)
class Uuid(ValueSpec):
    """A random (seeded) UUID in its canonical text form."""

    def draw(self, batch: Batch) -> pa.Array:
        import numpy as np

        from datagen.arrays import uuid_text

        return uuid_text(batch.rng.integers(0, 256, size=(batch.size, 16), dtype=np.uint8))

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        import pyarrow.compute as pc

        bad = pc.invert(pc.match_substring_regex(array, _UUID))
        return f"{pc.filter(array, bad)[0]} is not a UUID" if pc.any(bad).as_py() else None


@dataclass(frozen=True)
class Timestamp(ValueSpec):
    """A timestamp inside the row's partition period; unpartitioned tables use the
    ``days`` days up to the reference date."""

    days: int = 30

    def draw(self, batch: Batch) -> pa.Array:
        import pyarrow as pa

        start, end = (_epoch_seconds(moment) for moment in batch.period or recent_days(self.days))
        seconds = batch.rng.integers(start, end, size=batch.size)
        return pa.array(seconds * 1_000_000, pa.timestamp("us"))

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        import pyarrow as pa

        start, end = period or recent_days(self.days)
        return _outside(array.cast(pa.timestamp("us")), start, end, high_open=True)

    def from_text(self, array: pa.StringArray) -> pa.Array:
        import pyarrow.compute as pc

        return pc.strptime(array, format=_CSV_TIMESTAMP, unit="us")


@dataclass(frozen=True)
class DateBefore(ValueSpec):
    """A date within ``days`` days up to the reference date."""

    days: int

    def draw(self, batch: Batch) -> pa.Array:
        import numpy as np
        import pyarrow as pa

        last = (REFERENCE_DATE - _EPOCH.date()).days
        days = batch.rng.integers(last - self.days + 1, last, size=batch.size, endpoint=True)
        return pa.array(days.astype(np.int32), pa.date32())

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        return _outside(array, REFERENCE_DATE - dt.timedelta(days=self.days - 1), REFERENCE_DATE)


@dataclass(frozen=True)
class JsonObject(ValueSpec):
    """A JSON object text whose keys draw from the given value specs."""

    fields: tuple[tuple[str, ValueSpec], ...]

    def draw(self, batch: Batch) -> pa.Array:
        import pyarrow as pa
        import pyarrow.compute as pc

        from datagen.arrays import json_string

        parts: list[pa.Array | str] = []
        for index, (key, values) in enumerate(self.fields):
            drawn = values.draw(batch)
            text = json_string(drawn) if pa.types.is_string(drawn.type) else drawn.cast(pa.string())
            parts += [("{" if index == 0 else ", ") + json.dumps(key) + ": ", text]
        parts.append("}")
        return pc.binary_join_element_wise(*parts, "")

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        keys = [key for key, _ in self.fields]
        for text in array.to_pylist():
            try:
                document = json.loads(text)
            except ValueError:
                return f"{text!r} is not JSON"
            if not isinstance(document, dict) or list(document) != keys:
                return f"{text!r} is not an object with the keys {keys}"
            for key, values in self.fields:
                if type(document[key]) is not values.json_type:
                    return f"{text!r}: {key} is not a {values.json_type.__name__}"
        return None


@dataclass(frozen=True)
class StringList(ValueSpec):
    """A list of ``min_len``..``max_len`` distinct strings from a pool."""

    pool: str
    min_len: int = 1
    max_len: int = 3

    def draw(self, batch: Batch) -> pa.Array:
        import numpy as np
        import pyarrow as pa

        from datagen.arrays import distinct_picks

        values = _pool(self.pool, batch.seed)
        if self.max_len > len(values):
            raise ValueError(f"pool {self.pool!r} has fewer than {self.max_len} values")
        lengths = batch.rng.integers(self.min_len, self.max_len, size=batch.size, endpoint=True)
        picks = distinct_picks(batch.rng, batch.size, len(values), self.max_len)
        offsets = np.zeros(batch.size + 1, dtype=np.int32)
        np.cumsum(lengths, out=offsets[1:])
        chosen = picks[np.arange(self.max_len) < lengths[:, None]]
        return pa.ListArray.from_arrays(pa.array(offsets), values.take(chosen))

    def check(self, array: pa.Array, period: TimeRange | None, seed: int) -> str | None:
        import pyarrow.compute as pc

        problem = _outside(pc.list_value_length(array), self.min_len, self.max_len)
        if problem:
            return f"list lengths: {problem}"
        return _not_in(pc.list_flatten(array), _pool(self.pool, seed))


def draw(values: ValueSpec, batch: Batch) -> pa.Array:
    if not isinstance(values, ValueSpec):
        raise TypeError(f"{values!r} is not a value spec")
    return values.draw(batch)


def conform(array: pa.Array, target: pa.DataType) -> pa.Array:
    """``array`` as ``target``: timestamps as text for string columns, else an Arrow cast."""
    import pyarrow as pa

    if array.type == target:
        return array
    if pa.types.is_string(target) and pa.types.is_timestamp(array.type):
        from datagen.arrays import timestamp_text

        seconds = array.cast(pa.timestamp("s")).cast(pa.int64()).to_numpy()
        return timestamp_text(seconds)
    return array.cast(target)
