"""Table kinds: everything specific to one kind of table, one module per kind.

A kind (``datagen.kinds.base.TableKind``) writes a table's files, reads them back for
validation, shapes the table's Glue definition and states its ground-truth facts. The
four core formats (Parquet, ORC, CSV, Iceberg) and the twenty kinds of the zoo are kinds
alike, in one registry; a table's declaration names its kind (``TableSpec.kind``) and
``kind_for`` finds it. Adding a kind is adding a module that defines ``KIND`` and a line
here (docs/architecture.md, "Adding a table kind").

The registry names modules, not objects: a kind's module is imported on first use, so a
cached ``pulumi up`` that only shapes Glue definitions never imports a writer's library.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from types import MappingProxyType

from datagen.kinds.base import TableKind

CORE_KINDS = ("parquet", "orc", "csv", "iceberg")
"""The formats of the five core tables (``datagen.catalog.TABLES``)."""
ZOO_KINDS = (
    "avro_crawler",
    "json_openx",
    "json_gzip_hive",
    "csv_header",
    "tsv",
    "regex_logs",
    "parquet_nested",
    "partition_projection",
    "schema_drift",
    "crawler_csv",
    "wide_table",
    "quoted_columns",
    "empty_table",
    "missing_location",
    "athena_view",
    "resource_link",
    "iceberg_v1",
    "iceberg_v2_history",
    "delta_lake",
    "delta_symlink",
)
"""The kinds of the table zoo (``datagen.catalog.ZOO_TABLES``), in the zoo's order."""

KIND_MODULES: Mapping[str, str] = MappingProxyType(
    {name: f"datagen.kinds.{name}" for name in (*CORE_KINDS, *ZOO_KINDS)}
)


@cache
def _load(name: str) -> TableKind:
    kind: TableKind = import_module(KIND_MODULES[name]).KIND
    if kind.name != name:
        raise RuntimeError(f"{KIND_MODULES[name]} declares the kind {kind.name!r}, not {name!r}")
    return kind


def kind_for(name: str) -> TableKind:
    """The kind named ``name``; ``KeyError`` naming the known kinds if there is none."""
    if name not in KIND_MODULES:
        known = ", ".join(KIND_MODULES)
        raise KeyError(f"no table kind {name!r}; the kinds are: {known}")
    return _load(name)
