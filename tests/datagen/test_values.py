"""Vectorised value drawing: text formatting, id shapes, ranges and distinct picks."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

from datagen.arrays import distinct_picks, json_string, timestamp_text, uuid_text
from datagen.catalog import EVENTS_RAW, TABLES
from datagen.values import (
    Batch,
    Choice,
    DecimalRange,
    IntRange,
    JsonObject,
    SequentialIds,
    StringList,
    Timestamp,
    Uuid,
    draw,
    recent_days,
)


def batch(size: int = 5000, seed: int = 1, period=None) -> Batch:
    return Batch(rng=np.random.default_rng(seed), size=size, first_row=0, period=period, seed=42)


def test_timestamp_text_equals_strftime():
    """Timestamps become `yyyy-MM-dd HH:mm:ss` text, equal to Python's formatting, leap days too."""
    rng = np.random.default_rng(3)
    seconds = np.concatenate(
        [
            rng.integers(-2_000_000_000, 4_000_000_000, size=20_000),
            [
                0,
                951_782_400,
                1_709_164_800,
                1_735_689_599,
            ],  # epoch, 2000-02-29, 2024-02-29, 2024-12-31 23:59:59
        ]
    )
    expected = [
        (dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(s))).strftime("%Y-%m-%d %H:%M:%S")
        for s in seconds
    ]
    assert timestamp_text(seconds).to_pylist() == expected


def test_uuid_text_is_canonical_version_4():
    """Event and session ids are canonical version-4 UUID text."""
    raw = np.random.default_rng(5).integers(0, 256, size=(2000, 16), dtype=np.uint8)
    for text in uuid_text(raw).to_pylist():
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_decimal_amounts_have_two_decimals_within_bounds():
    """Amounts are exact two-decimal values inside the declared range."""
    values = draw(DecimalRange(1.0, 5000.0), batch()).to_pylist()
    assert all(Decimal("1.00") <= v <= Decimal("5000.00") for v in values)
    assert all(v == v.quantize(Decimal("0.01")) for v in values)
    assert len(set(values)) > 1000


def test_timestamps_stay_inside_the_period():
    """Timestamps fall in the partition's half-open period, else in the days up to the
    reference date."""
    period = (dt.datetime(2024, 12, 30), dt.datetime(2024, 12, 31))
    inside = draw(Timestamp(), batch(period=period)).to_pylist()
    assert all(period[0] <= t < period[1] for t in inside)
    start, end = recent_days(7)
    recent = draw(Timestamp(days=7), batch()).to_pylist()
    assert all(start <= t < end for t in recent)
    assert end == dt.datetime(2025, 1, 1)


def test_distinct_picks_are_distinct_and_uniform():
    """List values are distinct within a row and every pool value is used about equally."""
    picks = distinct_picks(np.random.default_rng(9), 50_000, 12, 4)
    assert all(len(set(row)) == 4 for row in picks.tolist())
    counts = np.bincount(picks.ravel(), minlength=12)
    assert counts.min() > 0.9 * counts.mean() and counts.max() < 1.1 * counts.mean()


def test_string_lists_respect_their_lengths():
    """Tag lists have between min_len and max_len distinct values."""
    lists = draw(StringList("metric_tag", 1, 4), batch()).to_pylist()
    assert {len(tags) for tags in lists} == {1, 2, 3, 4}
    assert all(len(set(tags)) == len(tags) for tags in lists)


def test_json_strings_survive_quotes_and_backslashes():
    """String values are escaped so the JSON text parses back to the same value."""
    tricky = pa.array(["plain", 'say "hi"', "back\\slash", "a, b", ""])
    encoded = json_string(tricky).to_pylist()
    assert [json.loads(text) for text in encoded] == tricky.to_pylist()


def test_json_objects_parse_with_their_keys():
    """Every JSON object value parses and carries the declared keys with the declared types."""
    spec = next(c.values for c in EVENTS_RAW.columns if isinstance(c.values, JsonObject))
    documents = [json.loads(text) for text in draw(spec, batch()).to_pylist()]
    keys = [key for key, _ in spec.fields]
    assert all(list(doc) == keys for doc in documents)
    assert all(isinstance(doc["duration_ms"], int) for doc in documents)
    assert {doc["device"] for doc in documents} == {"desktop", "mobile", "tablet"}


def test_every_value_spec_accepts_what_it_draws():
    """Each spec's check passes on its own draws, for every column of the catalog."""
    for spec in TABLES:
        partitioning = spec.partitioning
        period = partitioning.period_bounds(partitioning.values()[0]) if partitioning else None
        drawn = batch(500, period=period)
        for column in spec.columns:
            array = column.values.draw(drawn)
            assert column.values.check(array, period, 42) is None, (spec.key, column.name)


def test_value_specs_reject_values_they_cannot_draw():
    """Out-of-range numbers, unknown options, bad UUIDs and foreign JSON keys are reported."""
    assert "outside [1, 5]" in IntRange(1, 5).check(pa.array([0, 3]), None, 42)
    assert "outside [10, inf]" in SequentialIds(10).check(pa.array([9]), None, 42)
    assert "'c' is not one it can take" in Choice(("a", "b")).check(pa.array(["c"]), None, 42)
    assert "is not a UUID" in Uuid().check(pa.array(["not-a-uuid"]), None, 42)
    spec = JsonObject((("n", IntRange(1, 2)),))
    assert "n is not a int" in spec.check(pa.array(['{"n": "1"}']), None, 42)
    assert "is not an object with the keys ['n']" in spec.check(pa.array(['{"m": 1}']), None, 42)


def test_draw_refuses_what_is_not_a_value_spec():
    """Drawing from something that is not a value spec names it."""
    with pytest.raises(TypeError, match="'text' is not a value spec"):
        draw("text", batch())
