"""manifest.json: deterministic text, loading, lookups."""

from __future__ import annotations

import pytest

from datagen.manifest import Manifest


def test_manifest_text_round_trips(small_output):
    """Loading and writing the manifest gives back the same bytes (sorted keys, no timestamps)."""
    root, manifest = small_output
    text = (root / "manifest.json").read_text()
    assert Manifest.load(root / "manifest.json").to_json() == text == manifest.to_json()
    assert "time" not in text.replace("timestamp", "")


def test_partition_values_come_back_in_key_order(small_output):
    """Sorted JSON keys do not reorder partition values: they follow the partition keys."""
    root, _ = small_output
    loaded = Manifest.load(root)
    for table in loaded.tables:
        for partition in table.partitions:
            assert list(partition.values) == table.partition_keys, table.name
    sales = [f for f in loaded.files if f.table == "analytics/sales_data"]
    assert all(list(f.partition) == ["year", "month"] for f in sales)


def test_tables_are_found_by_their_key_only(small_output):
    """Tables are found by `<role>/<name>`; a bare name or unknown key lists the table keys."""
    _, manifest = small_output
    assert manifest.table("logs/events_raw").name == "events_raw"
    assert manifest.table("analytics/customer_data").metadata_location.endswith(".metadata.json")
    assert manifest.table("analytics/sales_data").metadata_location is None
    with pytest.raises(KeyError, match="analytics/sales_data"):
        manifest.table("sales_data")


def test_other_manifest_versions_are_refused(small_output, tmp_path):
    """A manifest of another format version is not silently misread."""
    root, _ = small_output
    text = (
        (root / "manifest.json").read_text().replace('"format_version": 2', '"format_version": 9')
    )
    (tmp_path / "manifest.json").write_text(text)
    with pytest.raises(ValueError, match="format_version 9"):
        Manifest.load(tmp_path)
