"""A CSV table as a Glue crawler makes it: LazySimpleSerDe, header skipped, and the
crawler's markers and counts on the table, its descriptor and each partition."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds import zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "crawled_orders"
CRAWLER = "zoo-csv-crawler"
SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
COLUMNS = [("id", "bigint"), ("name", "string"), ("status", "string"), ("amount", "double")]
# A crawler names partition keys partition_0, partition_1, ... for folders without "key=".
PARTITION_KEYS = [("partition_0", "string")]
PARTITIONS = 2
CSV_PARAMETERS = {
    "delimiter": ",",
    "skip.header.line.count": "1",
    "columnsOrdered": "true",
    "areColumnsQuoted": "false",
}


def tables(seed: int, table_prefix: str, rows: int) -> dict[str, pa.Table]:
    import pyarrow as pa

    generator = zoo.rng(seed, table_prefix)
    out, start = {}, 0
    for day, count in zip(zoo.days(PARTITIONS), zoo.split(rows, PARTITIONS), strict=True):
        sample = zoo.sample_rows(generator, count, day)
        out[day.strftime("%Y%m%d")] = pa.table(
            {
                "id": pa.array(range(start + 1, start + count + 1), pa.int64()),
                "name": [r["name"] for r in sample],
                "status": [r["status"] for r in sample],
                "amount": [float(r["amount"]) for r in sample],
            }
        )
        start += count
    return out


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    import pyarrow.csv as pacsv

    files = []
    options = pacsv.WriteOptions(include_header=True, quoting_style="none")
    for folder, data in tables(seed, table_prefix, rows).items():
        key = f"{table_prefix}/{folder}/orders.csv"
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        pacsv.write_csv(data, root / key, options)
        files.append(zoo.file_record(root, key, data.num_rows, {"partition_0": folder}))
    return zoo.Written(table_prefix, tuple(files))


def _descriptor(location: str, parameters: dict[str, str]) -> dict[str, Any]:
    return zoo.storage_descriptor(
        location,
        COLUMNS,
        zoo.TEXT_INPUT,
        zoo.TEXT_OUTPUT,
        SERDE,
        {"field.delim": ","},
        parameters=parameters,
    )


def _parameters(written: zoo.Written) -> dict[str, str]:
    return {**zoo.crawler_parameters(written, "csv", "none", CRAWLER), **CSV_PARAMETERS}


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    parameters = _parameters(written)
    table = zoo.external_table(
        name,
        _descriptor(zoo.table_location(bucket, written), parameters),
        parameters,
        PARTITION_KEYS,
        by_crawler=True,
    )
    partitions = []
    for f in written.files:
        folder = f.partition["partition_0"]
        own = _parameters(zoo.Written(written.prefix, (f,)))
        location = f"s3://{bucket}/{written.prefix}/{folder}/"
        partitions.append(
            {"Values": [folder], "StorageDescriptor": _descriptor(location, own), "Parameters": own}
        )
    return zoo.GlueTable(table, partitions)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="crawler_csv",
        detected_format="CSV",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "CSV text: needs conversion to Parquet or Iceberg",
            "crawler-made table: schema and counts as of the last crawl",
            "partition keys named partition_0 by the crawler (folders without key=)",
            "skip.header.line.count=1: Spark ignores it and returns the header as a row",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine that honours ``skip.header.line.count`` returns: each partition's
    rows without its header line, then ``partition_0`` (the folder's name)."""
    from datagen.kinds import glue_rows

    pieces = [
        glue_rows.with_partition(glue_rows.as_glue(data, COLUMNS), PARTITION_KEYS, [folder])
        for folder, data in tables(seed, table_prefix, rows).items()
    ]
    return glue_rows.concat(pieces, [*COLUMNS, *PARTITION_KEYS])


KIND = zoo.ZooKind("crawler_csv", write, glue_table, expected, rows)
