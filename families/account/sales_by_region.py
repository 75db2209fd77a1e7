"""Glue ETL job of the aws2openstack test environment: sales per region and status.

The stack uploads this file to ``s3://<bucket>/_testenv/glue/scripts/sales_by_region.py``
and declares a Glue 5.0 job (Spark 3.5, Python 3.11) that runs it (docs/account.md). It
reads the Parquet files of the core table sales_data under ``--source`` and appends the
orders, quantity and amount per region and status as Parquet under ``--target``.

Job bookmarks (``--job-bookmark-option job-bookmark-enable``) need Glue's own library:
with it, a run skips the files an earlier run has read. Without it (a local Spark, as in
the project's tests) the script reads every file and otherwise runs unchanged.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

REQUIRED = ("source", "target")
BOOKMARK_CONTEXT = "sales_data"


def options(argv: Sequence[str]) -> dict[str, str]:
    """The ``--name value`` pairs Glue passes a job (a ``--flag`` alone is ``""``)."""
    found: dict[str, str] = {}
    index = 0
    while index < len(argv):
        item = argv[index]
        index += 1
        if not item.startswith("--"):
            continue
        value = ""
        if index < len(argv) and not argv[index].startswith("--"):
            value = argv[index]
            index += 1
        found[item[2:]] = value
    missing = [f"--{name}" for name in REQUIRED if not found.get(name)]
    if missing:
        raise SystemExit(f"sales_by_region: missing job arguments {', '.join(missing)}")
    return found


def totals(frame: Any) -> Any:
    """Orders, quantity and amount per region and status."""
    from pyspark.sql import functions as F

    return (
        frame.groupBy("region", "status")
        .agg(
            F.count("*").alias("orders"),
            F.sum("quantity").alias("quantity"),
            F.sum("amount").alias("amount"),
        )
        .orderBy("region", "status")
    )


def main(argv: Sequence[str]) -> None:
    args = options(argv)
    from pyspark.sql import SparkSession

    try:
        from awsglue.context import GlueContext
        from awsglue.job import Job
    except ImportError:  # a local Spark: no bookmarks, every file is read
        spark = SparkSession.builder.appName("sales_by_region").getOrCreate()
        totals(spark.read.parquet(args["source"])).write.mode("append").parquet(args["target"])
        return
    from pyspark.context import SparkContext

    glue = GlueContext(SparkContext.getOrCreate())
    job = Job(glue)
    job.init(args.get("JOB_NAME", "sales_by_region"), args)
    # The transformation context is what the bookmark remembers the files read under.
    sales = glue.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [args["source"]], "recurse": True},
        format="parquet",
        transformation_ctx=BOOKMARK_CONTEXT,
    )
    if sales.count():  # nothing new since the bookmark: an empty frame has no columns
        totals(sales.toDF()).write.mode("append").parquet(args["target"])
    job.commit()


if __name__ == "__main__":
    main(sys.argv[1:])
