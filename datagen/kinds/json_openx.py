"""JSON lines read by the OpenX JSON SerDe (one object per line, no pretty printing).

SerDe and its properties: docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html
(``ignore.malformed.json`` default FALSE, ``case.insensitive`` default TRUE).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds import zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "json_openx"
SERDE = "org.openx.data.jsonserde.JsonSerDe"
SERDE_PARAMETERS = {"ignore.malformed.json": "FALSE", "case.insensitive": "TRUE"}
COLUMNS = [
    ("id", "bigint"),
    ("name", "string"),
    ("status", "string"),
    ("amount", "double"),
    ("tags", "array<string>"),
    ("ts", "string"),
]


def objects(seed: int, table_prefix: str, rows: int) -> list[dict[str, Any]]:
    sample = zoo.sample_rows(zoo.rng(seed, table_prefix), rows, zoo.REFERENCE_DATE)
    return [
        {
            "id": i + 1,
            "name": r["name"],
            "status": r["status"],
            "amount": float(r["amount"]),
            "tags": [r["status"], r["name"][:3]],
            "ts": r["ts"].isoformat(sep=" "),
        }
        for i, r in enumerate(sample)
    ]


def lines(records: list[dict[str, Any]]) -> bytes:
    return b"".join(
        json.dumps(r, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for r in records
    )


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    key = f"{table_prefix}/part-00000.json"
    (root / key).parent.mkdir(parents=True, exist_ok=True)
    (root / key).write_bytes(lines(objects(seed, table_prefix, rows)))
    return zoo.Written(table_prefix, (zoo.file_record(root, key, rows),))


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    descriptor = zoo.storage_descriptor(
        zoo.table_location(bucket, written),
        COLUMNS,
        zoo.TEXT_INPUT,
        zoo.TEXT_OUTPUT,
        SERDE,
        SERDE_PARAMETERS,
    )
    return zoo.GlueTable(zoo.external_table(name, descriptor, {"classification": "json"}))


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="json_openx",
        detected_format="JSON",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "JSON text: needs conversion to Parquet or Iceberg",
            "OpenX JSON SerDe: Athena documents non-deterministic results; prefer Hive JSON",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: the objects, one per line."""
    from datagen.kinds import glue_rows

    return glue_rows.from_records(objects(seed, table_prefix, rows), COLUMNS)


KIND = zoo.ZooKind("json_openx", write, glue_table, expected, rows)
