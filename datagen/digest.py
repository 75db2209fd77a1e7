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
  strings as they are; arrays, structs and maps as their JSON form (below);
- the JSON form of a value: a scalar's is its canonical text as a JSON string, NULL's is
  ``null``; an array's is a JSON array of its elements' JSON forms (``["a","b"]``); a
  struct's a JSON object of its fields in declared order (``{"city":"lisbon","zip":null}``);
  a map's a JSON object of its entries sorted by the key's canonical text (by UTF-8
  bytes), each key the key's canonical text (``{"qty":"3","rank":"0"}``); no spaces,
  non-ASCII kept, strings escaped as ``json.dumps`` does (``\\`` ``"``, ``\\n``,
  ``\\u0001``...);
- rows are sorted by their UTF-8 bytes, each ends in a newline, and the digest is the
  SHA-256 of the whole text, in hex.

Engines hand their rows over as an Arrow table whose columns have the Arrow types of
the Glue types (``datagen.catalog.arrow_type``), so one function renders them all.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.catalog import TableSpec, arrow_type
from datagen.manifest import Manifest
from datagen.rows import TablePlan

NULL = "\\N"
_SLICE = 65_536
# The escapes json.dumps (ensure_ascii=False) makes inside a JSON string, backslash first.
_JSON_ESCAPES = (
    ("\\", "\\\\"),
    ('"', '\\"'),
    ("\n", "\\n"),
    ("\r", "\\r"),
    ("\t", "\\t"),
    ("\b", "\\b"),
    ("\f", "\\f"),
    *((chr(code), f"\\u{code:04x}") for code in range(0x20) if chr(code) not in "\n\r\t\b\f"),
)
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _in_class(char: str) -> str:
    # Control characters as RE2 hex escapes: a raw NUL in the pattern would end it.
    return f"\\x{{{ord(char):02x}}}" if ord(char) < 0x20 else re.escape(char)


def _escaped(text: pa.Array, escapes: tuple[tuple[str, str], ...] = _ESCAPES) -> pa.Array:
    # One scan decides; most columns hold none of the characters and skip the rewrites.
    pattern = "[" + "".join(_in_class(raw) for raw, _ in escapes) + "]"
    if not pc.any(pc.match_substring_regex(text, pattern)).as_py():
        return text
    for raw, escaped in escapes:
        text = pc.replace_substring(text, raw, escaped)
    return text


def _is_nested(data_type: pa.DataType) -> bool:
    return (
        pa.types.is_list(data_type)
        or pa.types.is_large_list(data_type)
        or pa.types.is_struct(data_type)
        or pa.types.is_map(data_type)
    )


def _json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _json_forms(array: pa.Array) -> pa.Array:
    """The JSON form of every value of ``array`` (a NULL's is the text ``null``)."""
    if _is_nested(array.type):
        forms = _nested_forms(array)
    else:
        text = _escaped(_texts(array), _JSON_ESCAPES)
        forms = pc.binary_join_element_wise('"', pc.fill_null(text, ""), '"', "")
    if array.null_count:
        forms = pc.if_else(array.is_null(), "null", forms)
    return forms


def _nested_forms(array: pa.Array) -> pa.Array:
    """The JSON form of every value of a list, struct or map array (a NULL's undefined)."""
    data_type = array.type
    if pa.types.is_map(data_type):
        return _map_forms(array)
    if pa.types.is_struct(data_type):
        if data_type.num_fields == 0:
            return pa.array(["{}"] * len(array), pa.string())
        parts: list[pa.Array | str] = []
        for index in range(data_type.num_fields):
            name = _json_string(data_type.field(index).name)
            parts += ["," if index else "", name, ":", _json_forms(pc.struct_field(array, [index]))]
        return pc.binary_join_element_wise("{", *parts, "}", "")
    items = _json_forms(pc.list_flatten(array))
    offsets = array.cast(pa.list_(data_type.value_type)).offsets
    lists = pa.ListArray.from_arrays(pc.subtract(offsets, offsets[0]), items)
    return pc.binary_join_element_wise("[", pc.binary_join(lists, ","), "]", "")


def _map_forms(array: pa.Array) -> pa.Array:
    # Sorting each map's entries is per value; the zoo's maps are few and small.
    keys = _texts(array.keys).to_pylist()
    values = _json_forms(array.items).to_pylist()
    offsets = array.offsets.to_pylist()
    forms = []
    for start, end in zip(offsets, offsets[1:], strict=False):
        # Python orders str by code point, which is the order of their UTF-8 bytes.
        entries = sorted(zip(keys[start:end], values[start:end], strict=True))
        forms.append("{" + ",".join(f"{_json_string(k)}:{v}" for k, v in entries) + "}")
    return pa.array(forms, pa.string())


def _texts(array: pa.Array) -> pa.Array:
    """The canonical text of every value of ``array`` (NULL stays null)."""
    data_type = array.type
    if pa.types.is_floating(data_type):
        return pa.array([None if v is None else repr(float(v)) for v in array.to_pylist()])
    if _is_nested(data_type):
        return pc.if_else(array.is_null(), pa.scalar(None, pa.string()), _nested_forms(array))
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


def _row_array(table: pa.Table, glue_types: Sequence[str]) -> pa.Array:
    """Each row of ``table`` as canonical text, unsorted, as one Arrow string array."""
    if table.num_columns != len(glue_types):
        raise ValueError(f"{table.num_columns} columns but {len(glue_types)} Glue types")
    if table.num_rows == 0:
        return pa.array([], pa.string())
    columns = []
    for column, glue_type in zip(table.columns, glue_types, strict=True):
        typed = column.combine_chunks().cast(arrow_type(glue_type))
        columns.append(pc.fill_null(_escaped(_texts(typed)), NULL))
    return pc.binary_join_element_wise(*columns, "\t") if len(columns) > 1 else columns[0]


def _sorted(rows: pa.Array) -> pa.Array:
    return pc.take(rows, pc.sort_indices(rows))


def _sha256(rows: pa.Array) -> str:
    """SHA-256 of the sorted lines, hashed a slice at a time straight from the Arrow
    buffers (a million rows as Python strings would cost several times the memory)."""
    digest = hashlib.sha256()
    ordered = _sorted(rows)
    for start in range(0, len(ordered), _SLICE):
        lines = pc.binary_join_element_wise(ordered.slice(start, _SLICE), "\n", "")
        _, offsets_buffer, data = lines.buffers()
        offsets = np.frombuffer(offsets_buffer, np.int32, len(lines) + 1, lines.offset * 4)
        digest.update(memoryview(data)[offsets[0] : offsets[-1]])
    return digest.hexdigest()


def row_texts(table: pa.Table, glue_types: Sequence[str]) -> list[str]:
    """Each row of ``table`` as canonical text, sorted (columns as given, in order)."""
    return _sorted(_row_array(table, glue_types)).to_pylist()


def digest_rows(table: pa.Table, glue_types: Sequence[str]) -> str:
    """The SHA-256 (hex) of ``table``'s canonical text."""
    return _sha256(_row_array(table, glue_types))


def glue_types(spec: TableSpec) -> list[str]:
    """The Glue types of a table's columns in catalog order, partition keys last."""
    return [c.glue_type for c in spec.columns] + [k.glue_type for k in spec.partition_keys]


def plan_digest(plan: TablePlan) -> str:
    """The value digest of a table as the generator draws it: its rows, partition values
    appended, rendered a batch at a time."""
    spec = plan.spec
    types = glue_types(spec)
    rows = []
    for partition in plan.partitions:
        for batch in plan.batches(partition):
            piece = pa.Table.from_batches([batch])
            for key, value in zip(spec.partition_keys, partition.values, strict=True):
                column = pa.array([value] * piece.num_rows, pa.string())
                piece = piece.append_column(key.name, column.cast(arrow_type(key.glue_type)))
            rows.append(_row_array(piece, types))
    return _sha256(pa.concat_arrays(rows) if rows else pa.array([], pa.string()))


def table_digest(spec: TableSpec, manifest: Manifest) -> str:
    """The value digest of a generated table: its rows drawn again from the manifest's
    seed, rows and location (the generator is deterministic; no file is read)."""
    return plan_digest(TablePlan(spec, manifest.rows, manifest.seed, manifest.location))
