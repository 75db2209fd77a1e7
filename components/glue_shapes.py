"""Glue table and partition definitions shaped from the table catalog (pure functions).

The facts here are what Athena, Spark, Trino, pyiceberg and awswrangler expect of a
Hive-style table in each format (see DESIGN.md, "Facts that decide correctness").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from datagen.catalog import Format, TableSpec


@dataclass(frozen=True)
class HiveFormat:
    classification: str
    input_format: str
    output_format: str
    serde: str
    serde_parameters: Mapping[str, str]
    table_parameters: Mapping[str, str]


_TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
_TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

HIVE_FORMATS: Mapping[Format, HiveFormat] = {
    Format.PARQUET: HiveFormat(
        classification="parquet",
        input_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        output_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        serde="org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        serde_parameters={"serialization.format": "1"},
        table_parameters={},
    ),
    Format.ORC: HiveFormat(
        classification="orc",
        input_format="org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
        output_format="org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
        serde="org.apache.hadoop.hive.ql.io.orc.OrcSerde",
        serde_parameters={"serialization.format": "1"},
        table_parameters={},
    ),
    Format.CSV: HiveFormat(
        classification="csv",
        input_format=_TEXT_INPUT,
        output_format=_TEXT_OUTPUT,
        serde="org.apache.hadoop.hive.serde2.OpenCSVSerde",
        serde_parameters={"separatorChar": ",", "quoteChar": '"', "escapeChar": "\\"},
        # The files have no header line: Spark ignores skip.header.line.count.
        table_parameters={},
    ),
}


def table_location(bucket: str, spec: TableSpec) -> str:
    return f"s3://{bucket}/{spec.prefix}/"


def partition_location(bucket: str, spec: TableSpec, values: tuple[str, ...]) -> str:
    assert spec.partitioning is not None
    return f"s3://{bucket}/{spec.prefix}/{spec.partitioning.path(values)}/"


def columns(spec: TableSpec) -> list[dict[str, str]]:
    """The data columns in file order (ORC is read by position: the order matters)."""
    return [
        {"name": c.name, "type": c.glue_type, **({"comment": c.comment} if c.comment else {})}
        for c in spec.columns
    ]


def partition_keys(spec: TableSpec) -> list[dict[str, str]]:
    return [{"name": k.name, "type": k.glue_type} for k in spec.partition_keys]


def storage_descriptor(spec: TableSpec, location: str) -> dict[str, Any]:
    """The storage descriptor of a table or of one of its partitions."""
    if spec.format is Format.ICEBERG:
        return {"location": location, "columns": columns(spec)}
    hive = HIVE_FORMATS[spec.format]
    return {
        "location": location,
        "input_format": hive.input_format,
        "output_format": hive.output_format,
        "compressed": False,
        "number_of_buckets": -1,
        "ser_de_info": {
            "serialization_library": hive.serde,
            "parameters": dict(hive.serde_parameters),
        },
        "columns": columns(spec),
        "stored_as_sub_directories": False,
    }


def table_parameters(spec: TableSpec, metadata_location: str | None = None) -> dict[str, str]:
    """Glue table parameters: the catalog's (``migration_readiness``) plus the format's."""
    parameters = dict(spec.parameters)
    if spec.format is Format.ICEBERG:
        if not metadata_location:
            raise ValueError(f"Iceberg table {spec.name} needs its metadata_location")
        parameters.update({"table_type": "ICEBERG", "metadata_location": metadata_location})
        return parameters
    hive = HIVE_FORMATS[spec.format]
    parameters.update({"EXTERNAL": "TRUE", "classification": hive.classification})
    parameters.update(hive.table_parameters)
    return parameters


def partition_parameters(spec: TableSpec) -> dict[str, str]:
    """Partition parameters: the format's classification (and its table parameters)."""
    hive = HIVE_FORMATS[spec.format]
    return {"classification": hive.classification, **hive.table_parameters}
