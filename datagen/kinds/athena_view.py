"""An Athena (Presto) view stored in Glue, over the zoo's TSV table.

Athena keeps a view as a ``VIRTUAL_VIEW`` table whose ``ViewOriginalText`` is
``/* Presto View: <base64 of the view JSON> */`` (originalSql, catalog, schema and the
columns in Presto types) and whose descriptor lists the columns in Hive types; the
parameters ``presto_view=true`` and ``comment=Presto View`` mark it. This shape is not
documented by AWS; it is what Athena's CREATE VIEW stores, as reproduced by
github.com/iconara/terraform-aws-athena-view (main.tf) and Trino's Hive connector
(``PRESTO_VIEW_PREFIX``).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from datagen.kinds import tsv, zoo

TABLE = "big_orders_view"
BASE_TABLE = tsv.TABLE
COLUMNS = [("id", "bigint"), ("name", "string"), ("amount", "double")]
_PRESTO_TYPES = {"bigint": "bigint", "string": "varchar", "double": "double"}
PREFIX = "/* Presto View: "
SUFFIX = " */"


def original_sql(database: str) -> str:
    return f'SELECT id, name, amount FROM "{database}"."{BASE_TABLE}" WHERE amount > 1000'


def view_json(database: str) -> dict[str, Any]:
    return {
        "originalSql": original_sql(database),
        "catalog": "awsdatacatalog",
        "schema": database,
        "columns": [{"name": n, "type": _PRESTO_TYPES[t]} for n, t in COLUMNS],
    }


def decode(view_original_text: str) -> dict[str, Any]:
    """The view JSON inside a ``ViewOriginalText``."""
    if not (view_original_text.startswith(PREFIX) and view_original_text.endswith(SUFFIX)):
        raise ValueError(f"not a Presto view text: {view_original_text[:40]!r}")
    return json.loads(base64.b64decode(view_original_text[len(PREFIX) : -len(SUFFIX)]))


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    return zoo.Written(table_prefix, ())


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    encoded = base64.b64encode(
        json.dumps(view_json(database), separators=(",", ":")).encode()
    ).decode()
    return zoo.GlueTable(
        {
            "Name": name,
            "TableType": "VIRTUAL_VIEW",
            "Parameters": {"presto_view": "true", "comment": "Presto View"},
            "StorageDescriptor": {
                "Columns": zoo.columns(COLUMNS),
                "SerdeInfo": {},
                "Location": "",
                "Compressed": False,
                "NumberOfBuckets": 0,
                "StoredAsSubDirectories": False,
            },
            "PartitionKeys": [],
            "ViewOriginalText": f"{PREFIX}{encoded}{SUFFIX}",
            "ViewExpandedText": "/* Presto View */",
        }
    )


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="athena_view",
        detected_format="VIEW",
        is_iceberg=False,
        rows=None,
        notes=(
            "Athena view: SQL must be translated for the target engine",
            f"depends on table {BASE_TABLE}",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> None:
    """None: a view has no rows of its own. What it returns is a query over the TSV table
    (``original_sql``), which that table's own digest already covers."""
    return None


KIND = zoo.ZooKind("athena_view", write, glue_table, expected, rows)
