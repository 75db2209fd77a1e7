"""The zoo as a table kind: generated into the manifest with the core tables, validated."""

from __future__ import annotations

import json

import pytest

from datagen.catalog import TABLES, ZOO_TABLES
from datagen.generate import generate
from datagen.manifest import Manifest
from datagen.validate import validate


@pytest.fixture(scope="module")
def zoo_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("zoo-kind") / "out"
    specs = (*TABLES[:1], *ZOO_TABLES)
    return out, specs, generate(out, tables=specs, rows=30, seed=7, location="s3://bkt")


def test_zoo_tables_are_in_the_manifest_with_files_partitions_and_facts(zoo_output):
    """20 zoo tables under zoo/, files with partitions, Iceberg facts; the JSON round-trips."""
    out, _, manifest = zoo_output
    zoo = [t for t in manifest.tables if t.role == "zoo"]
    assert len(zoo) == 20
    avro = manifest.table("zoo/avro_crawled")
    assert [p.path for p in avro.partitions] == ["dt=2024-12-30", "dt=2024-12-31"]
    assert avro.rows == 30 and sum(p.rows for p in avro.partitions) == 30
    iceberg = manifest.table("zoo/iceberg_v2_history")
    assert iceberg.facts["format_version"] == 2
    assert iceberg.metadata_location == iceberg.facts["metadata_location"]
    assert manifest.table("zoo/big_orders_view").files == 0
    assert Manifest.load(out) == manifest
    core = json.loads(manifest.to_json())["tables"][0]
    assert "facts" not in core  # the core tables' manifest keeps its bytes


def test_validate_passes_on_the_zoo_and_reports_a_changed_file(zoo_output):
    """validate finds nothing wrong with a fresh output and names a zoo file whose bytes
    changed (the zoo kind writes the table again and compares)."""
    out, specs, manifest = zoo_output
    assert validate(out, specs) == []
    victim = next(f for f in manifest.files if f.key.startswith("zoo/tsv/"))
    path = out / victim.key
    original = path.read_bytes()
    try:
        path.write_bytes(original.replace(b"\t", b",", 1))
        problems = validate(out, specs)
        assert any(victim.key in p and "differs from what the zoo writes" in p for p in problems)
    finally:
        path.write_bytes(original)
