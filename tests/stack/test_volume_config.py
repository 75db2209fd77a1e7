"""The volume family's keys: volumeGb (0 = off), its cap volumeMaxGb, and volumeWorkers;
the workers' parsing and the estimate built on the measured speed (pure)."""

from __future__ import annotations

import math

import pytest

from components import glue_workers
from components.glue_workers import Workers, estimate, parse_workers, timeout_minutes
from datagen import volume
from tests.stack.program import PROJECT, run_program
from tests.stack.test_config import run_rejected


@pytest.mark.parametrize(
    ("config", "key", "fix"),
    [
        ({"volumeGb": "-1"}, "volumeGb", "pulumi config set volumeGb"),
        ({"volumeGb": "lots"}, "volumeGb", "pulumi config set volumeGb"),
        ({"volumeGb": "10001"}, "volumeGb", "pulumi config set volumeGb"),
        ({"volumeMaxGb": "0"}, "volumeMaxGb", "pulumi config set volumeMaxGb"),
        ({"volumeWorkers": "G.1X"}, "volumeWorkers", "pulumi config set volumeWorkers G.1X:10"),
        ({"volumeWorkers": "G.3X:10"}, "volumeWorkers", "pulumi config set volumeWorkers"),
        ({"volumeWorkers": "G.1X:1"}, "volumeWorkers", "pulumi config set volumeWorkers"),
        ({"volumeWorkers": "G.1X:1001"}, "volumeWorkers", "pulumi config set volumeWorkers"),
    ],
)
def test_each_bad_volume_value_is_named_with_its_fix(program_env, config, key, fix):
    """A bad volume value fails naming its key, what is expected and the fix; nothing
    is declared."""
    message, records = run_rejected(config)
    assert f"{PROJECT}:{key} is " in message
    assert "expected" in message and fix in message
    assert records == []


def test_a_size_above_the_cap_needs_the_cap_raised_first(program_env):
    """1,001 GB is refused with both fixes (a smaller size, or raising the cap); raising
    volumeMaxGb is the second, explicit key that lets it through."""
    message, records = run_rejected({"database": "false", "volumeGb": "1001"})
    assert f"{PROJECT}:volumeGb is 1001; expected at most volumeMaxGb, 1,000 GB" in message
    assert "pulumi config set volumeGb 1000" in message
    assert "pulumi config set volumeMaxGb 1001" in message
    assert records == []
    run = run_program({"database": "false", "volumeGb": "1001", "volumeMaxGb": "1001"})
    assert run.outputs["TESTENV_VOLUME_DATABASE"] == "test_volume"


def test_workers_parse_as_type_and_count():
    """<type>:<count> with a Glue 5.0 worker type and 2 to 1,000 workers."""
    assert parse_workers("G.1X:10") == Workers("G.1X", 10)
    assert parse_workers(" G.8X:2 ") == Workers("G.8X", 2)
    for bad in ("", "G.1X", "G.1X:", "g.1x:10", "G.1X:ten", "G.1X:-3", "Standard:10", "G.1X:0"):
        assert parse_workers(bad) is None, bad
    workers = Workers("G.2X", 5)
    assert (workers.dpus, workers.executor_cores, str(workers)) == (10, 32, "G.2X:5")


def test_the_estimate_follows_the_measured_speed():
    """Twice the rows take about twice the executor time; more workers shorten the write
    but not the driver's hashing; the bill is DPUs times hours at $0.44, at least a minute."""
    plan = volume.plan_for(100, 42)
    few, many = Workers("G.1X", 4), Workers("G.1X", 40)
    slow, fast = estimate(plan.rows, few), estimate(plan.rows, many)
    assert fast.write_seconds == pytest.approx(slow.write_seconds * 3 / 39)
    hashing = 2 * plan.rows * volume.MEASURED.text_bytes_per_row / volume.MEASURED.driver_hash_bytes
    assert fast.digest_seconds == pytest.approx(hashing)
    assert slow.dollars == pytest.approx(slow.seconds / 3600 * 4 * glue_workers.PRICE_PER_DPU_HOUR)
    tiny = estimate(10, few)
    assert tiny.dpu_hours == pytest.approx(4 * 60 / 3600)


def test_the_bound_is_three_estimates_and_a_quarter_hour_within_glues_limits():
    plan = volume.plan_for(1, 42)
    expected = estimate(plan.rows, Workers("G.1X", 2))
    assert timeout_minutes(expected) == min(2880, math.ceil(3 * expected.minutes) + 15)
    assert timeout_minutes(estimate(volume.rows_for(10_000), Workers("G.1X", 2))) == 2880


def test_too_few_workers_for_the_size_are_refused_with_enough(program_env):
    """A run expected to outlast Glue's 48-hour limit is refused before anything exists,
    naming the fewest workers of that type that are expected to finish."""
    rows = volume.rows_for(1000)
    assert not glue_workers.fits(estimate(rows, Workers("G.1X", 2)))
    enough = glue_workers.fewest_workers(rows, "G.1X")
    assert enough is not None and glue_workers.fits(estimate(rows, enough))
    assert not glue_workers.fits(estimate(rows, Workers("G.1X", enough.count - 1)))
    message, records = run_rejected({"volumeGb": "1000", "volumeWorkers": "G.1X:2"})
    assert f"{PROJECT}:volumeWorkers is 'G.1X:2'; expected workers enough to write 1,000 GB" in (
        message
    )
    assert f"pulumi config set volumeWorkers {enough}" in message
    assert records == []
