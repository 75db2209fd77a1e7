"""The table zoo: the kinds of Glue tables real accounts hold, one module per kind.

Each module writes real files with the format's own library and shapes the exact Glue
definition and the expected findings (see ``zoo.base`` for the shape every module has and
``docs/zoo.md`` for the kinds).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from zoo import (
    athena_view,
    avro_crawler,
    crawler_csv,
    csv_header,
    delta_lake,
    delta_symlink,
    empty_table,
    iceberg_v1,
    iceberg_v2_history,
    json_gzip_hive,
    json_openx,
    missing_location,
    parquet_nested,
    partition_projection,
    quoted_columns,
    regex_logs,
    resource_link,
    schema_drift,
    tsv,
    wide_table,
)
from zoo.base import Written

# kind name -> module; each module's TABLE is the table's default name.
KINDS: dict[str, ModuleType] = {
    "avro_crawler": avro_crawler,
    "json_openx": json_openx,
    "json_gzip_hive": json_gzip_hive,
    "csv_header": csv_header,
    "tsv": tsv,
    "regex_logs": regex_logs,
    "parquet_nested": parquet_nested,
    "partition_projection": partition_projection,
    "schema_drift": schema_drift,
    "crawler_csv": crawler_csv,
    "wide_table": wide_table,
    "quoted_columns": quoted_columns,
    "empty_table": empty_table,
    "missing_location": missing_location,
    "athena_view": athena_view,
    "resource_link": resource_link,
    "iceberg_v1": iceberg_v1,
    "iceberg_v2_history": iceberg_v2_history,
    "delta_lake": delta_lake,
    "delta_symlink": delta_symlink,
}

PREFIX = "zoo"

# Kinds of the zoo's issue that have no table, and why (docs/zoo.md, "Left out, and why");
# the ground truth lists them with the zoo database.
LEFT_OUT: dict[str, str] = {
    "iceberg_v3": (
        "pyiceberg 0.12.0 (pinned, the newest on PyPI) cannot write format-version 3 "
        "(NotImplementedError: Writing V3 is not yet supported); Athena cannot read v3 either"
    ),
    "hudi_copy_on_write": (
        "the PyPI hudi package (hudi-rs 0.5.0) only reads: it has no writer, and a hand-made "
        "Hudi table would not be one the format's own library made"
    ),
}


def kind(name: str) -> ModuleType:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(
            f"unknown zoo kind {name!r}: the kinds are {', '.join(sorted(KINDS))}"
        ) from None


def kind_of(table: str) -> str:
    """The kind whose table is named ``table``."""
    for name, module in KINDS.items():
        if module.TABLE == table:
            return name
    tables = ", ".join(sorted(m.TABLE for m in KINDS.values()))
    raise ValueError(f"no zoo table {table!r}: the tables are {tables}")


def by_table(table: str) -> ModuleType:
    """The module of the kind whose table is named ``table``."""
    return KINDS[kind_of(table)]


def write_all(root: Path, rows: int, seed: int, location: str) -> dict[str, Written]:
    """Every kind's files under ``root/zoo/<table>/``."""
    return {
        name: module.write(root, f"{PREFIX}/{module.TABLE}", rows, seed, location)
        for name, module in KINDS.items()
    }
