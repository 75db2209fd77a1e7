"""A small hand-written manifest for the pure-function tests of Glue shapes, ground truth
and outputs: written out literally, so those tests do not depend on the generator."""

from __future__ import annotations

from dataclasses import replace

from components.ground_truth import ground_truth
from datagen.catalog import CUSTOMER_DATA, SALES_DATA, Partitioning, Period
from datagen.manifest import DatabaseEntry, FileEntry, Manifest, PartitionEntry, TableEntry
from families.tables import truth as tables_truth

BASE = "s3://bucket-x"
SALES = replace(SALES_DATA, partitioning=Partitioning(Period.MONTH, 2))
# The same table name in another database: only the key tells the two apart.
SALES_COPY = replace(SALES, role="scale_01")
TABLES = (SALES, CUSTOMER_DATA, SALES_COPY)
METADATA = f"{BASE}/analytics/customer_data/metadata/00001-a.metadata.json"


def _sales(role: str, rows: tuple[int, int]) -> tuple[TableEntry, list[FileEntry]]:
    key = f"{role}/sales_data"
    partitions, files = [], []
    for (year, month), count in zip((("2024", "11"), ("2024", "12")), rows, strict=True):
        path = f"year={year}/month={month}"
        values = {"year": year, "month": month}
        partitions.append(
            PartitionEntry(values, path, f"{BASE}/{key}/{path}/", count, files=1, bytes=100 + count)
        )
        files.append(
            FileEntry(
                f"{key}/{path}/part-00000.parquet",
                key,
                "parquet",
                "data",
                values,
                count,
                100 + count,
                "0" * 64,
                "application/vnd.apache.parquet",
            )
        )
    table = TableEntry(
        key,
        "sales_data",
        role,
        "parquet",
        f"{BASE}/{key}/",
        sum(rows),
        ["year", "month"],
        partitions,
        None,
        files=2,
        bytes=sum(f.bytes for f in files),
        readiness="ready",
    )
    return table, files


def manifest() -> Manifest:
    sales, sales_files = _sales("analytics", (3, 2))
    copy, copy_files = _sales("scale_01", (1, 4))
    customer_files = [
        FileEntry(
            "analytics/customer_data/data/00000.parquet",
            CUSTOMER_DATA.key,
            "iceberg",
            "data",
            None,
            5,
            300,
            "1" * 64,
            "application/vnd.apache.parquet",
        ),
        FileEntry(
            METADATA.removeprefix(BASE + "/"),
            CUSTOMER_DATA.key,
            "iceberg",
            "metadata",
            None,
            None,
            40,
            "2" * 64,
            "application/json",
        ),
    ]
    customer = TableEntry(
        CUSTOMER_DATA.key,
        "customer_data",
        "analytics",
        "iceberg",
        f"{BASE}/analytics/customer_data/",
        5,
        [],
        [],
        METADATA,
        files=2,
        bytes=340,
        readiness="ready",
    )
    files = sorted(sales_files + customer_files + copy_files, key=lambda f: f.key)
    return Manifest(
        seed=42,
        rows=5,
        location=BASE,
        databases=[
            DatabaseEntry("analytics", f"{BASE}/analytics/"),
            DatabaseEntry("scale_01", f"{BASE}/scale_01/"),
        ],
        tables=[sales, customer, copy],
        files=files,
    )


def truth() -> dict:
    """The ground truth of ``TABLES`` and ``manifest()`` for stack ``dev-a``."""
    return ground_truth(
        stack="dev-a",
        env="dev_a",
        region="eu-west-1",
        bucket="bucket-x",
        seed=42,
        sections=[tables_truth.section("dev_a", manifest(), TABLES)],
    )
