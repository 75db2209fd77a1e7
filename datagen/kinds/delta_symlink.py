"""A Delta Lake table exposed to Hive engines through a symlink manifest.

The manifest (``_symlink_format_manifest/manifest``, one data file URI per line, as
delta-rs's ``DeltaTable.generate()`` and Delta's GENERATE write it) is what the Glue
table points at: ``SymlinkTextInputFormat`` reads the listed Parquet files with
``ParquetHiveSerDe`` and ``HiveIgnoreKeyTextOutputFormat``, the table DDL of
docs.delta.io/presto-integration ("Presto, Trino, and Athena to Delta Lake integration
using manifests"). The manifest goes stale when the table changes: an engine then reads
old files, until GENERATE runs again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import delta_lake, zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "delta_symlink"
MANIFEST = "_symlink_format_manifest/manifest"
INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat"
COLUMNS = delta_lake.COLUMNS


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    table = delta_lake.write_table(root, table_prefix, rows, seed)
    table.generate()
    # delta-rs lists the local paths; list the files where they will be read from instead.
    manifest = root / table_prefix / MANIFEST
    local = f"{root / table_prefix}/"
    remote = f"{location.rstrip('/')}/{table_prefix}/"
    # Sorted: delta-rs lists the files in no fixed order.
    lines = sorted(line.replace(local, remote, 1) for line in manifest.read_text().split())
    manifest.write_text("".join(line + "\n" for line in lines))
    return delta_lake.written_files(root, table_prefix, table)


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    location = f"s3://{bucket}/{written.prefix}/{MANIFEST.rsplit('/', 1)[0]}/"
    descriptor = zoo.storage_descriptor(
        location,
        COLUMNS,
        INPUT_FORMAT,
        zoo.TEXT_OUTPUT,
        zoo.PARQUET_SERDE,
        {"serialization.format": "1"},
    )
    return zoo.GlueTable(zoo.external_table(name, descriptor, {"classification": "parquet"}))


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="delta_symlink",
        detected_format="DELTA",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "Delta Lake through a symlink manifest: stale once the table changes",
            "SymlinkTextInputFormat: tools that classify by InputFormat call this UNKNOWN",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the manifest's files returns: the current version's rows
    (the manifest was generated at that version), as for ``delta_lake``."""
    return delta_lake.rows(seed, table_prefix, rows)


KIND = zoo.ZooKind("delta_symlink", write, glue_table, expected, rows)
