"""The Athena workgroup's saved queries (pure): a partition filter, a join, a CTAS and a
query on the zoo's view, over the core and zoo tables, each with the tables it reads."""

from __future__ import annotations

from dataclasses import dataclass

from components import naming
from datagen.catalog import TABLES_BY_NAME, ZOO_ROLE
from datagen.kinds import athena_view, avro_crawler
from datagen.manifest import Manifest

ATHENA_CTAS_PREFIX = "_testenv/athena/ctas/"
CTAS_TABLE = "avro_daily_totals"


@dataclass(frozen=True)
class NamedQuery:
    key: str
    name: str
    description: str
    database: str
    query: str
    reads: tuple[str, ...]
    """The tables and views it names, ``<database>.<table>``."""
    base_tables: tuple[str, ...]
    """The tables whose data it scans (a view's base table instead of the view)."""
    creates: tuple[str, ...] = ()


def named_queries(env: str, bucket: str, manifest: Manifest) -> tuple[NamedQuery, ...]:
    """The workgroup's saved queries: a partition filter, a join, a CTAS, one on the view."""
    analytics = naming.database_name(env, TABLES_BY_NAME["sales_data"].role)
    zoo = naming.database_name(env, ZOO_ROLE)
    sales = f"{analytics}.sales_data"
    customers = f"{analytics}.{TABLES_BY_NAME['customer_data'].name}"
    newest = manifest.table(f"{TABLES_BY_NAME['sales_data'].role}/sales_data").partitions[-1]
    year, month = newest.values["year"], newest.values["month"]
    avro = f"{zoo}.{avro_crawler.TABLE}"
    ctas = f"{zoo}.{CTAS_TABLE}"
    view = f"{zoo}.{athena_view.TABLE}"
    return (
        NamedQuery(
            key="partition-filter",
            name=naming.account_name(env, "sales-one-month"),
            description=f"Sales per region and status of {year}-{month}: reads one partition.",
            database=analytics,
            query=(
                "SELECT region, status, count(*) AS orders, sum(amount) AS amount\n"
                f"FROM {_quoted(sales)}\n"
                f"WHERE year = {int(year)} AND month = {int(month)}\n"
                "GROUP BY region, status\nORDER BY region, status"
            ),
            reads=(sales,),
            base_tables=(sales,),
        ),
        NamedQuery(
            key="join",
            name=naming.account_name(env, "sales-per-tier"),
            description="Sales per customer tier: joins sales_data with customer_data (Iceberg).",
            database=analytics,
            query=(
                "SELECT c.tier, count(*) AS orders, sum(s.amount) AS amount\n"
                f"FROM {_quoted(sales)} AS s\n"
                f"JOIN {_quoted(customers)} AS c ON s.customer_id = c.customer_id\n"
                "GROUP BY c.tier\nORDER BY c.tier"
            ),
            reads=(sales, customers),
            base_tables=(sales, customers),
        ),
        NamedQuery(
            key="ctas",
            name=naming.account_name(env, "avro-daily-totals-ctas"),
            description=f"CTAS: writes {ctas} as Parquet under {ATHENA_CTAS_PREFIX} when run.",
            database=zoo,
            query=(
                f"CREATE TABLE {_quoted(ctas)}\n"
                "WITH (format = 'PARQUET', external_location = "
                f"'s3://{bucket}/{ATHENA_CTAS_PREFIX}{CTAS_TABLE}/')\n"
                "AS SELECT dt, count(*) AS orders, sum(amount) AS amount\n"
                f"FROM {_quoted(avro)}\nGROUP BY dt"
            ),
            reads=(avro,),
            base_tables=(avro,),
            creates=(ctas,),
        ),
        NamedQuery(
            key="view",
            name=naming.account_name(env, "big-orders-by-name"),
            description=f"Top names of the view {view}, which reads the zoo's TSV table.",
            database=zoo,
            query=(
                "SELECT name, count(*) AS orders, sum(amount) AS amount\n"
                f"FROM {_quoted(view)}\n"
                "GROUP BY name\nORDER BY amount DESC, name\nLIMIT 10"
            ),
            reads=(view,),
            base_tables=(f"{zoo}.{athena_view.BASE_TABLE}",),
        ),
    )


def _quoted(table: str) -> str:
    database, name = table.split(".", 1)
    return f'"{database}"."{name}"'
