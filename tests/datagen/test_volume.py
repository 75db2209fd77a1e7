"""The volume tables' numpy rows and plan: pure functions of (seed, table, row number)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pyarrow as pa
import pytest

from datagen import volume, volume_job
from datagen.catalog import EVENT_TYPES
from datagen.digest import digest_rows, row_texts

PLAN = volume.VolumePlan(seed=42, rows=3_000, days=3, first_day=dt.date(2024, 12, 29), partitions=1)


def test_a_slot_is_splitmix64():
    """Slot 0 of row 0 with stream 0 is splitmix64's first output for seed 0 (its test
    vector), and the numpy and integer finalisers agree."""
    import numpy as np

    first = volume._slot(0, np.zeros(1, dtype=np.uint64), 0)
    assert int(first[0]) == 0xE220A8397B1DCDAF
    values = np.array([0, 1, 2**63, 2**64 - 1, 0x0123456789ABCDEF], dtype=np.uint64)
    assert [int(v) for v in volume._mix64(values)] == [volume.mix64_int(int(v)) for v in values]


@pytest.mark.parametrize("table", volume.TABLES)
def test_any_split_of_the_rows_gives_the_same_rows(table):
    """Rows drawn in pieces (as Spark tasks draw them) equal the rows drawn at once."""
    whole = volume.rows(PLAN, table)
    pieces = [volume.rows(PLAN, table, a, b) for a, b in ((0, 7), (7, 1500), (1500, 3000))]
    assert pa.concat_tables(pieces).equals(whole)


def test_the_two_tables_and_two_seeds_differ():
    """Each table has its own stream, and the seed changes every table."""
    digests = {
        (seed, table): volume.value_digest(dataclasses.replace(PLAN, seed=seed), table)
        for seed in (42, 43)
        for table in volume.TABLES
    }
    assert len(set(digests.values())) == 4


def test_the_columns_have_their_glue_types_and_values():
    """Types as Glue declares them; values within their stated ranges; a few NULL users."""
    data = volume.rows(PLAN, volume.PARQUET_TABLE)
    assert data.column_names == [name for name, _ in volume.COLUMNS] + ["day"]
    assert str(data.schema.field("amount").type) == "decimal128(12, 2)"
    assert data.column("event_id").to_pylist()[:2] == [10**12, 10**12 + 1]
    assert 0 < data.column("user_id").null_count < PLAN.rows / 20
    assert set(data.column("event_type").to_pylist()) == set(EVENT_TYPES)
    assert set(data.column("quantity").to_pylist()) == set(range(1, 21))
    assert all(len(s) == 16 for s in data.column("session_id").to_pylist())
    scores = data.column("score").to_pylist()
    assert all(s * 8 == int(s * 8) and 0 <= s < 2**17 for s in scores)


def test_day_rows_are_what_the_rows_say():
    """The rows per day the plan states (the Glue partitions' row counts) are the rows'."""
    days = volume.rows(PLAN, volume.PARQUET_TABLE).column("day").to_pylist()
    assert [days.count(day) for day in PLAN.day_values] == PLAN.day_rows() == [1000] * 3
    uneven = dataclasses.replace(PLAN, rows=10, days=3)
    assert uneven.day_rows() == [4, 3, 3]
    assert sum(dataclasses.replace(PLAN, rows=12_345, days=7).day_rows()) == 12_345


def test_sorted_text_is_row_order():
    """Every row's text starts with 13 digits of event_id: sorting by bytes keeps row
    order, which is why the job can hash its rows as it makes them."""
    data = volume.rows(PLAN, volume.ICEBERG_TABLE)
    texts = row_texts(data, volume.glue_types())
    assert [int(t.split("\t", 1)[0]) for t in texts] == data.column("event_id").to_pylist()
    assert texts[0].count("\t") == len(volume.COLUMNS)


def test_value_digest_is_the_digest_of_the_rows():
    """value_digest is datagen.digest's over the rows, batches joined."""
    plan = dataclasses.replace(PLAN, rows=2_500)
    data = volume.rows(plan, volume.PARQUET_TABLE)
    assert volume.value_digest(plan, volume.PARQUET_TABLE) == digest_rows(data, volume.glue_types())


def test_the_plan_of_a_size():
    """Rows follow the measured bytes per row; a week to a year of days; the days end at
    the reference date; the write's tasks hold about ROWS_PER_TASK rows."""
    small, large = volume.plan_for(1, 42), volume.plan_for(1000, 42)
    per_row = sum(volume.MEASURED.bytes_per_row.values())
    assert small.rows == pytest.approx(1e9 / per_row, rel=1e-6)
    assert small.days == volume.MIN_DAYS and large.days == volume.MAX_DAYS
    assert large.day_values[-1] == "2024-12-31" == small.day_values[-1]
    assert large.partitions == -(-large.rows // volume.ROWS_PER_TASK)
    assert volume.plan_for(10_000, 42).rows < volume.MAX_ROWS


def test_arguments_are_the_scripts_command_line():
    """The run's arguments parse with the script's own parser into the plan."""
    output = "s3://bucket/volume/data/"
    options = volume_job.parse(PLAN.argv(output))
    assert (options.seed, options.rows, options.days) == (PLAN.seed, PLAN.rows, PLAN.days)
    assert (options.first_day, options.partitions, options.output) == (
        PLAN.first_day,
        PLAN.partitions,
        output,
    )
    with pytest.raises(SystemExit):
        volume_job.parse(PLAN.argv("s3://bucket/"))


def test_the_script_states_the_same_rule():
    """The script's constants and streams are the numpy module's (the rows' rule)."""
    for name in (
        "GOLDEN",
        "SLOTS",
        "EVENT_ID_BASE",
        "USERS",
        "NULL_USER_EVERY",
        "CENTS",
        "QUANTITIES",
        "SCORE_EIGHTHS",
        "SECONDS_PER_DAY",
        "PARQUET_TABLE",
        "ICEBERG_TABLE",
    ):
        assert getattr(volume_job, name) == getattr(volume, name), name
    assert volume_job.EVENT_TYPES == EVENT_TYPES
    for table in volume.TABLES:
        assert volume_job.stream(7, table) == volume.stream(7, table)
    layout = volume.layout("bucket")
    assert layout.iceberg_location == (
        f"{layout.output}{volume_job.ICEBERG_NAMESPACE}/{volume_job.ICEBERG_TABLE}"
    )
