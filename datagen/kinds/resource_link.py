"""A resource link: a Glue table that only points at a table of another database.

Glue's ``TableInput.TargetTable`` (a TableIdentifier: CatalogId, DatabaseName, Name,
Region; docs.aws.amazon.com/glue/latest/webapi/API_TableInput.html) is all a link holds:
no storage descriptor, no columns. CatalogId is left out, which means this account. The
target is a core table of the stack.
"""

from __future__ import annotations

from pathlib import Path

from datagen.kinds import zoo

TABLE = "sales_link"
TARGET_ROLE = "analytics"
TARGET_TABLE = "sales_data"


def target_database(database: str) -> str:
    """``<env>_zoo`` links into ``<env>_analytics``."""
    if not database.endswith("_zoo"):
        raise ValueError(f"zoo database {database!r} should end in _zoo (<env>_zoo)")
    return f"{database[: -len('_zoo')]}_{TARGET_ROLE}"


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    return zoo.Written(table_prefix, ())


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    return zoo.GlueTable(
        {
            "Name": name,
            "TargetTable": {"DatabaseName": target_database(database), "Name": TARGET_TABLE},
        }
    )


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="resource_link",
        detected_format="RESOURCE_LINK",
        is_iceberg=False,
        rows=None,
        notes=("resource link: assess the target table, not the link",),
    )


def rows(seed: int, table_prefix: str, rows: int) -> None:
    """None: a link has no rows of its own; reading it reads the target core table, whose
    own ground-truth entry has their digest."""
    return None


KIND = zoo.ZooKind("resource_link", write, glue_table, expected, rows)
