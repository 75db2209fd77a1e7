"""The canonical text form of values and the per-table value digest (datagen.digest)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from datagen import digest
from datagen.catalog import SALES_DATA


def test_each_type_has_its_canonical_text():
    """Integers, decimals with their scale, shortest doubles, dates, wall-clock timestamps
    (micros only when set), JSON arrays, COPY-escaped strings and NULL as \\N."""
    table = pa.table(
        {
            "i": pa.array([7, None], pa.int32()),
            "d": pa.array([Decimal("12.30"), Decimal("-0.05")], pa.decimal128(10, 2)),
            "f": pa.array([2.0, 0.1]),
            "day": pa.array([dt.date(2024, 1, 2), None]),
            "ts": pa.array(
                [dt.datetime(2024, 12, 31, 23, 59, 59), dt.datetime(2024, 1, 2, 3, 4, 5, 6)],
                pa.timestamp("us"),
            ),
            "tags": pa.array([["a", "é"], []], pa.list_(pa.string())),
            "s": pa.array(["tab\there\\", "line\nend"]),
        }
    )
    types = ["int", "decimal(10,2)", "double", "date", "timestamp", "array<string>", "string"]
    assert digest.row_texts(table, types) == [
        '7\t12.30\t2.0\t2024-01-02\t2024-12-31 23:59:59\t["a","é"]\ttab\\there\\\\',
        "\\N\t-0.05\t0.1\t\\N\t2024-01-02 03:04:05.000006\t[]\tline\\nend",
    ]


def test_the_digest_is_the_sha256_of_the_sorted_lines():
    """Row order does not matter; the digest is SHA-256 over the sorted lines, each with \\n."""
    table = pa.table({"n": pa.array([2, 1], pa.int64()), "s": ["b", "a"]})
    expected = hashlib.sha256(b"1\ta\n2\tb\n").hexdigest()
    assert digest.digest_rows(table, ["bigint", "string"]) == expected
    assert digest.digest_rows(table.take([1, 0]), ["bigint", "string"]) == expected


def test_the_table_digest_is_that_of_the_files(small_output):
    """The digest of the rows drawn again from the seed equals that of the written Parquet
    files with their partition values, and one changed value changes it."""
    root, manifest = small_output
    pieces = []
    for file in (f for f in manifest.files if f.table == SALES_DATA.key):
        piece = pq.read_table(root / file.key, coerce_int96_timestamp_unit="us")
        for key in SALES_DATA.partition_keys:
            column = pa.array([file.partition[key.name]] * piece.num_rows).cast(pa.int32())
            piece = piece.append_column(key.name, column)
        pieces.append(piece)
    files = pa.concat_tables(pieces)
    types = digest.glue_types(SALES_DATA)
    assert digest.table_digest(SALES_DATA, manifest) == digest.digest_rows(files, types)
    quantity = files["quantity"].to_pylist()
    quantity[0] += 1
    changed = files.set_column(3, "quantity", pa.array(quantity, pa.int32()))
    assert digest.digest_rows(changed, types) != digest.digest_rows(files, types)
