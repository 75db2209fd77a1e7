"""docs/volume.md states what the code computes: the estimate table and the digests."""

from __future__ import annotations

import dataclasses
import re

from components.glue_workers import Workers, estimate, timeout_minutes
from datagen import volume
from tests.families.volume.test_spark_job import ROWS
from tests.stack.program import ROOT

DOC = (ROOT / "docs" / "volume.md").read_text()


def _rows(first_cell: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in DOC.splitlines()
        if re.match(rf"^\| {first_cell} ", line)
    ]


def test_the_cost_table_is_the_estimate():
    """Each row of the cost table: the plan's rows and days, and the estimate's time,
    DPU-hours, dollars and bound for its workers."""
    rows = _rows(r"[\d,]+ GB")
    assert [row[0] for row in rows] == ["1 GB", "1 GB", "100 GB", "100 GB", "1,000 GB", "1,000 GB"]
    for size, rows_per_table, days, workers, time, dpu_hours, cost, bound in rows:
        plan = volume.plan_for(int(size.removesuffix(" GB").replace(",", "")), 42)
        worker_type, count = workers.split(":")
        expected = estimate(plan.rows, Workers(worker_type, int(count)))
        assert (rows_per_table, days) == (f"{plan.rows:,}", str(plan.days)), size
        assert time == (
            f"{expected.minutes:,.0f} min ({expected.write_seconds / 60:,.0f} + "
            f"{expected.digest_seconds / 60:,.0f})"
        ), (size, workers)
        assert (dpu_hours, cost) == (f"{expected.dpu_hours:,.2f}", f"${expected.dollars:,.2f}")
        assert bound == f"{timeout_minutes(expected):,}"


def test_the_documented_digests_are_numpys():
    """The digest table: numpy's digests of the tested plan (the Spark test's)."""
    plan = dataclasses.replace(volume.plan_for(1, 42), rows=ROWS)
    for table in volume.TABLES:
        (row,) = _rows(table)
        assert row[1] == f"`{volume.value_digest(plan, table)}`", table
