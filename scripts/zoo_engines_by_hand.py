"""Which engines read each zoo kind from local files: measured by hand, not a test.

Needs pyspark 4.0 (with Java 17) and duckdb 1.5.5 plus the duckdb-extension-avro,
-delta and -iceberg wheels of the same version, installed into the venv by hand (they
are not dependencies of the project):

    uv pip install "pyspark==4.0.*" "duckdb==1.5.5" "duckdb-extension-avro==1.5.5" \
        "duckdb-extension-delta==1.5.5" "duckdb-extension-iceberg==1.5.5"
    PYTHONPATH=. .venv/bin/python scripts/zoo_engines_by_hand.py [--rows 23] [--only duckdb]

Spark reads each table through a Hive table created from the kind's own Glue definition
(same SerDe, formats, SerDe and table parameters, partitions), located at the local
copy; DuckDB reads the files with its own readers. Prints one line per kind and engine:
rows read, how many of them are NULL in every column, and the expected rows; or the
error's most telling line.
"""

from __future__ import annotations

import argparse
import glob
import tempfile
from pathlib import Path
from typing import Any

import zoo

BUCKET = "zoo-bucket"
DATABASE = "test_zoo"


def local(location: str, root: Path) -> str:
    return location.replace(f"s3://{BUCKET}/", f"{root.as_uri()}/")


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _properties(values: dict[str, str]) -> str:
    def literal(text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

    return ", ".join(f"{literal(k)}={literal(v)}" for k, v in values.items())


def hive_ddl(table: dict[str, Any], root: Path) -> str:
    sd = table["StorageDescriptor"]
    columns = ", ".join(f"{_quote(c['Name'])} {c['Type']}" for c in sd["Columns"])
    ddl = f"CREATE EXTERNAL TABLE {_quote(table['Name'])} ({columns})"
    if table.get("PartitionKeys"):
        keys = ", ".join(f"{_quote(c['Name'])} {c['Type']}" for c in table["PartitionKeys"])
        ddl += f" PARTITIONED BY ({keys})"
    serde = sd["SerdeInfo"]
    ddl += f" ROW FORMAT SERDE '{serde['SerializationLibrary']}'"
    serde_parameters = {
        k: (local(v, root) if k == "path" else v) for k, v in serde["Parameters"].items()
    }
    if serde_parameters:
        ddl += f" WITH SERDEPROPERTIES ({_properties(serde_parameters)})"
    ddl += f" STORED AS INPUTFORMAT '{sd['InputFormat']}' OUTPUTFORMAT '{sd['OutputFormat']}'"
    ddl += f" LOCATION '{local(sd['Location'], root)}'"
    parameters = {k: v for k, v in table.get("Parameters", {}).items() if k != "EXTERNAL"}
    if parameters:
        ddl += f" TBLPROPERTIES ({_properties(parameters)})"
    return ddl


def spark_counts(
    root: Path, glue: dict[str, zoo.base.GlueTable], hive_parquet: bool = False
) -> dict[str, str]:
    """``hive_parquet``: read Parquet through Hive's ParquetHiveSerDe instead of letting
    Spark swap in its own Parquet reader (spark.sql.hive.convertMetastoreParquet)."""
    from pyspark.sql import SparkSession

    warehouse = tempfile.mkdtemp()
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.hive.convertMetastoreParquet", str(not hive_parquet).lower())
        .enableHiveSupport()
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    results = {}
    for name, definition in glue.items():
        table = definition.table_input
        try:
            if table.get("TableType") == "VIRTUAL_VIEW" or "TargetTable" in table:
                results[name] = "n/a (no storage: a view or a link)"
                continue
            if table.get("Parameters", {}).get("table_type") == "ICEBERG":
                results[name] = "no (needs the Iceberg Spark runtime jar, not on PyPI)"
                continue
            spark.sql(f"DROP TABLE IF EXISTS {_quote(table['Name'])}")
            spark.sql(hive_ddl(table, root))
            for part in definition.partitions:
                spec = ", ".join(
                    f"{_quote(k['Name'])}='{v}'"
                    for k, v in zip(table["PartitionKeys"], part["Values"], strict=True)
                )
                location = local(part["StorageDescriptor"]["Location"], root)
                spark.sql(
                    f"ALTER TABLE {_quote(table['Name'])} ADD PARTITION ({spec}) "
                    f"LOCATION '{location}'"
                )
            rows = spark.sql(f"SELECT * FROM {_quote(table['Name'])}").collect()
            # RegexSerDe and the text SerDes give NULLs, not errors, for what they cannot
            # parse: count the rows whose every column is NULL too.
            empty = sum(1 for row in rows if all(value is None for value in row))
            results[name] = f"{len(rows)} rows ({empty} all NULL)"
        except Exception as error:  # noqa: BLE001 - the error is the measurement
            results[name] = "error: " + _cause(str(error))
    spark.stop()
    return results


def _cause(text: str) -> str:
    """The most telling line of a (Java) error: its innermost 'Caused by', else line 1."""
    causes = [line for line in text.splitlines() if line.startswith("Caused by:")]
    return (causes[-1] if causes else text.strip().splitlines()[0])[:200]


def duckdb_counts(
    root: Path, written: dict[str, zoo.Written], glue: dict[str, zoo.base.GlueTable]
) -> dict[str, str]:
    import duckdb
    import duckdb_extension_avro
    import duckdb_extension_delta
    import duckdb_extension_iceberg

    connection = duckdb.connect()
    for package in (duckdb_extension_avro, duckdb_extension_delta, duckdb_extension_iceberg):
        (path,) = glob.glob(f"{Path(package.__file__).parent}/extensions/*/*.duckdb_extension")
        connection.load_extension(path)

    def files(name: str, suffix: str) -> list[str]:
        return [str(root / f.key) for f in written[name].files if f.key.endswith(suffix)]

    def regex_rows() -> str:
        pattern = glue["regex_logs"].table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"][
            "input.regex"
        ]
        return (
            f"SELECT * FROM read_csv({files('regex_logs', '.log.gz')}, header=false, "
            "delim=chr(1), quote='', columns={'line': 'VARCHAR'}) "
            f"WHERE regexp_full_match(line, '{pattern.replace(chr(39), chr(39) * 2)}')"
        )

    tsv_columns = {n: t.upper().replace("STRING", "VARCHAR") for n, t in zoo.tsv.COLUMNS}
    queries = {
        "avro_crawler": f"SELECT * FROM read_avro({files('avro_crawler', '.avro')})",
        "json_openx": f"SELECT * FROM read_json({files('json_openx', '.json')})",
        "json_gzip_hive": f"SELECT * FROM read_json({files('json_gzip_hive', '.json.gz')})",
        "csv_header": f"SELECT * FROM read_csv({files('csv_header', '.csv')}, header=true)",
        "tsv": f"SELECT * FROM read_csv({files('tsv', '.tsv')}, delim='\t', header=false, "
        f"columns={tsv_columns})",
        "regex_logs": regex_rows(),
        "parquet_nested": f"SELECT * FROM read_parquet({files('parquet_nested', '.parquet')})",
        "partition_projection": "SELECT * FROM read_parquet("
        f"'{root}/{written['partition_projection'].prefix}/*/*.parquet', hive_partitioning=true)",
        "schema_drift": f"SELECT * FROM read_json({files('schema_drift', '.json')}, "
        "union_by_name=true)",
        "crawler_csv": f"SELECT * FROM read_csv({files('crawler_csv', '.csv')}, header=true)",
        "wide_table": f"SELECT * FROM read_parquet({files('wide_table', '.parquet')})",
        "quoted_columns": f"SELECT * FROM read_parquet({files('quoted_columns', '.parquet')})",
        "empty_table": f"SELECT * FROM read_parquet('{root}/{written['empty_table'].prefix}/*')",
        "iceberg_v1": "SELECT * FROM iceberg_scan('"
        f"{written['iceberg_v1'].facts['metadata_location']}')",
        "iceberg_v2_history": "SELECT * FROM iceberg_scan('"
        f"{written['iceberg_v2_history'].facts['metadata_location']}')",
        "delta_lake": f"SELECT * FROM delta_scan('{root}/{written['delta_lake'].prefix}')",
    }
    manifest = root / written["delta_symlink"].prefix / zoo.delta_symlink.MANIFEST
    queries["delta_symlink"] = (
        f"SELECT * FROM read_parquet({[line.removeprefix('file://') for line in manifest.read_text().split()]})"  # noqa: E501
    )
    # The view's own SQL, against the base table registered under the view's schema.
    view = zoo.athena_view.decode(glue["athena_view"].table_input["ViewOriginalText"])
    connection.sql(f'CREATE SCHEMA "{view["schema"]}"')
    connection.sql(f'CREATE VIEW "{view["schema"]}"."{zoo.tsv.TABLE}" AS {queries["tsv"]}')
    queries["athena_view"] = view["originalSql"]
    results = {}
    for name in glue:
        if name not in queries:
            results[name] = "n/a"
            continue
        try:
            read = connection.sql(queries[name]).arrow().read_all()
            empty = sum(1 for row in read.to_pylist() if all(v is None for v in row.values()))
            results[name] = f"{read.num_rows} rows ({empty} all NULL)"
        except Exception as error:  # noqa: BLE001 - the error is the measurement
            results[name] = "error: " + str(error).strip().splitlines()[0][:160]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=23)
    parser.add_argument("--only", choices=("spark", "spark-hive-parquet", "duckdb"))
    parser.add_argument("--kinds", help="comma-separated kinds (default: all)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp())
    written = zoo.write_all(root, args.rows, 42, root.as_uri())
    kinds = args.kinds.split(",") if args.kinds else list(zoo.KINDS)
    glue = {
        name: zoo.kind(name).glue_table(BUCKET, DATABASE, zoo.kind(name).TABLE, written[name])
        for name in zoo.KINDS
    }
    expected = {name: zoo.kind(name).expected(written[name]).rows for name in zoo.KINDS}
    engines = {}
    if args.only in (None, "duckdb"):
        engines["duckdb"] = duckdb_counts(root, written, glue)
    if args.only in (None, "spark"):
        engines["spark"] = spark_counts(root, {k: glue[k] for k in kinds})
    if args.only in (None, "spark-hive-parquet"):
        engines["spark-hive-parquet"] = spark_counts(
            root, {k: glue[k] for k in kinds}, hive_parquet=True
        )
    for name in kinds:
        for engine, results in engines.items():
            print(f"{name:22} {engine:18} expected {expected[name]!s:5} {results[name]}")


if __name__ == "__main__":
    main()
