"""A local Spark for the volume job's script, as Glue gives it one.

Glue 5.0 ships Iceberg (``--datalake-formats iceberg``); pyspark from PyPI does not, so
the Iceberg Spark runtime comes from the cache of Maven jars that ``scripts/test``
fills (``tests.support.jars``), handed to Spark by path. Files go to the local file
system without Hadoop's ``.crc`` side files (``RawLocalFileSystem``), so a folder holds
what S3 would.

    uv run --no-sync python -m tests.families.volume.local_spark RUNS.json

runs the script once per argument list in RUNS.json (a JSON list of lists), all in one
Spark session, and prints the truth of each run as one JSON list.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


class NoIcebergJar(Exception):
    """The Iceberg Spark runtime is not in the jar cache."""


def iceberg_jar() -> Path:
    """The cached ``iceberg-spark-runtime`` jar for pyspark's Spark."""
    try:
        from tests.support import jars
    except ImportError as error:
        raise NoIcebergJar(
            "tests/support/jars.py (the cache of Spark's Maven jars) is not in this checkout"
        ) from error
    wanted = tuple(jar for jar in jars.JARS if jar.artifact.startswith("iceberg-spark-runtime"))
    try:
        return jars.paths(wanted=wanted)[0]
    except jars.MissingJars as error:
        raise NoIcebergJar(str(error)) from error


def session(cores: int = 2, driver_memory: str = "1g") -> Any:
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("aws2openstack-testenv-volume")
        .config("spark.jars", str(iceberg_jar()))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", driver_memory)
        .config("spark.hadoop.fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_all(argument_lists: list[list[str]], cores: int = 2) -> list[dict[str, Any]]:
    from datagen import volume_job

    spark = session(cores)
    try:
        return [volume_job.run(spark, volume_job.parse(arguments)) for arguments in argument_lists]
    finally:
        spark.stop()


if __name__ == "__main__":
    runs = json.loads(Path(sys.argv[1]).read_text())
    print(json.dumps(run_all(runs)))
