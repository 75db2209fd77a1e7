"""The rows an engine that honours a zoo table's Glue definition returns, as Arrow tables.

Each zoo kind with rows of its own has ``rows(seed, table_prefix, rows)``: its Glue columns
in Glue order, then its partition keys, each typed ``datagen.catalog.arrow_type`` of its
Glue type, built from the kind's own data functions. The ground truth's ``value_digest``
of a zoo table is the digest of those rows (``datagen.kinds.zoo.ZooKind.value_digest``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


def _schema(columns: Sequence[tuple[str, str]]) -> pa.Schema:
    import pyarrow as pa

    from datagen.catalog import arrow_type

    return pa.schema([pa.field(name, arrow_type(glue_type)) for name, glue_type in columns])


def from_records(
    records: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> pa.Table:
    """``records`` as the table of ``columns`` (Glue names and types, in order); a key a
    record lacks is NULL, a key the columns lack is dropped."""
    import pyarrow as pa

    return pa.Table.from_pylist([dict(r) for r in records], schema=_schema(columns))


def as_glue(data: pa.Table, columns: Sequence[tuple[str, str]]) -> pa.Table:
    """``data``'s columns named in ``columns``, in that order, cast to their Glue types."""
    return data.select([name for name, _ in columns]).cast(_schema(columns))


def with_partition(
    data: pa.Table, keys: Sequence[tuple[str, str]], values: Sequence[str]
) -> pa.Table:
    """``data`` with each partition key appended as a column of the partition's value (the
    folder's text cast to the key's Glue type), as an engine reading Glue shows it."""
    import pyarrow as pa

    from datagen.catalog import arrow_type

    for (name, glue_type), value in zip(keys, values, strict=True):
        column = pa.array([value] * data.num_rows, pa.string()).cast(arrow_type(glue_type))
        data = data.append_column(name, column)
    return data


def concat(pieces: Sequence[pa.Table], columns: Sequence[tuple[str, str]]) -> pa.Table:
    """The pieces one after the other (no piece: no rows, with the columns)."""
    import pyarrow as pa

    if not pieces:
        return _schema(columns).empty_table()
    return pa.concat_tables(pieces)
