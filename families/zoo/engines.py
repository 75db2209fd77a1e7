"""Which engines of the engine matrix read each zoo kind, as the suite measures it.

Every cell is a ``Claim``; ``tests/engines/test_zoo_matrix.py`` reads each zoo table
through its Glue definition with each engine and holds every claim to what it measures:

- ``reads``: the engine returns the ground truth's rows, column names and value digest;
- ``fails``: the read raises an error whose message holds ``error``;
- ``wrong``: the read returns, but not the table's rows, in the way ``wrong`` names:
  ``header rows`` (each file's header line is one more row), ``no rows`` (nothing at
  all), ``null rows`` (every value NULL);
- ``n/a``: not the engine's kind of table (an Iceberg library on a Hive table), nothing
  of the table's own to read (a view in Spark, a resource link), or nothing handed to
  the engine at all (say why in ``detail``).

Each engine reaches the table either through its own Glue integration or through the
suite's translation of the Glue definition (``THROUGH``): every published claim is
labelled with it (``label``), so a translated cell is never taken for the engine's own
Glue support. Engines (docs/engines.md): ``spark-hive-serde`` and ``spark`` (pyspark
4.0.5 with its bundled Hive 2.3.10 SerDes, the hcatalog and OpenX JSON SerDes, hadoop-aws
on the emulator's S3; the second with Spark's own Parquet reader), ``spark-iceberg``
(the same Spark through Iceberg's GlueCatalog), ``trino`` (Trino 476, the engine
Athena v3 is built on, through its own Glue catalogs and S3), ``duckdb`` (1.5.5 with the
Avro, Iceberg and Delta extensions from their PyPI wheels), ``pyiceberg``, ``iceberg-rust``
(pyiceberg-core's DataFusion provider), ``deltalake`` (delta-rs) and ``awswrangler``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SOURCE = "tests/engines/test_zoo_matrix.py"

ENGINES = (
    "spark-hive-serde",
    "spark",
    "spark-iceberg",
    "trino",
    "duckdb",
    "pyiceberg",
    "iceberg-rust",
    "deltalake",
    "awswrangler",
)
# How each engine gets from the Glue definition to the data. The suite's translations:
# Spark has no Glue metastore client here, so the suite creates each Glue table in
# Spark's Hive metastore (DDL); DuckDB has no Glue client, so the suite turns each
# definition into a DuckDB query; iceberg-rust and delta-rs are handed the metadata file
# or the table path the suite read from Glue. The others call Glue themselves.
THROUGH = {
    "spark-hive-serde": "translated DDL",
    "spark": "translated DDL",
    "spark-iceberg": "Iceberg GlueCatalog",
    "trino": "Glue catalog",
    "duckdb": "translated SQL",
    "pyiceberg": "Glue catalog",
    "iceberg-rust": "metadata_location from Glue",
    "deltalake": "path from Glue",
    "awswrangler": "Glue catalog",
}
TRANSLATED = frozenset({"spark-hive-serde", "spark", "duckdb", "iceberg-rust", "deltalake"})


def label(engine: str) -> str:
    """The engine as every published claim names it: with how it got to the table."""
    return f"{engine} ({THROUGH[engine]})"


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
ICEBERG_IN_SPARK = Claim("n/a", "an Iceberg table: Spark reads it through Iceberg's GlueCatalog")
HEADER = Claim(
    "wrong",
    "ignores skip.header.line.count: each file's header line is a row",
    wrong="header rows",
)


def _no_wrangler(what: str) -> Claim:
    return Claim("n/a", f"no Glue table reader for {what} in awswrangler")


def _spark(claim: Claim, hive_serde: Claim | None = None) -> dict[str, Claim]:
    """Both Spark modes on the translated DDL: they differ only where Spark swaps in its
    own Parquet reader."""
    return {"spark-hive-serde": hive_serde or claim, "spark": claim}


def _hive(spark: dict[str, Claim], duckdb: Claim, awswrangler: Claim) -> dict[str, Claim]:
    """A Hive-style table: neither Iceberg nor Delta."""
    return {
        **spark,
        "spark-iceberg": NOT_ICEBERG,
        "duckdb": duckdb,
        "pyiceberg": NOT_ICEBERG,
        "iceberg-rust": NOT_ICEBERG,
        "deltalake": NOT_DELTA,
        "awswrangler": awswrangler,
    }


_NO_FILES = Claim(
    "fails",
    "read_parquet of the location's objects: there are none",
    error="No files found that match the pattern",
)
_TEXT = _no_wrangler("text tables (it reads text by path)")
_ICEBERG = {
    **_spark(ICEBERG_IN_SPARK),
    "spark-iceberg": Claim("reads", "Iceberg's GlueCatalog and S3FileIO on the emulator"),
    "duckdb": Claim("reads", "iceberg_scan (Iceberg extension)"),
    "pyiceberg": Claim("reads", "Glue catalog"),
    "iceberg-rust": Claim("reads", "DataFusion provider at metadata_location"),
    "deltalake": NOT_DELTA,
    "awswrangler": _no_wrangler("Iceberg (it reads Iceberg through Athena)"),
}

CLAIMS: dict[str, dict[str, Claim]] = {
    "avro_crawler": _hive(
        _spark(READS), Claim("reads", "read_avro (Avro extension)"), _no_wrangler("Avro")
    ),
    "json_openx": _hive(
        _spark(Claim("reads", "OpenX JsonSerDe (Starburst's fork)")),
        Claim("reads", "read_json"),
        _TEXT,
    ),
    "json_gzip_hive": _hive(
        _spark(Claim("reads", "hcatalog JsonSerDe")), Claim("reads", "read_json (gzip)"), _TEXT
    ),
    "csv_header": _hive(_spark(HEADER), Claim("reads", "read_csv, skip=1"), _TEXT),
    "tsv": _hive(_spark(READS), Claim("reads", "read_csv, tab"), _TEXT),
    "regex_logs": _hive(
        _spark(READS),
        Claim("reads", "regexp_extract with input.regex (no RegexSerDe)"),
        _TEXT,
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
        Claim("reads", "read_parquet_table"),
    ),
    "partition_projection": _hive(
        _spark(Claim("wrong", "no partitions in Glue, projection not applied", wrong="no rows")),
        Claim(
            "n/a",
            "not read: no partition in Glue, so the suite's translation hands DuckDB no files",
        ),
        Claim("reads", "read_parquet_table lists the location: dt from the folder names"),
    ),
    "schema_drift": _hive(
        _spark(Claim("reads", "hcatalog JsonSerDe")),
        Claim("reads", "read_json with each partition's own columns"),
        _TEXT,
    ),
    "crawler_csv": _hive(_spark(HEADER), Claim("reads", "read_csv, skip=1"), _TEXT),
    "wide_table": _hive(_spark(READS), READS, Claim("reads", "read_parquet_table")),
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
        Claim("reads", "read_parquet_table"),
    ),
    "empty_table": _hive(
        _spark(
            Claim(
                "fails",
                "on S3 a location without objects does not exist",
                error="PATH_NOT_FOUND",
            ),
            Claim(
                "fails",
                "on S3 a location without objects does not exist",
                error="Input path does not exist",
            ),
        ),
        _NO_FILES,
        Claim("fails", "the location has no objects", error="No files Found"),
    ),
    "missing_location": _hive(
        _spark(Claim("fails", "the location's bucket does not exist", error="NoSuchBucket")),
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
        **_spark(Claim("reads", "delta-spark: USING delta at the SerDe's path")),
        "spark-iceberg": NOT_ICEBERG,
        "duckdb": Claim("reads", "delta_scan (Delta extension)"),
        "pyiceberg": NOT_ICEBERG,
        "iceberg-rust": NOT_ICEBERG,
        "deltalake": Claim("reads", "DeltaTable at the SerDe's path"),
        "awswrangler": _no_wrangler("Delta (it reads Delta by path)"),
    },
    "delta_symlink": _hive(
        _spark(
            Claim(
                "fails",
                "Spark's Parquet reader reads the manifest itself",
                error="is not a Parquet file",
            ),
            Claim(
                "wrong",
                "SymlinkTextInputFormat reads the listed Parquet files as text lines",
                wrong="null rows",
            ),
        ),
        Claim("reads", "read_parquet of the manifest's files"),
        _no_wrangler("SymlinkTextInputFormat"),
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
    """The ground truth's ``engines`` of a kind, keyed by each engine's ``label``: its
    result, how or why, whether the suite translated the Glue definition for it, and the
    test that measures it."""
    return {
        label(engine): {
            "result": claim.result,
            "detail": claim.detail,
            "translated": engine in TRANSLATED,
            "source": SOURCE,
        }
        for engine, claim in CLAIMS[kind].items()
    }
