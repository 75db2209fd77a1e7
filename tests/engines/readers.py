"""Every engine of the matrix, reading one table through its Glue definition.

Each reader returns an ``EngineRead``: the column types as the engine reports them and
the rows as an Arrow table (columns in Glue order, partition keys last), which
``datagen.digest`` renders into the canonical text form. Nothing here knows the table
catalog: locations, formats, SerDes, columns and partitions all come from Glue.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from datagen.catalog import arrow_type
from tests.engines.deployed import Deployed, GlueTable, direct_files
from tests.support import glue_reader

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class EngineRead:
    types: list[str]
    """The engine's own name of each column's type, in Glue order."""
    data: pa.Table


def arrow_table(table: GlueTable, rows: list[tuple[Any, ...]]) -> pa.Table:
    """Python rows as an Arrow table with the Arrow types of the Glue columns."""
    names = [name for name, _ in table.columns]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pa.table(
        {
            name: pa.array(list(values), arrow_type(glue_type))
            for (name, glue_type), values in zip(table.columns, columns, strict=True)
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


def spark_ddl(table: GlueTable, deployed: Deployed) -> str:
    """``CREATE EXTERNAL TABLE`` for a Hive-style Glue table, its S3 location mapped to the
    mirrored copy."""
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
    parts.append(f"LOCATION {_literal(deployed.local(sd['Location']))}")
    # Spark reserves EXTERNAL (CREATE EXTERNAL TABLE says it); the rest go as they are.
    parameters = {
        k: v for k, v in table.definition.get("Parameters", {}).items() if k != "EXTERNAL"
    }
    if parameters:
        parts.append(f"TBLPROPERTIES ({_properties(parameters)})")
    return "\n".join(parts)


def _java_map(jvm: Any, scala_map: Any) -> Any:
    return jvm.scala.jdk.javaapi.CollectionConverters.asJava(scala_map)


def spark_register(spark: Any, table: GlueTable, deployed: Deployed) -> None:
    """Create ``table`` and each of its Glue partitions (location, SerDe, formats and
    partition parameters) in Spark's Hive metastore."""
    spark.sql(f"CREATE DATABASE IF NOT EXISTS `{table.database}`")
    spark.sql(spark_ddl(table, deployed))
    jvm = spark._jvm
    scala = jvm.org.apache.spark.api.python.PythonUtils
    catalog_pkg = jvm.org.apache.spark.sql.catalyst.catalog
    external = spark._jsparkSession.sharedState().externalCatalog()
    for partition in table.partitions:
        spec = dict(zip(table.key_names, partition["Values"], strict=True))
        values = ", ".join(f"`{k}`={_literal(v)}" for k, v in spec.items())
        sd = partition["StorageDescriptor"]
        spark.sql(
            f"ALTER TABLE `{table.database}`.`{table.name}` ADD PARTITION ({values}) "
            f"LOCATION {_literal(deployed.local(sd['Location']))}"
        )
        # SQL cannot set a partition's own SerDe parameters and parameters: the catalog can.
        added = external.getPartition(table.database, table.name, scala.toScalaMap(spec))
        option = jvm.scala.Option.apply
        storage = catalog_pkg.CatalogStorageFormat(
            added.storage().locationUri(),
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


def spark_read(spark: Any, table: GlueTable) -> EngineRead:
    """All rows of ``table``; timestamps as the session's wall clock (``timestamp_ntz``)."""
    frame = spark.table(f"`{table.database}`.`{table.name}`")
    types = [t for _, t in frame.dtypes]
    columns = [
        f"CAST(`{name}` AS TIMESTAMP_NTZ) AS `{name}`" if glue_type == "timestamp" else f"`{name}`"
        for name, glue_type in table.columns
    ]
    rows = [tuple(row) for row in frame.selectExpr(*columns).collect()]
    return EngineRead(types, arrow_table(table, rows))


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


def duckdb_query(table: GlueTable, deployed: Deployed) -> str:
    """One ``SELECT`` of a Hive-style table through its Glue definition. DuckDB has no
    Glue client, so this plays one: it lists the registered partitions (none for a
    projected table: projection is Athena's alone) and hands DuckDB the objects under each
    location, read with the DuckDB function for the SerDe, partition values as typed
    constants."""
    sd = table.definition["StorageDescriptor"]
    keys = table.definition.get("PartitionKeys", [])
    data = ", ".join(duck_name(c["Name"]) for c in sd["Columns"])
    if keys and not table.partitions:
        # A partitioned table with no partition in Glue has no rows for a Glue client.
        nothing = ", ".join(
            f"CAST(NULL AS {duckdb_type(t)}) AS {duck_name(n)}" for n, t in table.columns
        )
        return f"SELECT {nothing} WHERE false"
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


def arrow_glue_read(table: GlueTable, deployed: Deployed) -> EngineRead:
    """``tests.support.glue_reader``: pyarrow (pandas/awswrangler's reader) through Glue."""
    read = glue_reader.read_table(deployed.endpoint, table.database, table.name)
    return EngineRead([str(f.type) for f in read.data.schema], read.data)
