"""The volume family's ground-truth section (pure): what the plan knows before the run.

The tables, their Glue definitions, the day partitions with their row counts and the
findings the assessor is expected to report are functions of the configuration; the
files' bytes and the value digests are the run's own truth, which the job writes to
``run_truth`` and the stack exports (``TESTENV_VOLUME_RUN``).
"""

from __future__ import annotations

from typing import Any

from components import findings, volume_shapes
from components.glue_workers import Estimate, Workers
from datagen import volume


def _columns(table_input: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"name": column["Name"], "type": column["Type"]}
        for column in table_input["StorageDescriptor"]["Columns"]
    ]


def table_entry(
    plan: volume.VolumePlan, layout: volume.Layout, table_input: dict[str, Any]
) -> dict[str, Any]:
    """One volume table: its Glue definition's facts and what the plan makes."""
    is_iceberg = table_input["Parameters"].get("table_type") == "ICEBERG"
    day_rows = plan.day_rows()
    partitions = (
        []
        if is_iceberg
        else [
            {"values": [day], "location": layout.day_location(day), "rows": rows}
            for day, rows in zip(plan.day_values, day_rows, strict=True)
        ]
    )
    return {
        "name": table_input["Name"],
        "format": "iceberg" if is_iceberg else "parquet",
        "is_iceberg": is_iceberg,
        "table_type": table_input["TableType"],
        "location": table_input["StorageDescriptor"]["Location"],
        "metadata_location": table_input["Parameters"].get("metadata_location"),
        "columns": _columns(table_input),
        "partition_keys": [key["Name"] for key in table_input.get("PartitionKeys", [])],
        "partitions": partitions,
        "rows": plan.rows,
        "labels": dict(volume_shapes.TABLE_PARAMETERS),
        "expected": findings.expected(table_input),
        "rules_version": findings.RULES_VERSION,
    }


def section(
    env: str, bucket: str, plan: volume.VolumePlan, workers: Workers, estimate: Estimate
) -> dict[str, Any]:
    """The ground truth's ``volume``: database, job, tables and the run's truth's place."""
    layout = volume.layout(bucket)
    tables = volume_shapes.glue_tables(plan, layout)
    return {
        "volume": {
            "database": volume_shapes.database_name(env),
            "job": volume_shapes.job_name(env),
            "run_truth": layout.truth_location,
            "seed": plan.seed,
            "rows_per_table": plan.rows,
            "days": plan.days,
            "tables": [table_entry(plan, layout, glue.table_input) for glue in tables.values()],
            "estimate": {
                "workers": str(workers),
                "minutes": round(estimate.minutes, 1),
                "dpu_hours": round(estimate.dpu_hours, 2),
                "dollars": round(estimate.dollars, 2),
            },
        }
    }
