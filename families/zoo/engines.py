"""Which engines of the engine matrix read each zoo kind, as the suite measures it.

Every cell is a ``Claim``; ``tests/engines/test_zoo_matrix.py`` reads each zoo table
through its Glue definition with each engine and holds every claim to what it measures:

- ``reads``: the engine returns the ground truth's rows, column names and value digest;
- ``fails``: the read raises an error whose message holds ``error``;
- ``wrong``: the read returns, but not the table's rows, in the way ``wrong`` names:
  ``header rows`` (each file's header line is one more row), ``no rows`` (nothing at
  all), ``null rows`` (every value NULL);
- ``n/a``: not the engine's kind of table (an Iceberg library on a Hive table), or
  nothing of the table's own to read (a view in Spark, a resource link).

Engines (docs/engines.md): ``spark-hive-serde`` and ``spark`` (pyspark 4.0.5 with its
bundled Hive 2.3.10 SerDes; the second with Spark's own Parquet reader), ``trino``
(Trino 476, the engine Athena v3 is built on, through the Glue API and S3), ``duckdb``
(1.5.5 with the Avro, Iceberg and Delta extensions from their PyPI wheels),
``pyiceberg``, ``iceberg-rust`` (pyiceberg-core's DataFusion provider), ``deltalake``
(delta-rs) and ``library``: the format's own Python library (fastavro, json, re,
pyarrow's CSV and Parquet readers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SOURCE = "tests/engines/test_zoo_matrix.py"

ENGINES = (
    "spark-hive-serde",
    "spark",
    "trino",
    "duckdb",
    "pyiceberg",
    "iceberg-rust",
    "deltalake",
    "library",
)
RESULTS = ("reads", "fails", "wrong", "n/a")
WRONG = ("header rows", "no rows", "null rows")


@dataclass(frozen=True)
class Claim:
    result: str
    detail: str = ""
    """How the engine reads it, or why it cannot."""
    error: str = ""
    """For ``fails``: text the error message holds."""
    wrong: str = ""
    """For ``wrong``: one of ``WRONG``."""

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"result {self.result!r}: expected one of {RESULTS}")
        if (self.result == "fails") != bool(self.error):
            raise ValueError("a 'fails' claim, and only one, names its error")
        if (self.result == "wrong") != (self.wrong in WRONG):
            raise ValueError(f"a 'wrong' claim, and only one, names one of {WRONG}")


READS = Claim("reads")
NOT_ICEBERG = Claim("n/a", "not an Iceberg table")
NOT_DELTA = Claim("n/a", "not a Delta table")
NO_JSON_SERDE = "ClassNotFoundException Class {} not found"
NO_ICEBERG_JAR = Claim(
    "fails",
    "no Iceberg Spark runtime: its jar is not on PyPI",
    error="DATA_SOURCE_NOT_FOUND",
)
HEADER = Claim(
    "wrong",
    "ignores skip.header.line.count: each file's header line is a row",
    wrong="header rows",
)


def _spark(claim: Claim, hive_serde: Claim | None = None) -> dict[str, Claim]:
    """Both Spark modes: they differ only where Spark swaps in its own Parquet reader."""
    return {"spark-hive-serde": hive_serde or claim, "spark": claim}


def _hive(spark: dict[str, Claim], duckdb: Claim, library: Claim) -> dict[str, Claim]:
    """A Hive-style table: neither Iceberg nor Delta."""
    return {
        **spark,
        "duckdb": duckdb,
        "pyiceberg": NOT_ICEBERG,
        "iceberg-rust": NOT_ICEBERG,
        "deltalake": NOT_DELTA,
        "library": library,
    }


def _no_json_serde(serde: str) -> dict[str, Claim]:
    return _spark(
        Claim("fails", f"{serde} is not bundled with Spark", error=NO_JSON_SERDE.format(serde))
    )


_OPENX = "org.openx.data.jsonserde.JsonSerDe"
_HCATALOG = "org.apache.hive.hcatalog.data.JsonSerDe"
_NO_FILES = Claim(
    "fails",
    "read_parquet of the location's objects: there are none",
    error="No files found that match the pattern",
)
_ICEBERG = {
    **_spark(NO_ICEBERG_JAR),
    "duckdb": Claim("reads", "iceberg_scan (Iceberg extension)"),
    "pyiceberg": Claim("reads", "Glue catalog"),
    "iceberg-rust": Claim("reads", "DataFusion provider at metadata_location"),
    "deltalake": NOT_DELTA,
    "library": Claim("n/a", "its library is pyiceberg"),
}

CLAIMS: dict[str, dict[str, Claim]] = {
    "avro_crawler": _hive(
        _spark(READS), Claim("reads", "read_avro (Avro extension)"), Claim("reads", "fastavro")
    ),
    "json_openx": _hive(
        _no_json_serde(_OPENX), Claim("reads", "read_json"), Claim("reads", "json")
    ),
    "json_gzip_hive": _hive(
        _no_json_serde(_HCATALOG), Claim("reads", "read_json (gzip)"), Claim("reads", "gzip+json")
    ),
    "csv_header": _hive(
        _spark(HEADER), Claim("reads", "read_csv, skip=1"), Claim("reads", "pyarrow.csv")
    ),
    "tsv": _hive(_spark(READS), Claim("reads", "read_csv, tab"), Claim("reads", "pyarrow.csv")),
    "regex_logs": _hive(
        _spark(READS),
        Claim("reads", "regexp_extract with input.regex (no RegexSerDe)"),
        Claim("reads", "gzip+re with input.regex"),
    ),
    "parquet_nested": _hive(
        _spark(
            READS,
            Claim(
                "fails",
                "Hive's ParquetHiveSerDe cannot read INT64 timestamps",
                error="LongWritable cannot be cast to class org.apache.hadoop.hive.serde2.io."
                "TimestampWritable",
            ),
        ),
        READS,
        Claim("reads", "pyarrow.parquet"),
    ),
    "partition_projection": _hive(
        _spark(Claim("wrong", "no partitions in Glue, projection not applied", wrong="no rows")),
        Claim("wrong", "no partitions in Glue, projection not applied", wrong="no rows"),
        Claim("reads", "pyarrow.parquet at the projected locations, as Athena does"),
    ),
    "schema_drift": _hive(
        _no_json_serde(_HCATALOG),
        Claim("reads", "read_json with each partition's own columns"),
        Claim("reads", "json with each partition's own columns"),
    ),
    "crawler_csv": _hive(
        _spark(HEADER), Claim("reads", "read_csv, skip=1"), Claim("reads", "pyarrow.csv")
    ),
    "wide_table": _hive(_spark(READS), READS, Claim("reads", "pyarrow.parquet")),
    "quoted_columns": _hive(
        _spark(
            READS,
            Claim(
                "fails",
                "Hive's Parquet schema parser stops at a column name with a space",
                error="expected ';' but got 'price'",
            ),
        ),
        READS,
        Claim("reads", "pyarrow.parquet"),
    ),
    "empty_table": _hive(_spark(Claim("reads", "0 rows")), _NO_FILES, Claim("reads", "0 rows")),
    "missing_location": _hive(
        _spark(Claim("reads", "0 rows: a missing location reads as empty")),
        _NO_FILES,
        Claim("fails", "the location's bucket does not exist", error="NoSuchBucket"),
    ),
    "athena_view": _hive(
        _spark(Claim("n/a", "a Presto view: its ViewExpandedText is only a comment")),
        Claim("reads", "its originalSql, run against the base table"),
        Claim("n/a", "a view has no files"),
    ),
    "resource_link": {
        engine: Claim("n/a", "a resource link: engines read its target table") for engine in ENGINES
    },
    "iceberg_v1": _ICEBERG,
    "iceberg_v2_history": _ICEBERG,
    "delta_lake": {
        **_spark(
            Claim(
                "fails",
                "spark.sql.sources.provider=delta needs the Delta Spark jar, not on PyPI",
                error="table property keys may not start with 'spark.sql.'",
            )
        ),
        "duckdb": Claim("reads", "delta_scan (Delta extension)"),
        "pyiceberg": NOT_ICEBERG,
        "iceberg-rust": NOT_ICEBERG,
        "deltalake": Claim("reads", "DeltaTable at the SerDe's path"),
        "library": Claim("n/a", "its library is deltalake"),
    },
    "delta_symlink": _hive(
        _spark(
            Claim(
                "fails",
                "Spark's Parquet reader reads the manifest itself",
                error="is not a Parquet file",
            ),
            Claim(
                "fails",
                "SymlinkTextInputFormat follows the manifest's s3:// paths: this Spark has no"
                " S3 file system (hadoop-aws is a Maven jar)",
                error='No FileSystem for scheme "s3"',
            ),
        ),
        Claim("reads", "read_parquet of the manifest's files"),
        Claim("reads", "pyarrow.parquet of the manifest's files"),
    ),
}

_TRINO_HIVE = "hive catalog (Glue)"
# Trino 476 with its hive, iceberg and delta_lake catalogs on the Glue API (the catalog
# picked from the Glue parameters, as Athena picks its reader).
TRINO: dict[str, Claim] = {
    "avro_crawler": Claim("reads", f"{_TRINO_HIVE}, AvroSerDe"),
    "json_openx": Claim("reads", f"{_TRINO_HIVE}, the openx JsonSerDe"),
    "json_gzip_hive": Claim("reads", f"{_TRINO_HIVE}, the hcatalog JsonSerDe, gzip"),
    "csv_header": Claim("reads", f"{_TRINO_HIVE}, OpenCSVSerde, skip.header.line.count=1"),
    "tsv": Claim("reads", f"{_TRINO_HIVE}, LazySimpleSerDe with a tab"),
    "regex_logs": Claim("reads", f"{_TRINO_HIVE}, RegexSerDe with input.regex"),
    "parquet_nested": Claim("reads", f"{_TRINO_HIVE}, Parquet (INT64 timestamps too)"),
    "partition_projection": Claim(
        "reads", "hive catalog with hive.partition-projection-enabled: Athena's projection.*"
    ),
    "schema_drift": Claim("reads", f"{_TRINO_HIVE}, each partition's own columns"),
    "crawler_csv": Claim("reads", f"{_TRINO_HIVE}, OpenCSVSerde, skip.header.line.count=1"),
    "wide_table": Claim("reads", f"{_TRINO_HIVE}, Parquet"),
    "quoted_columns": Claim("reads", f"{_TRINO_HIVE}, Parquet"),
    "empty_table": Claim("reads", "0 rows"),
    "missing_location": Claim(
        "fails",
        "the location's bucket does not exist",
        error="Failed to list directory: s3://",
    ),
    "athena_view": Claim(
        "fails",
        "a Presto view whose JSON names no owner runs as DEFINER without one (trinodb/trino#18573)",
        error="Run-as identity must be set for a run-as definer view",
    ),
    "resource_link": Claim(
        "fails",
        "Trino does not follow TargetTable: a link has no storage descriptor",
        error="Table StorageDescriptor is null",
    ),
    "iceberg_v1": Claim("reads", "iceberg catalog (iceberg.catalog.type=glue)"),
    "iceberg_v2_history": Claim("reads", "iceberg catalog (iceberg.catalog.type=glue)"),
    "delta_lake": Claim(
        "reads", "delta_lake catalog: spark.sql.sources.provider=delta, the SerDe's path"
    ),
    "delta_symlink": Claim("reads", f"{_TRINO_HIVE}, SymlinkTextInputFormat's manifest"),
}
CLAIMS = {kind: {**claims, "trino": TRINO[kind]} for kind, claims in CLAIMS.items()}
# Every kind lists the engines in ENGINES order.
CLAIMS = {kind: {engine: claims[engine] for engine in ENGINES} for kind, claims in CLAIMS.items()}


def engines(kind: str) -> dict[str, Any]:
    """The ground truth's ``engines`` of a kind: each engine's result, how or why, and
    the test that measures it."""
    return {
        engine: {"result": claim.result, "detail": claim.detail, "source": SOURCE}
        for engine, claim in CLAIMS[kind].items()
    }
