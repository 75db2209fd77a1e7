"""The table catalog: one declaration of every test table.

Both the file writers (``datagen``) and the Glue definitions (``components``) are
derived from these specs, so the types a file carries and the types Glue declares
cannot drift apart. Column values are declared here too, as small value specs that
the generator draws from one seeded random generator (``datagen.values``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

# pyarrow is imported on first use: the Pulumi program reads these specs on every run,
# but only generation (a cache miss) and validation need Arrow types.
if TYPE_CHECKING:
    import pyarrow as pa

from datagen.values import (
    REFERENCE_DATE,
    Choice,
    DateBefore,
    DecimalRange,
    FloatRange,
    IntRange,
    JsonObject,
    Pool,
    SequentialIds,
    StringList,
    TimeRange,
    Timestamp,
    Uuid,
    ValueSpec,
)

DATABASE_ROLES = ("analytics", "logs")


class Format(StrEnum):
    PARQUET = "parquet"
    ORC = "orc"
    CSV = "csv"
    ICEBERG = "iceberg"
    ZOO = "zoo"
    """A table of the zoo (``ZOO_TABLES``): its kind writes it and shapes its whole Glue
    table."""


class Period(StrEnum):
    MONTH = "month"
    DAY = "day"


# --- columns, partitioning and tables ----------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    glue_type: str
    values: ValueSpec
    comment: str = ""

    @property
    def arrow_type(self) -> pa.DataType:
        return arrow_type(self.glue_type)


@dataclass(frozen=True)
class PartitionKey:
    name: str
    glue_type: str


@dataclass(frozen=True)
class Partitioning:
    """Hive-style partitions: the ``count`` most recent periods up to the reference date.

    Monthly partitions have keys ``year``/``month`` (``year=2024/month=12``); daily ones a
    single ``date`` key (``date=2024-12-31``). The folder text equals the partition value.
    """

    period: Period
    count: int

    @property
    def keys(self) -> tuple[PartitionKey, ...]:
        if self.period is Period.MONTH:
            return (PartitionKey("year", "int"), PartitionKey("month", "int"))
        return (PartitionKey("date", "string"),)

    def values(self) -> list[tuple[str, ...]]:
        """Partition values, oldest first, as the text that appears in the path."""
        if self.period is Period.MONTH:
            months: list[tuple[str, ...]] = []
            year, month = REFERENCE_DATE.year, REFERENCE_DATE.month
            for _ in range(self.count):
                months.append((str(year), str(month)))
                year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            return months[::-1]
        return [
            ((REFERENCE_DATE - dt.timedelta(days=offset)).isoformat(),)
            for offset in range(self.count - 1, -1, -1)
        ]

    def period_bounds(self, values: tuple[str, ...]) -> TimeRange:
        """The half-open time range ``[start, end)`` a partition's rows fall in."""
        if self.period is Period.MONTH:
            year, month = int(values[0]), int(values[1])
            start = dt.datetime(year, month, 1)
            end = dt.datetime(year + month // 12, month % 12 + 1, 1)
            return start, end
        day = dt.date.fromisoformat(values[0])
        start = dt.datetime.combine(day, dt.time())
        return start, start + dt.timedelta(days=1)

    def path(self, values: tuple[str, ...]) -> str:
        return "/".join(f"{key.name}={value}" for key, value in zip(self.keys, values, strict=True))


@dataclass(frozen=True)
class TableSpec:
    role: str
    """The table's database: ``<env>_<role>``."""
    name: str
    kind: str
    """The table kind that writes and shapes it (``datagen.kinds``: ``parquet``, ...,
    ``avro_crawler``, ...)."""
    columns: tuple[Column, ...]
    description: str
    partitioning: Partitioning | None = None
    parameters: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({"migration_readiness": "ready"})
    )

    @property
    def key(self) -> str:
        """The table's unique key, ``<role>/<name>`` (names repeat across scale databases).

        It is also the folder of the table's files below the base location (the bucket)."""
        return f"{self.role}/{self.name}"

    @property
    def partition_keys(self) -> tuple[PartitionKey, ...]:
        return self.partitioning.keys if self.partitioning else ()

    @property
    def arrow_schema(self) -> pa.Schema:
        """The schema of the rows inside the files (partition columns are in the path)."""
        import pyarrow as pa

        return pa.schema([pa.field(c.name, c.arrow_type) for c in self.columns])


# --- Glue type -> Arrow type ---------------------------------------------------------


@cache
def _simple_types() -> dict[str, pa.DataType]:
    import pyarrow as pa

    return {
        "bigint": pa.int64(),
        "int": pa.int32(),
        "smallint": pa.int16(),
        "tinyint": pa.int8(),
        "double": pa.float64(),
        "float": pa.float32(),
        "boolean": pa.bool_(),
        "string": pa.string(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us"),
    }


_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _top_level_split(text: str, separator: str) -> list[str]:
    """``text`` split at each ``separator`` outside ``<...>`` and ``(...)``
    (``a:int,b:decimal(10,2)`` gives two parts, ``map<string,int>`` one)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "<(":
            depth += 1
        elif char in ">)":
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced {char!r}")
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    if depth:
        raise ValueError("unbalanced '<' or '('")
    parts.append(text[start:])
    return parts


def _nested(glue_type: str) -> tuple[str, str] | None:
    """``("array", "int")`` for ``array<int>``: the constructor and its argument text."""
    head, bracket, rest = glue_type.partition("<")
    if not bracket:
        return None
    if not rest.endswith(">"):
        raise ValueError("the type after '<' must end with '>'")
    return head.strip(), rest[:-1]


def _parse(glue_type: str) -> pa.DataType:
    import pyarrow as pa

    glue_type = glue_type.strip()
    if glue_type in _simple_types():
        return _simple_types()[glue_type]
    if match := _DECIMAL.match(glue_type):
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    nested = _nested(glue_type)
    if nested is None:
        raise ValueError(f"unknown type {glue_type!r}")
    head, inner = nested
    parts = _top_level_split(inner, ",")
    if head == "array":
        if len(parts) != 1:
            raise ValueError(f"array<...> takes one element type, not {inner!r}")
        return pa.list_(_parse(parts[0]))
    if head == "map":
        if len(parts) != 2:
            raise ValueError(f"map<...> takes a key and a value type, not {inner!r}")
        return pa.map_(_parse(parts[0]), _parse(parts[1]))
    if head == "struct":
        fields = []
        for part in parts:
            name, colon, field_type = part.partition(":")
            if not colon or not _FIELD_NAME.match(name.strip()):
                raise ValueError(f"a struct field is name:type, not {part!r}")
            fields.append(pa.field(name.strip(), _parse(field_type)))
        return pa.struct(fields)
    raise ValueError(f"unknown type constructor {head!r} (array, map or struct)")


def arrow_type(glue_type: str) -> pa.DataType:
    """The Arrow type a Glue/Hive column type is generated and read back as.

    Nested Hive types nest: ``array<t>`` is a list, ``map<k,v>`` a map and
    ``struct<name:t,...>`` a struct with the fields in declared order
    (``array<struct<sku:string,qty:int>>``); commas inside ``<>`` and ``()`` belong to
    the inner type. Raises ``ValueError`` naming the type and the part not understood.
    """
    try:
        return _parse(glue_type)
    except ValueError as err:
        raise ValueError(
            f"unsupported Glue column type {glue_type!r}: {err}; the types are bigint, int, "
            "smallint, tinyint, double, float, boolean, string, date, timestamp, "
            "decimal(p,s), array<t>, map<k,v> and struct<name:t,...>"
        ) from None


# --- the five tables of the design ---------------------------------------------------

ORDER_STATUSES = ("pending", "processing", "shipped", "delivered", "cancelled", "returned")
REGIONS = ("eu-central", "eu-west", "us-east", "us-west", "ap-southeast")
TIERS = ("bronze", "silver", "gold", "platinum")
EVENT_TYPES = ("page_view", "click", "add_to_cart", "checkout", "purchase", "login", "logout")
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")
HTTP_STATUSES = ("200", "201", "204", "301", "304", "400", "401", "403", "404", "500", "503")

SALES_DATA = TableSpec(
    role="analytics",
    name="sales_data",
    kind="parquet",
    description="Orders with amounts and status, partitioned by year and month.",
    partitioning=Partitioning(Period.MONTH, 3),
    columns=(
        Column("order_id", "bigint", SequentialIds(start=100_000)),
        Column("customer_id", "bigint", IntRange(1, 50_000)),
        Column("amount", "decimal(10,2)", DecimalRange(1.0, 5_000.0)),
        Column("quantity", "int", IntRange(1, 20)),
        Column("product_name", "string", Pool("product_name")),
        Column("order_date", "timestamp", Timestamp()),
        Column("region", "string", Choice(REGIONS)),
        Column("status", "string", Choice(ORDER_STATUSES, (0.1, 0.1, 0.2, 0.5, 0.07, 0.03))),
    ),
)

CUSTOMER_DATA = TableSpec(
    role="analytics",
    name="customer_data",
    kind="iceberg",
    description="Customers with tier and lifetime value, an Iceberg v2 table.",
    columns=(
        Column("customer_id", "bigint", SequentialIds(start=1)),
        Column("name", "string", Pool("person_name")),
        Column("email", "string", Pool("email")),
        Column("signup_date", "date", DateBefore(days=5 * 365)),
        Column("tier", "string", Choice(TIERS, (0.5, 0.3, 0.15, 0.05))),
        Column("lifetime_value", "decimal(10,2)", DecimalRange(0.0, 25_000.0)),
    ),
)

METRICS_ORC = TableSpec(
    role="analytics",
    name="metrics_orc",
    kind="orc",
    description="Service metrics with tags, in ORC.",
    columns=(
        Column("metric_name", "string", Pool("metric_name")),
        Column("value", "double", FloatRange(0.0, 1_000.0)),
        Column("timestamp", "timestamp", Timestamp(days=7)),
        Column("tags", "array<string>", StringList("metric_tag", 1, 4)),
    ),
)

EVENTS_RAW = TableSpec(
    role="logs",
    name="events_raw",
    kind="parquet",
    description="Raw application events with JSON properties, partitioned by day.",
    partitioning=Partitioning(Period.DAY, 3),
    columns=(
        Column("event_id", "string", Uuid()),
        Column("user_id", "bigint", IntRange(1, 50_000)),
        Column("event_type", "string", Choice(EVENT_TYPES)),
        Column("timestamp", "timestamp", Timestamp()),
        Column(
            "properties",
            "string",
            JsonObject(
                (
                    ("page", Pool("url_path")),
                    ("session_id", Uuid()),
                    ("duration_ms", IntRange(5, 120_000)),
                    ("device", Choice(("desktop", "mobile", "tablet"))),
                )
            ),
            comment="JSON object text",
        ),
    ),
)

ACCESS_LOGS = TableSpec(
    role="logs",
    name="access_logs",
    kind="csv",
    description="Web server access logs as quoted CSV, partitioned by day.",
    partitioning=Partitioning(Period.DAY, 3),
    # OpenCSVSerde reads every column as string in Hive and Trino: declare them so.
    columns=(
        Column("timestamp", "string", Timestamp(), comment="yyyy-MM-dd HH:mm:ss"),
        Column("ip_address", "string", Pool("ipv4")),
        Column("method", "string", Choice(HTTP_METHODS, (0.6, 0.25, 0.05, 0.04, 0.03, 0.03))),
        Column("path", "string", Pool("url_path")),
        Column("status_code", "string", Choice(HTTP_STATUSES)),
        Column("response_time_ms", "string", IntRange(1, 5_000)),
        Column("user_agent", "string", Pool("user_agent")),
    ),
)

TABLES: tuple[TableSpec, ...] = (SALES_DATA, CUSTOMER_DATA, METRICS_ORC, EVENTS_RAW, ACCESS_LOGS)
TABLES_BY_NAME: Mapping[str, TableSpec] = MappingProxyType({t.name: t for t in TABLES})


# --- the table zoo ---------------------------------------------------------------------

ZOO_ROLE = "zoo"
"""The zoo's database role: its tables are ``zoo/<table>`` in ``<env>_zoo``."""


def _zoo(name: str, kind: str, description: str) -> TableSpec:
    # A zoo kind declares its columns in the Glue definition it shapes; no labels.
    return TableSpec(
        role=ZOO_ROLE,
        name=name,
        kind=kind,
        columns=(),
        description=description,
        parameters=MappingProxyType({}),
    )


ZOO_TABLES: tuple[TableSpec, ...] = (
    _zoo("avro_crawled", "avro_crawler", "Avro files described the way a Glue crawler does."),
    _zoo("json_openx", "json_openx", "JSON lines read by the OpenX JSON SerDe."),
    _zoo("json_gzip_hive", "json_gzip_hive", "Gzip JSON lines read by the HCatalog JSON SerDe."),
    _zoo("csv_header", "csv_header", "CSV with a header line, read by OpenCSVSerde."),
    _zoo("tsv", "tsv", "Tab-separated text read by LazySimpleSerDe."),
    _zoo("alb_access_logs", "regex_logs", "ALB-style access logs read by RegexSerDe."),
    _zoo("parquet_nested", "parquet_nested", "Parquet with nested columns and INT64 timestamps."),
    _zoo("projected_events", "partition_projection", "Parquet with Athena partition projection."),
    _zoo("drifted_events", "schema_drift", "JSON whose partitions carry other columns."),
    _zoo("crawled_orders", "crawler_csv", "A CSV table as a Glue crawler makes it."),
    _zoo("wide_300", "wide_table", "A Parquet table of 300 columns."),
    _zoo("quoted_columns", "quoted_columns", "Parquet with column names that need quoting."),
    _zoo("empty_table", "empty_table", "A Parquet table whose location holds no objects."),
    _zoo("missing_location", "missing_location", "A Parquet table whose bucket does not exist."),
    _zoo("big_orders_view", "athena_view", "An Athena (Presto) view over the TSV table."),
    _zoo("sales_link", "resource_link", "A resource link to a table of another database."),
    _zoo("iceberg_v1", "iceberg_v1", "An Iceberg format v1 table."),
    _zoo("iceberg_v2_history", "iceberg_v2_history", "An Iceberg v2 table with history."),
    _zoo("delta_events", "delta_lake", "A Delta Lake table written by delta-rs."),
    _zoo("delta_symlink", "delta_symlink", "A Delta Lake table behind a symlink manifest."),
)
"""One declaration per zoo kind, in the zoo's order (docs/zoo.md)."""

ZOO_LEFT_OUT: Mapping[str, str] = MappingProxyType(
    {
        "iceberg_v3": (
            "pyiceberg 0.12.0 (pinned, the newest on PyPI) cannot write format-version 3 "
            "(NotImplementedError: Writing V3 is not yet supported); Athena cannot read v3 either"
        ),
        "hudi_copy_on_write": (
            "the PyPI hudi package (hudi-rs 0.5.0) only reads: it has no writer, and a hand-made "
            "Hudi table would not be one the format's own library made"
        ),
    }
)
"""Kinds of real accounts the zoo has no table of, and why (docs/zoo.md, "Left out")."""


def select_tables(names: list[str] | None) -> tuple[TableSpec, ...]:
    """The specs for ``names`` (catalog order), or all of them for ``None``.

    Raises ``KeyError`` naming the unknown table and the tables that exist.
    """
    if not names:
        return TABLES
    unknown = [n for n in names if n not in TABLES_BY_NAME]
    if unknown:
        raise KeyError(f"unknown table {unknown[0]!r}; the tables are: {', '.join(TABLES_BY_NAME)}")
    wanted = set(names)
    return tuple(t for t in TABLES if t.name in wanted)


def scale_catalog(
    base: tuple[TableSpec, ...],
    *,
    monthly_partitions: int = 3,
    daily_partitions: int = 3,
    scale_databases: int = 0,
    tables_per_database: int = 0,
) -> tuple[TableSpec, ...]:
    """The tables of a stack: ``base`` with the given partition counts, followed by
    ``scale_databases`` databases (roles ``scale_01``, ...) of ``tables_per_database``
    tables each, cloned round-robin from ``base`` as ``<template>_<nnnn>``."""

    def partitioned(spec: TableSpec) -> TableSpec:
        if spec.partitioning is None:
            return spec
        count = monthly_partitions if spec.partitioning.period is Period.MONTH else daily_partitions
        return replace(spec, partitioning=replace(spec.partitioning, count=count))

    tables = [partitioned(spec) for spec in base]
    for database in range(1, scale_databases + 1):
        for index in range(tables_per_database):
            template = partitioned(base[index % len(base)])
            tables.append(
                replace(
                    template,
                    role=f"scale_{database:02d}",
                    name=f"{template.name}_{index + 1:04d}",
                    description=f"{template.description} (scale copy of {template.name})",
                )
            )
    return tuple(tables)


def roles(tables: tuple[TableSpec, ...]) -> tuple[str, ...]:
    """The database roles of ``tables``, in first-seen order."""
    return tuple(dict.fromkeys(spec.role for spec in tables))
