"""Which engines read each zoo kind, as measured, with the source of each claim.

``spark`` and ``duckdb`` are the by-hand measurements of docs/zoo.md ("Engine support,
measured by hand": scripts/zoo_engines_by_hand.py, pyspark 4.0.5 with its bundled Hive
2.3.10 SerDes, duckdb 1.5.5, 23 rows per kind); ``library`` is the format's own library
reading the uploaded objects through the Glue definition in the suite
(tests/stack/test_zoo_stack.py). A value is ``reads``, ``fails: <why>``, ``wrong: <what>``
or ``n/a``. The engine-matrix harness will measure these in the suite.
"""

from __future__ import annotations

from typing import Any

BY_HAND = "docs/zoo.md: measured by hand (scripts/zoo_engines_by_hand.py)"
SUITE = "tests/stack/test_zoo_stack.py: read back from the emulator's objects"

# kind -> (duckdb, spark default, the format's library or None when there are no rows)
_MEASURED: dict[str, tuple[str, str, str | None]] = {
    "avro_crawler": ("reads", "reads", "fastavro"),
    "json_openx": ("reads", "fails: org.openx.data.jsonserde.JsonSerDe not bundled", "json"),
    "json_gzip_hive": (
        "reads",
        "fails: org.apache.hive.hcatalog.data.JsonSerDe not bundled",
        "gzip+json",
    ),
    "csv_header": ("reads", "wrong: the header line is a row", "pyarrow.csv"),
    "tsv": ("reads", "reads", "pyarrow.csv"),
    "regex_logs": ("reads (regexp_full_match; no RegexSerDe)", "reads", "gzip+re (input.regex)"),
    "parquet_nested": (
        "reads",
        "reads (Hive Parquet SerDe fails: INT64 timestamps)",
        "pyarrow.parquet",
    ),
    "partition_projection": (
        "reads (hive_partitioning)",
        "wrong: 0 rows (no partitions)",
        "pyarrow.parquet (storage.location.template)",
    ),
    "schema_drift": ("reads (union_by_name)", "fails: Hive JSON SerDe not bundled", "json"),
    "crawler_csv": ("reads", "wrong: one header row per partition", "pyarrow.csv"),
    "wide_table": ("reads", "reads", "pyarrow.parquet"),
    "quoted_columns": (
        "reads",
        "reads (Hive Parquet SerDe fails at `unit price`)",
        "pyarrow.parquet",
    ),
    "empty_table": ("fails: no files match (0 rows expected)", "reads (0 rows)", None),
    "missing_location": ("not tried: no local path", "fails: no s3 FileSystem locally", None),
    "athena_view": ("reads: its originalSql runs against the tsv table", "n/a", None),
    "resource_link": ("n/a", "n/a", None),
    "iceberg_v1": ("reads (iceberg_scan)", "not tried: no Iceberg Spark jar on PyPI", "pyiceberg"),
    "iceberg_v2_history": (
        "reads (iceberg_scan)",
        "not tried: no Iceberg Spark jar on PyPI",
        "pyiceberg",
    ),
    "delta_lake": (
        "reads (delta_scan)",
        "fails: spark.sql.* table properties need Delta",
        "deltalake",
    ),
    "delta_symlink": (
        "reads (the manifest's files)",
        "wrong: reads the manifest as Parquet",
        "pyarrow.parquet (the manifest's files)",
    ),
}


def engines(kind: str) -> dict[str, Any]:
    """The ground truth's ``engines`` of a kind: each engine's result and its source."""
    duckdb, spark, library = _MEASURED[kind]
    measured = {
        "duckdb": {"result": duckdb, "source": BY_HAND},
        "spark": {"result": spark, "source": BY_HAND},
    }
    if library is not None:
        measured["library"] = {"result": f"reads ({library})", "source": SUITE}
    return measured
