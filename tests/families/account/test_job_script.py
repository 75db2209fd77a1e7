"""The Glue job's script (``families/account/sales_by_region.py``) run by a local Spark on
the generated sales_data files: what it writes equals totals computed by pyarrow.

This is the script's own logic under Spark 4 (the suite's pyspark), not Glue 5.0: Glue's
library (``awsglue``) is not on PyPI, so the bookmark path (``GlueContext``, ``Job``) is
not run here; its reader is the only line that differs (docs/account.md, "The ETL job").
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest

from datagen.cache import generate_cached
from datagen.catalog import SALES_DATA, Partitioning, Period
from families.account import sales_by_region


def test_job_arguments_are_read_as_glue_passes_them():
    """``--name value`` pairs, a bare ``--flag`` as empty, Glue's own arguments kept."""
    args = sales_by_region.options(
        ["--JOB_NAME", "j", "--source", "s3://b/a/", "--enable-x", "--target", "s3://b/t/"]
    )
    assert args == {"JOB_NAME": "j", "source": "s3://b/a/", "enable-x": "", "target": "s3://b/t/"}
    with pytest.raises(SystemExit, match="--target"):
        sales_by_region.options(["--source", "s3://b/a/"])


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    if shutil.which("java") is None:
        pytest.fail("Spark needs Java 17: scripts/test installs openjdk-17-jre-headless")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("aws2openstack-testenv-glue-job")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("warehouse")))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_the_script_writes_the_totals_of_sales_data(spark, cache_dir, tmp_path):
    """Run on the generated sales_data (3 monthly partitions), the script appends one row
    per region and status with the orders, quantity and amount pyarrow sums."""
    table = replace(SALES_DATA, partitioning=Partitioning(Period.MONTH, 3))
    files, manifest = generate_cached(
        cache_dir, tables=(table,), rows=1000, seed=42, location="s3://bucket-x"
    )
    source = files / table.key
    target = tmp_path / "sales_by_region"
    sales_by_region.main(["--source", str(source), "--target", str(target)])

    written = ds.dataset(target, format="parquet").to_table().to_pylist()
    data = ds.dataset(source, format="parquet", partitioning="hive").to_table()
    grouped = data.group_by(["region", "status"]).aggregate(
        [([], "count_all"), ("quantity", "sum"), ("amount", "sum")]
    )
    expected = {
        (row["region"], row["status"]): (row["count_all"], row["quantity_sum"], row["amount_sum"])
        for row in grouped.to_pylist()
    }
    got = {
        (row["region"], row["status"]): (row["orders"], row["quantity"], row["amount"])
        for row in written
    }
    assert got == expected
    assert sum(orders for orders, _, _ in got.values()) == manifest.table(table.key).rows
    assert pc.sum(data["quantity"]).as_py() == sum(q for _, q, _ in got.values())
