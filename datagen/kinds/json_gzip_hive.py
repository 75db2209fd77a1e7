"""Gzip-compressed JSON lines read by the Hive (HCatalog) JSON SerDe.

Athena picks the codec from the file's lowercase extension, hence ``*.json.gz``; the
SerDe name is on docs.aws.amazon.com/athena/latest/ug/json-serde.html, GZIP for text
files on .../compression-support-hive.html. ``mtime=0`` keeps the gzip header free of the
clock, so the bytes depend on the rows alone.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds import json_openx, zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "json_gzip_hive"
SERDE = "org.apache.hive.hcatalog.data.JsonSerDe"
COLUMNS = json_openx.COLUMNS
PARTITION_KEYS = [("dt", "string")]
PARTITIONS = 2


def partitions(seed: int, table_prefix: str, rows: int) -> dict[str, list[dict[str, Any]]]:
    """Each partition's objects (``dt`` value → its share of ``json_openx.objects``)."""
    records = json_openx.objects(seed, table_prefix, rows)
    out, start = {}, 0
    for day, count in zip(zoo.days(PARTITIONS), zoo.split(rows, PARTITIONS), strict=True):
        out[day.isoformat()] = records[start : start + count]
        start += count
    return out


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    files = []
    for day, records in partitions(seed, table_prefix, rows).items():
        key = f"{table_prefix}/dt={day}/part-00000.json.gz"
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        # filename="" and mtime=0: the header names no file and no time.
        with (root / key).open("wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as out:
            out.write(json_openx.lines(records))
        files.append(zoo.file_record(root, key, len(records), {"dt": day}))
    return zoo.Written(table_prefix, tuple(files))


def _descriptor(location: str) -> dict[str, Any]:
    return zoo.storage_descriptor(
        location,
        COLUMNS,
        zoo.TEXT_INPUT,
        zoo.TEXT_OUTPUT,
        SERDE,
        {"serialization.format": "1"},
        compressed=True,
    )


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    descriptor = _descriptor(zoo.table_location(bucket, written))
    parameters = {"classification": "json"}
    table = zoo.external_table(name, descriptor, parameters, PARTITION_KEYS)
    return zoo.GlueTable(table, zoo.hive_partitions(bucket, written, descriptor, parameters))


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="json_gzip_hive",
        detected_format="JSON",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "JSON text (gzip): needs conversion to Parquet or Iceberg",
            "gzip files cannot be split: one reader per file",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: each partition's objects,
    then ``dt``."""
    from datagen.kinds import glue_rows

    records = [
        {**record, "dt": day}
        for day, batch in partitions(seed, table_prefix, rows).items()
        for record in batch
    ]
    return glue_rows.from_records(records, [*COLUMNS, *PARTITION_KEYS])


KIND = zoo.ZooKind("json_gzip_hive", write, glue_table, expected, rows)
