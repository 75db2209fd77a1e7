"""validate(): clean output passes; each kind of damage is found by re-reading the files."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datagen.catalog import ACCESS_LOGS, SALES_DATA
from datagen.manifest import Manifest
from datagen.validate import validate


@pytest.fixture
def copy(small_output, tmp_path) -> tuple[Path, Manifest]:
    root, _ = small_output
    target = tmp_path / "copy"
    shutil.copytree(root, target)
    return target, Manifest.load(target)


def rehash(root: Path, manifest: Manifest, key: str) -> None:
    """Make the manifest agree with a changed file, so only the content checks can object."""
    data = (root / key).read_bytes()
    files = [
        dataclasses.replace(f, bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
        if f.key == key
        else f
        for f in manifest.files
    ]
    dataclasses.replace(manifest, files=files).write(root)


def test_generated_output_is_valid(small_output, for_upload):
    """Both the local and the upload-located outputs pass every check."""
    assert validate(small_output[0]) == []
    assert validate(for_upload[0]) == []


def test_missing_extra_and_changed_files_are_found(copy):
    """A deleted, an added and a modified file are each reported."""
    root, manifest = copy
    csv_key = next(f.key for f in manifest.files if f.format == "csv")
    orc_key = next(f.key for f in manifest.files if f.format == "orc")
    (root / orc_key).unlink()
    (root / "logs" / "stray.txt").write_text("x")
    with (root / csv_key).open("a") as handle:
        handle.write('"2024-12-31 00:00:00","1.2.3.4","GET","/","200","5","curl"\n')
    problems = "\n".join(validate(root))
    assert f"{orc_key}: in the manifest but missing" in problems
    assert "logs/stray.txt: on disk but not in the manifest" in problems
    assert f"{csv_key}: " in problems


def test_wrong_parquet_type_is_found(copy):
    """A Parquet file whose `int` column is int64 is reported, naming the column."""
    root, manifest = copy
    key = next(f.key for f in manifest.files if f.table == SALES_DATA.key)
    table = pq.read_table(root / key, coerce_int96_timestamp_unit="us")
    table = table.set_column(3, "quantity", table["quantity"].cast(pa.int64()))
    pq.write_table(table, root / key, compression="snappy", use_deprecated_int96_timestamps=True)
    rehash(root, manifest, key)
    assert validate(root) == [f"{key}: column quantity is int64, the catalog says int32"]


def test_int64_parquet_timestamps_are_found(copy):
    """A Parquet timestamp stored as INT64 micros (unreadable by Hive's ParquetHiveSerDe)
    is reported, naming the column and its physical type."""
    root, manifest = copy
    key = next(f.key for f in manifest.files if f.table == SALES_DATA.key)
    table = pq.read_table(root / key, coerce_int96_timestamp_unit="us")
    pq.write_table(table, root / key, compression="snappy", coerce_timestamps="us")
    rehash(root, manifest, key)
    assert validate(root) == [f"{key}: column order_date is INT64, not INT96"]


def test_value_outside_its_spec_is_found(copy):
    """A CSV value that its column cannot take (a method not in the enum) is reported."""
    root, manifest = copy
    key = next(f.key for f in manifest.files if f.table == ACCESS_LOGS.key)
    text = (root / key).read_text()
    for method in ('"GET"', '"POST"', '"PUT"', '"DELETE"', '"PATCH"', '"HEAD"'):
        text = text.replace(f",{method},", ',"TRACE",')
    (root / key).write_text(text)
    rehash(root, manifest, key)
    problems = validate(root)
    assert problems == [f"{key}: column method: value 'TRACE' is not one it can take"]


def test_unreadable_manifest_is_one_problem(tmp_path):
    """A folder without a manifest gives one problem, not a traceback."""
    problems = validate(tmp_path)
    assert len(problems) == 1 and "manifest.json: cannot be read" in problems[0]


def test_tables_outside_the_given_catalog_are_reported(small_output):
    """Validating against a catalog that lacks a generated table names that table."""
    root, _ = small_output
    problems = validate(root, [SALES_DATA])
    assert "analytics/customer_data: not a table of the catalog" in problems
