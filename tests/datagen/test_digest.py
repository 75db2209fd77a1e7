"""The canonical text form of values and the per-table value digest (datagen.digest)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datagen import digest
from datagen.catalog import SALES_DATA, arrow_type


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


def test_nested_hive_types_parse_to_arrow_types():
    """struct, map and array<struct> type strings, commas inside <> and () included,
    become the nested Arrow types with fields in declared order."""
    assert arrow_type("struct<city:string,zip:string>") == pa.struct(
        [("city", pa.string()), ("zip", pa.string())]
    )
    assert arrow_type("map<string,bigint>") == pa.map_(pa.string(), pa.int64())
    assert arrow_type("array<struct<sku:string,qty:int>>") == pa.list_(
        pa.struct([("sku", pa.string()), ("qty", pa.int32())])
    )
    assert arrow_type("struct<p:decimal(10,2),m:map<string,array<int>>>") == pa.struct(
        [("p", pa.decimal128(10, 2)), ("m", pa.map_(pa.string(), pa.list_(pa.int32())))]
    )


@pytest.mark.parametrize(
    ("glue_type", "part"),
    [
        ("map<string>", "takes a key and a value type"),
        ("array<int", "must end with '>'"),
        ("array<int>>", "unbalanced '>'"),
        ("struct<a>", "name:type, not 'a'"),
        ("struct<a:int,b:varchar(3)>", "unknown type 'varchar(3)'"),
        ("list<int>", "unknown type constructor 'list'"),
    ],
)
def test_a_bad_type_string_is_named_with_the_part_not_understood(glue_type, part):
    """A malformed or unknown type raises ValueError naming the whole type, the part that
    is wrong and the types there are."""
    with pytest.raises(ValueError, match="unsupported Glue column type") as raised:
        arrow_type(glue_type)
    assert repr(glue_type) in str(raised.value) and part in str(raised.value)
    assert "struct<name:t,...>" in str(raised.value)


def test_nested_values_have_their_json_form():
    """A struct is a JSON object in field order, a map one sorted by key, an array of
    structs a JSON array of objects; scalars inside are JSON strings of their canonical
    text, NULL inside is null, NULL outside \\N; the digest is that of the text."""
    types = [
        "struct<city:string,zip:string>",
        "map<string,bigint>",
        "array<struct<sku:string,qty:int>>",
        "struct<price:decimal(5,2),day:date,tags:array<string>>",
    ]
    table = pa.table(
        [
            pa.array([{"city": 'o"saka', "zip": None}, None], arrow_type(types[0])),
            pa.array([[("rank", 0), ("qty", 3), ("größe", -1)], []], arrow_type(types[1])),
            pa.array([[{"sku": "a\tb", "qty": 1}, None], None], arrow_type(types[2])),
            pa.array(
                [
                    {"price": Decimal("1.50"), "day": dt.date(2024, 12, 31), "tags": ["x", None]},
                    {"price": None, "day": None, "tags": []},
                ],
                arrow_type(types[3]),
            ),
        ],
        names=["address", "attributes", "items", "mixed"],
    )
    # The JSON text is COPY-escaped like any text: its backslashes are doubled.
    lines = [
        '\\N\t{}\t\\N\t{"price":null,"day":null,"tags":[]}',
        '{"city":"o\\\\"saka","zip":null}\t{"größe":"-1","qty":"3","rank":"0"}\t'
        '[{"sku":"a\\\\tb","qty":"1"},null]\t{"price":"1.50","day":"2024-12-31","tags":["x",null]}',
    ]
    assert digest.row_texts(table, types) == sorted(lines, key=str.encode)
    text = "".join(line + "\n" for line in sorted(lines, key=str.encode))
    assert digest.digest_rows(table, types) == hashlib.sha256(text.encode()).hexdigest()


def test_strings_inside_json_are_escaped_as_json_dumps_escapes_them():
    """Every control character, quote and backslash inside an array element is escaped
    exactly as json.dumps(ensure_ascii=False) escapes it."""
    import json

    value = "".join(chr(c) for c in range(0x20)) + '"\\é\u2028'
    table = pa.table({"tags": pa.array([[value]], pa.list_(pa.string()))})
    (line,) = digest.row_texts(table, ["array<string>"])
    expected = "[" + json.dumps(value, ensure_ascii=False) + "]"
    assert line == expected.replace("\\", "\\\\")
