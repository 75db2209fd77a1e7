"""One digest over all values of a table, the same whichever engine read them.

The canonical text form (docs/engines.md, "The value digest"):

- a row is its values in catalog order, data columns then partition keys, each as text,
  separated by a tab; text is escaped as in PostgreSQL's ``COPY`` text format
  (``\\`` → ``\\\\``, tab → ``\\t``, newline → ``\\n``, carriage return → ``\\r``) and
  NULL is ``\\N``;
- integers in decimal; ``decimal(p,s)`` with exactly ``s`` fraction digits (``12.30``);
  doubles as the shortest text that reads back as the same double, Python's ``repr``
  (``2.0``, ``0.1``, ``1e+20``); dates ``YYYY-MM-DD``; timestamps as wall-clock
  ``YYYY-MM-DD HH:MM:SS``, with ``.ffffff`` only when the microseconds are not zero;
  strings as they are; arrays as a JSON array of their elements' texts
  (``["a","b"]``, no spaces, non-ASCII kept);
- rows are sorted by their UTF-8 bytes, each ends in a newline, and the digest is the
  SHA-256 of the whole text, in hex.

Engines hand their rows over as an Arrow table whose columns have the Arrow types of
the Glue types (``datagen.catalog.arrow_type``), so one function renders them all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from datagen.catalog import TableSpec, arrow_type
from datagen.manifest import Manifest
from datagen.rows import TablePlan

NULL = "\\N"
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _escaped(text: pa.Array) -> pa.Array:
    for raw, escaped in _ESCAPES:
        text = pc.replace_substring(text, raw, escaped)
    return text


def _texts(array: pa.Array) -> pa.Array:
    """The canonical text of every value of ``array`` (NULL stays null)."""
    data_type = array.type
    if pa.types.is_floating(data_type):
        return pa.array([None if v is None else repr(float(v)) for v in array.to_pylist()])
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        items = _texts(pc.list_flatten(array)).to_pylist()
        ends = pc.list_value_length(array).to_pylist()
        texts: list[str | None] = []
        start = 0
        for valid, length in zip(array.is_valid().to_pylist(), ends, strict=True):
            if not valid:
                texts.append(None)
                continue
            texts.append(
                json.dumps(items[start : start + length], ensure_ascii=False, separators=(",", ":"))
            )
            start += length
        return pa.array(texts, pa.string())
    if pa.types.is_timestamp(data_type):
        text = array.cast(pa.timestamp("us")).cast(pa.string())  # 2024-01-02 03:04:05.000000
        return pc.replace_substring_regex(text, r"\.000000$", "")
    if pa.types.is_decimal(data_type) or pa.types.is_integer(data_type):
        return array.cast(pa.string())
    if pa.types.is_date(data_type):
        return array.cast(pa.string())
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        return array.cast(pa.string())
    if pa.types.is_boolean(data_type):
        return pc.if_else(array, "true", "false")
    raise TypeError(f"no canonical text for Arrow type {data_type}")


def row_texts(table: pa.Table, glue_types: Sequence[str]) -> list[str]:
    """Each row of ``table`` as canonical text, sorted (columns as given, in order)."""
    if table.num_columns != len(glue_types):
        raise ValueError(f"{table.num_columns} columns but {len(glue_types)} Glue types")
    if table.num_rows == 0:
        return []
    columns = []
    for column, glue_type in zip(table.columns, glue_types, strict=True):
        typed = column.combine_chunks().cast(arrow_type(glue_type))
        columns.append(pc.fill_null(_escaped(_texts(typed)), NULL))
    rows = pc.binary_join_element_wise(*columns, "\t") if len(columns) > 1 else columns[0]
    return pc.take(rows, pc.sort_indices(rows)).to_pylist()


def digest_rows(table: pa.Table, glue_types: Sequence[str]) -> str:
    """The SHA-256 (hex) of ``table``'s canonical text."""
    rows = row_texts(table, glue_types)
    text = "".join(f"{row}\n" for row in rows)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def glue_types(spec: TableSpec) -> list[str]:
    """The Glue types of a table's columns in catalog order, partition keys last."""
    return [c.glue_type for c in spec.columns] + [k.glue_type for k in spec.partition_keys]


def table_digest(spec: TableSpec, manifest: Manifest) -> str:
    """The value digest of a generated table: its rows drawn again from the manifest's
    seed, rows and location (the generator is deterministic), partition values appended."""
    plan = TablePlan(spec, manifest.rows, manifest.seed, manifest.location)
    pieces = []
    for partition in plan.partitions:
        for batch in plan.batches(partition):
            piece = pa.Table.from_batches([batch])
            for key, value in zip(spec.partition_keys, partition.values, strict=True):
                column = pa.array([value] * piece.num_rows, pa.string())
                piece = piece.append_column(key.name, column.cast(arrow_type(key.glue_type)))
            pieces.append(piece)
    if not pieces:
        return digest_rows(pa.table({}), [])
    return digest_rows(pa.concat_tables(pieces), glue_types(spec))
