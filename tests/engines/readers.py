"""Every engine of the matrix, reading one table through its Glue definition.

Each reader returns an ``EngineRead``: the column types as the engine reports them and
the rows as an Arrow table (columns in Glue order, partition keys last), which
``datagen.digest`` renders into the canonical text form. Nothing here knows the table
catalog: locations, formats, SerDes, columns and partitions all come from Glue.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from datagen.catalog import arrow_type
from tests.engines.deployed import Deployed, GlueTable, direct_files

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class EngineRead:
    types: list[str]
    """The engine's own name of each column's type, in Glue order."""
    data: pa.Table


def arrow_table(columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> pa.Table:
    """Python rows as an Arrow table with the Arrow types of the Glue ``columns``."""
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pa.table(
        {
            name: pa.array(list(column), arrow_type(glue_type))
            for (name, glue_type), column in zip(columns, values, strict=True)
        }
    )


def _literal(text: str) -> str:
    """A Spark SQL string literal (Spark's parser unescapes backslashes)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def duck_literal(text: str) -> str:
    """A DuckDB (standard SQL) string literal: quotes doubled, backslashes as they are."""
    return "'" + text.replace("'", "''") + "'"


# --- Spark with Hive support ---------------------------------------------------------------


def _properties(values: dict[str, str]) -> str:
    return ", ".join(f"{_literal(k)}={_literal(v)}" for k, v in sorted(values.items()))


def spark_ddl(table: GlueTable, location: str) -> str:
    """``CREATE EXTERNAL TABLE`` for a Hive-style Glue table at ``location``."""
    sd = table.definition["StorageDescriptor"]

    def column(c: dict[str, Any]) -> str:
        comment = f" COMMENT {_literal(c['Comment'])}" if c.get("Comment") else ""
        return f"`{c['Name']}` {c['Type']}{comment}"

    parts = [
        f"CREATE EXTERNAL TABLE `{table.database}`.`{table.name}` "
        f"({', '.join(column(c) for c in sd['Columns'])})"
    ]
    if table.definition.get("Description"):
        parts.append(f"COMMENT {_literal(table.definition['Description'])}")
    if table.definition.get("PartitionKeys"):
        keys = ", ".join(column(k) for k in table.definition["PartitionKeys"])
        parts.append(f"PARTITIONED BY ({keys})")
    serde = sd["SerdeInfo"]
    parts.append(f"ROW FORMAT SERDE {_literal(serde['SerializationLibrary'])}")
    if serde.get("Parameters"):
        parts.append(f"WITH SERDEPROPERTIES ({_properties(serde['Parameters'])})")
    parts.append(
        f"STORED AS INPUTFORMAT {_literal(sd['InputFormat'])} "
        f"OUTPUTFORMAT {_literal(sd['OutputFormat'])}"
    )
    parts.append(f"LOCATION {_literal(location)}")
    # Spark reserves EXTERNAL (CREATE EXTERNAL TABLE says it); the rest go as they are.
    parameters = {
        k: v for k, v in table.definition.get("Parameters", {}).items() if k != "EXTERNAL"
    }
    if parameters:
        parts.append(f"TBLPROPERTIES ({_properties(parameters)})")
    return "\n".join(parts)


PROVIDER = "spark.sql.sources.provider"


def spark_provider_ddl(table: GlueTable) -> str:
    """``CREATE TABLE … USING <provider> LOCATION <path>`` for a Glue table that Spark
    wrote as a data source table (``spark.sql.sources.provider``): Spark's metastore
    reads such a table's location from the SerDe's ``path``."""
    sd = table.definition["StorageDescriptor"]
    provider = table.definition["Parameters"][PROVIDER]
    path = sd.get("SerdeInfo", {}).get("Parameters", {}).get("path") or sd["Location"]
    return (
        f"CREATE TABLE `{table.database}`.`{table.name}` USING {provider} LOCATION {_literal(path)}"
    )


def _java_map(jvm: Any, scala_map: Any) -> Any:
    return jvm.scala.jdk.javaapi.CollectionConverters.asJava(scala_map)


def spark_register(spark: Any, table: GlueTable, placeholders: Path) -> None:
    """Create ``table`` and each of its Glue partitions (location, SerDe, formats and
    partition parameters) in Spark's Hive metastore: the suite's translation of the Glue
    definition, since this Spark has no Glue metastore client.

    Hive's metastore creates a table's or partition's folder when it is missing, which on
    S3 writes a folder marker object (Glue writes nothing): the table and its partitions
    are created at an empty local folder under ``placeholders``, then moved to their S3
    locations through Spark's catalog, which changes only the metadata."""
    spark.sql(f"CREATE DATABASE IF NOT EXISTS `{table.database}`")
    if PROVIDER in table.definition.get("Parameters", {}):
        spark.sql(spark_provider_ddl(table))
        return
    placeholder = placeholders / table.database / table.name
    placeholder.mkdir(parents=True)
    spark.sql(spark_ddl(table, placeholder.as_uri()))
    jvm = spark._jvm
    scala = jvm.org.apache.spark.api.python.PythonUtils
    catalog_pkg = jvm.org.apache.spark.sql.catalyst.catalog
    external = spark._jsparkSession.sharedState().externalCatalog()
    option = jvm.scala.Option.apply
    for number, partition in enumerate(table.partitions):
        spec = dict(zip(table.key_names, partition["Values"], strict=True))
        values = ", ".join(f"`{k}`={_literal(v)}" for k, v in spec.items())
        sd = partition["StorageDescriptor"]
        spark.sql(
            f"ALTER TABLE `{table.database}`.`{table.name}` ADD PARTITION ({values}) "
            f"LOCATION {_literal((placeholder / str(number)).as_uri())}"
        )
        # SQL cannot set a partition's own SerDe parameters and parameters: the catalog can.
        added = external.getPartition(table.database, table.name, scala.toScalaMap(spec))
        storage = catalog_pkg.CatalogStorageFormat(
            option(jvm.java.net.URI(sd["Location"])),
            option(sd["InputFormat"]),
            option(sd["OutputFormat"]),
            option(sd["SerdeInfo"]["SerializationLibrary"]),
            bool(sd.get("Compressed", False)),
            scala.toScalaMap(sd["SerdeInfo"].get("Parameters", {})),
        )
        parameters = {**dict(_java_map(jvm, added.parameters())), **partition["Parameters"]}
        replaced = catalog_pkg.CatalogTablePartition(
            added.spec(),
            storage,
            scala.toScalaMap(parameters),
            added.createTime(),
            added.lastAccessTime(),
            added.stats(),
        )
        external.alterPartitions(table.database, table.name, scala.toSeq([replaced]))
    created = external.getTable(table.database, table.name)
    stored = created.storage()
    external.alterTable(
        created.withNewStorage(
            option(jvm.java.net.URI(table.definition["StorageDescriptor"]["Location"])),
            stored.inputFormat(),
            stored.outputFormat(),
            stored.compressed(),
            stored.serde(),
            stored.properties(),
        )
    )


def spark_partition_parameters(spark: Any, table: GlueTable) -> list[dict[str, str]]:
    """Each partition's parameters as Spark's metastore holds them, in Glue order."""
    scala = spark._jvm.org.apache.spark.api.python.PythonUtils
    external = spark._jsparkSession.sharedState().externalCatalog()
    found = []
    for partition in table.partitions:
        spec = dict(zip(table.key_names, partition["Values"], strict=True))
        stored = external.getPartition(table.database, table.name, scala.toScalaMap(spec))
        found.append(dict(_java_map(spark._jvm, stored.parameters())))
    return found


def spark_read(
    spark: Any,
    table: GlueTable,
    catalog: str = "spark_catalog",
    columns: list[tuple[str, str]] | None = None,
) -> EngineRead:
    """All rows of ``table`` in Spark's ``catalog`` (``columns``: its Glue columns unless
    given); timestamps as the session's wall clock (``timestamp_ntz``)."""
    columns = columns or table.columns
    frame = spark.table(f"`{catalog}`.`{table.database}`.`{table.name}`")
    types = [t for _, t in frame.dtypes]
    selected = [
        f"CAST(`{name}` AS TIMESTAMP_NTZ) AS `{name}`" if glue_type == "timestamp" else f"`{name}`"
        for name, glue_type in columns
    ]
    rows = [tuple(row) for row in frame.selectExpr(*selected).collect()]
    return EngineRead(types, arrow_table(columns, rows))


# --- DuckDB ----------------------------------------------------------------------------------

SYMLINK_INPUT = "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat"


_DUCKDB_SIMPLE = {
    "int64": "BIGINT",
    "int32": "INTEGER",
    "int16": "SMALLINT",
    "int8": "TINYINT",
    "double": "DOUBLE",
    "float": "FLOAT",
    "bool": "BOOLEAN",
    "string": "VARCHAR",
    "date32[day]": "DATE",
    "timestamp[us]": "TIMESTAMP",
}


def duckdb_type(glue_type: str) -> str:
    """The DuckDB type a Glue type should be read as (through its Arrow type,
    ``datagen.catalog.arrow_type``, which parses nested Hive types)."""
    return _duckdb_name(arrow_type(glue_type))


def _duckdb_name(data_type: pa.DataType) -> str:
    if str(data_type) in _DUCKDB_SIMPLE:
        return _DUCKDB_SIMPLE[str(data_type)]
    if pa.types.is_decimal(data_type):
        return f"DECIMAL({data_type.precision},{data_type.scale})"
    if pa.types.is_list(data_type):
        return f"{_duckdb_name(data_type.value_type)}[]"
    if pa.types.is_struct(data_type):
        fields = ", ".join(f"{field.name} {_duckdb_name(field.type)}" for field in data_type)
        return f"STRUCT({fields})"
    if pa.types.is_map(data_type):
        return f"MAP({_duckdb_name(data_type.key_type)}, {_duckdb_name(data_type.item_type)})"
    raise ValueError(f"no DuckDB type for Arrow type {data_type}")


def duckdb_extensions() -> dict[str, Path]:
    """The Avro, Iceberg and Delta extensions shipped in their PyPI wheels (DuckDB's own
    download needs the network), in load order: Iceberg needs Avro loaded first."""
    import duckdb_extension_avro
    import duckdb_extension_delta
    import duckdb_extension_iceberg

    found = {}
    for name, module in (
        ("avro", duckdb_extension_avro),
        ("iceberg", duckdb_extension_iceberg),
        ("delta", duckdb_extension_delta),
    ):
        (path,) = Path(module.__file__).parent.rglob(f"{name}.duckdb_extension")
        found[name] = path
    return found


def duck_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _struct(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{duck_literal(n)}: {duck_literal(t)}" for n, t in pairs) + "}"


def _list(paths: list[str]) -> str:
    return "[" + ", ".join(duck_literal(p) for p in paths) + "]"


def _texts_as(table_columns: list[tuple[str, str]], source: str) -> str:
    """``source``'s VARCHAR columns converted to the Glue types the way a Hive text SerDe
    does: a value that does not parse is NULL."""
    converted = ", ".join(
        f"TRY_CAST({duck_name(n)} AS {duckdb_type(t)}) AS {duck_name(n)}" for n, t in table_columns
    )
    return f"(SELECT {converted} FROM {source})"


def _duckdb_files(
    table: GlueTable, deployed: Deployed, descriptor: dict[str, Any]
) -> tuple[list[str], str]:
    """The files DuckDB reads for a descriptor, and the glob that names the location
    (what DuckDB is given when the location holds no object)."""
    location = descriptor["Location"]
    folder = deployed.local_path(location)
    glob = str(folder / "*")
    if descriptor.get("InputFormat") == SYMLINK_INPUT:
        files = []
        for manifest in direct_files(folder) if folder.is_dir() else []:
            files += [str(deployed.local_path(line)) for line in manifest.read_text().split()]
        return files, glob
    return ([str(p) for p in direct_files(folder)] if folder.is_dir() else []), glob


def _duckdb_source(table: GlueTable, deployed: Deployed, descriptor: dict[str, Any]) -> str:
    """A DuckDB table expression of one descriptor's objects with the table's columns."""
    files, glob = _duckdb_files(table, deployed, descriptor)
    paths = _list(files) if files else duck_literal(glob)
    serde = descriptor.get("SerdeInfo", {})
    library = serde.get("SerializationLibrary", "")
    parameters = serde.get("Parameters", {})
    skip = int(table.definition.get("Parameters", {}).get("skip.header.line.count", "0"))
    sd = table.definition["StorageDescriptor"]
    table_columns = [(c["Name"], c["Type"]) for c in sd["Columns"]]
    own = [(c["Name"], c["Type"]) for c in descriptor["Columns"]]
    if library.endswith("AvroSerDe"):
        return f"read_avro({paths})"
    if library.endswith("JsonSerDe"):
        read = (
            f"read_json({paths}, format='newline_delimited', "
            f"columns={_struct([(n, duckdb_type(t)) for n, t in own])})"
        )
        # Hive reads a partition with its own columns, then converts them to the table's.
        present = dict(own)
        select = ", ".join(
            f"CAST({duck_name(n) if n in present else 'NULL'} AS {duckdb_type(t)}) "
            f"AS {duck_name(n)}"
            for n, t in table_columns
        )
        return f"(SELECT {select} FROM {read})"
    if library.endswith("RegexSerDe"):
        pattern = duck_literal(parameters["input.regex"])
        names = "[" + ", ".join(duck_literal(n) for n, _ in own) + "]"
        lines = (
            f"read_csv({paths}, columns={{'line': 'VARCHAR'}}, header=false, delim=chr(1), "
            "quote='', escape='', auto_detect=false)"
        )
        groups = (
            f"(SELECT CASE WHEN regexp_full_match(line, {pattern}) "
            f"THEN regexp_extract(line, {pattern}, {names}) END AS m FROM {lines})"
        )
        fields = ", ".join(f"m[{duck_literal(n)}] AS {duck_name(n)}" for n, _ in own)
        return _texts_as(own, f"(SELECT {fields} FROM {groups})")
    if library.endswith("LazySimpleSerDe"):
        delimiter = duck_literal(parameters.get("field.delim", "\x01"))
        read = (
            f"read_csv({paths}, columns={_struct([(n, 'VARCHAR') for n, _ in own])}, "
            f"header=false, skip={skip}, delim={delimiter}, quote='', escape='', "
            "nullstr='\\N', auto_detect=false)"
        )
        return _texts_as(own, read)
    if library.endswith("OpenCSVSerde"):
        quote = duck_literal(parameters.get("quoteChar", '"'))
        delimiter = duck_literal(parameters.get("separatorChar", ","))
        read = (
            f"read_csv({paths}, columns={_struct([(n, 'VARCHAR') for n, _ in own])}, "
            f"header=false, skip={skip}, delim={delimiter}, "
            f"quote={quote}, escape={quote}, auto_detect=false)"
        )
        return _texts_as(own, read)
    if library.endswith("ParquetHiveSerDe"):
        # Partitions come from Glue, not from the folder names.
        return f"read_parquet({paths}, hive_partitioning=false)"
    if library.endswith("OrcSerde"):
        return f"read_orc({paths})"  # DuckDB has no ORC reader: this fails (asserted)
    raise ValueError(f"{table.id}: no DuckDB reader for SerDe {library!r}")


class NothingToRead(Exception):
    """The Glue definition names no objects to hand an engine that has no Glue client."""


def duckdb_query(table: GlueTable, deployed: Deployed) -> str:
    """One ``SELECT`` of a Hive-style table through its Glue definition. DuckDB has no
    Glue client, so this is the suite's translation: it lists the registered partitions
    and hands DuckDB the objects under each location, read with the DuckDB function for
    the SerDe, partition values as typed constants. A partitioned table with no partition
    in Glue (a projected one: projection is Athena's alone) gives ``NothingToRead``."""
    sd = table.definition["StorageDescriptor"]
    keys = table.definition.get("PartitionKeys", [])
    data = ", ".join(duck_name(c["Name"]) for c in sd["Columns"])
    if keys and not table.partitions:
        raise NothingToRead(f"{table.id}: partitioned, with no partition in Glue")
    parts = table.partitions or [{"Values": [], "StorageDescriptor": sd}]
    selects = []
    for part in parts:
        constants = "".join(
            f", CAST({duck_literal(v)} AS {duckdb_type(k['Type'])}) AS {duck_name(k['Name'])}"
            for k, v in zip(keys, part["Values"], strict=True)
        )
        source = _duckdb_source(table, deployed, part["StorageDescriptor"])
        selects.append(f"SELECT {data}{constants} FROM {source}")
    return " UNION ALL ".join(selects)


def duckdb_read(connection: Any, query: str) -> EngineRead:
    relation = connection.sql(query)
    return EngineRead([str(t) for t in relation.types], relation.to_arrow_table())


def duckdb_iceberg_query(table: GlueTable, deployed: Deployed) -> str:
    """``iceberg_scan`` of the mirrored table at the metadata Glue names:
    ``allow_moved_paths`` maps the table's recorded ``s3://`` root to the mirrored folder,
    ``version`` picks the metadata file (there is no version hint to guess from)."""
    root = deployed.local_path(table.definition["StorageDescriptor"]["Location"])
    metadata = table.definition["Parameters"]["metadata_location"].rsplit("/", 1)[1]
    version = metadata.removesuffix(".metadata.json")
    columns = ", ".join(f'"{name}"' for name, _ in table.columns)
    return (
        f"SELECT {columns} FROM iceberg_scan({duck_literal(str(root))}, allow_moved_paths=true, "
        f"version={duck_literal(version)})"
    )


# --- Iceberg: iceberg-rust (DataFusion) and pyiceberg ----------------------------------------


def iceberg_rust_read(table: GlueTable, deployed: Deployed) -> EngineRead:
    """iceberg-rust's DataFusion table provider on the ``metadata_location`` Glue names,
    reading the uploaded objects from the emulator's S3 (in a child process: see
    ``tests.engines.iceberg_rust``)."""
    endpoint = deployed.endpoint
    columns = ", ".join(f'"{name}"' for name, _ in table.columns)
    arguments = {
        "identifier": [table.database, table.name],
        "metadata_location": table.definition["Parameters"]["metadata_location"],
        "properties": {
            "s3.endpoint": endpoint.url,
            "s3.access-key-id": endpoint.access_key,
            "s3.secret-access-key": endpoint.secret_key,
            "s3.region": endpoint.region,
            "s3.path-style-access": "true",
        },
        "sql": f"SELECT {columns} FROM t",
    }
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "rows.arrow"
        subprocess.run(
            [sys.executable, "-m", "tests.engines.iceberg_rust", json.dumps(arguments), str(out)],
            check=True,
            cwd=ROOT,
            timeout=300,
        )
        with pa.memory_map(str(out)) as source:
            data = pa.ipc.open_file(source).read_all()
    return EngineRead([str(f.type) for f in data.schema], data)


def pyiceberg_read(table: GlueTable, deployed: Deployed) -> EngineRead:
    """pyiceberg's Glue catalog against the emulator (Glue and S3)."""
    from pyiceberg.catalog.glue import GlueCatalog

    catalog = GlueCatalog("glue", **deployed.endpoint.iceberg_properties())
    data = catalog.load_table((table.database, table.name)).scan().to_arrow()
    return EngineRead([str(f.type) for f in data.schema], data)


# --- awswrangler -----------------------------------------------------------------------------

# pandas dtypes awswrangler gives the Glue types (through its Arrow types_mapper); a
# timestamp keeps the file's unit (INT96: ns, INT64 micros: us), which is not compared.
_AWSWRANGLER_DTYPES = {
    "bigint": "Int64",
    "int": "Int32",
    "smallint": "Int16",
    "tinyint": "Int8",
    "double": "float64",
    "float": "float32",
    "boolean": "boolean",
    "string": "string",
    "timestamp": "datetime64",
}


def awswrangler_dtype(glue_type: str) -> str:
    """The pandas dtype awswrangler reads a Glue type as: decimals, dates and nested types
    are Python objects."""
    return _AWSWRANGLER_DTYPES.get(glue_type, "object")


def awswrangler_reader(table: GlueTable) -> str | None:
    """awswrangler's reader of a Glue table (``read_parquet_table``, ``read_orc_table``),
    chosen by the InputFormat as its users choose it; ``None``: it has none (CSV, JSON
    and other text is read by path, Iceberg through Athena)."""
    input_format = table.definition.get("StorageDescriptor", {}).get("InputFormat", "")
    if input_format.endswith("MapredParquetInputFormat"):
        return "read_parquet_table"
    if input_format.endswith("OrcInputFormat"):
        return "read_orc_table"
    return None


def awswrangler_read(table: GlueTable, deployed: Deployed) -> EngineRead:
    """awswrangler reading the table through Glue (it takes the location, columns and
    partition keys from the Glue table) from the emulator's Glue and S3."""
    import awswrangler as wr
    import boto3

    reader = awswrangler_reader(table)
    if reader is None:
        raise ValueError(f"{table.id}: awswrangler has no Glue table reader for it")
    endpoint = deployed.endpoint
    session = boto3.Session(
        aws_access_key_id=endpoint.access_key,
        aws_secret_access_key=endpoint.secret_key,
        region_name=endpoint.region,
    )
    names = ("s3_endpoint_url", "glue_endpoint_url", "sts_endpoint_url")
    for name in names:
        setattr(wr.config, name, endpoint.url)
    try:
        frame = getattr(wr.s3, reader)(
            table=table.name, database=table.database, boto3_session=session
        )
    finally:
        for name in names:
            wr.config.reset(name)
    if list(frame.columns) != [name for name, _ in table.columns]:
        raise AssertionError(f"{table.id}: awswrangler gave columns {list(frame.columns)}")
    types = [
        re.sub(r"^datetime64\[(ns|us|ms|s)\]$", "datetime64", str(frame[name].dtype))
        for name in frame.columns
    ]
    data = pa.table(
        {
            name: pa.array(frame[name].tolist(), arrow_type(glue_type), from_pandas=True)
            for name, glue_type in table.columns
        }
    )
    return EngineRead(types, data)
