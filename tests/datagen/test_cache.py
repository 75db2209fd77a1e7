"""generate_cached(): reuse, keys that change with every input, repair and races."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import datagen.generate
from datagen import cache
from datagen.catalog import ACCESS_LOGS, SALES_DATA
from datagen.generate import generate
from datagen.manifest import FORMAT_VERSION

ROOT = Path(__file__).resolve().parents[2]
LOCATION = "s3://cache-bucket"


@pytest.fixture
def counted(monkeypatch):
    """Counts the real generations the cache runs."""
    calls = []

    def counting_generate(*args, **kwargs):
        calls.append(kwargs)
        return generate(*args, **kwargs)

    monkeypatch.setattr(datagen.generate, "generate", counting_generate)
    return calls


def test_second_call_reuses_the_entry(tmp_path, counted):
    """The same inputs give the same folder and manifest without generating again."""
    first = cache.generate_cached(
        tmp_path, tables=[ACCESS_LOGS], rows=20, seed=1, location=LOCATION
    )
    second = cache.generate_cached(
        tmp_path, tables=[ACCESS_LOGS], rows=20, seed=1, location=LOCATION
    )
    assert first == second
    assert len(counted) == 1


@pytest.mark.parametrize(
    "change",
    [{"rows": 21}, {"seed": 2}, {"location": "s3://other-bucket"}, {"tables": [SALES_DATA]}],
)
def test_any_input_changes_the_key(change):
    """Rows, seed, location and table specs are all part of the key."""
    inputs = {"tables": [ACCESS_LOGS], "rows": 20, "seed": 1, "location": LOCATION}
    assert cache.cache_key(**inputs) != cache.cache_key(**{**inputs, **change})
    assert cache.cache_key(**inputs) == cache.cache_key(**dict(inputs))


def test_generator_code_is_part_of_the_key(monkeypatch, tmp_path):
    """A change to the generator's source changes the key."""
    inputs = {"tables": [ACCESS_LOGS], "rows": 20, "seed": 1, "location": LOCATION}
    before = cache.cache_key(**inputs)
    package = tmp_path / "datagen"
    package.mkdir()
    for source in cache.PACKAGE_DIR.glob("*.py"):
        (package / source.name).write_bytes(source.read_bytes())
    (package / "values.py").write_text((package / "values.py").read_text() + "\n# changed\n")
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    assert cache.cache_key(**inputs) != before


def test_a_table_kind_module_is_part_of_the_key(monkeypatch, tmp_path):
    """A change to a kind's module (``datagen/kinds/``) changes the key too."""
    inputs = {"tables": [ACCESS_LOGS], "rows": 20, "seed": 1, "location": LOCATION}
    before = cache.cache_key(**inputs)
    package = tmp_path / "datagen"
    shutil.copytree(cache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    csv_kind = package / "kinds" / "csv.py"
    csv_kind.write_text(csv_kind.read_text() + "\n# changed\n")
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    assert cache.cache_key(**inputs) != before


def test_an_entry_of_another_manifest_version_is_generated_again(tmp_path, counted):
    """An entry whose manifest has another format_version is regenerated, not misread."""
    folder, manifest = cache.generate_cached(
        tmp_path, tables=[ACCESS_LOGS], rows=20, seed=1, location=LOCATION
    )
    text = (folder / "manifest.json").read_text()
    old = text.replace(f'"format_version": {FORMAT_VERSION}', '"format_version": 1')
    assert old != text
    (folder / "manifest.json").write_text(old)
    again, regenerated = cache.generate_cached(
        tmp_path, tables=[ACCESS_LOGS], rows=20, seed=1, location=LOCATION
    )
    assert again == folder and regenerated == manifest
    assert (folder / "manifest.json").read_text() == text
    assert len(counted) == 2


def test_incomplete_entry_is_generated_again(tmp_path, counted):
    """An entry with a missing or truncated file is replaced by a fresh generation."""
    folder, manifest = cache.generate_cached(
        tmp_path, tables=[ACCESS_LOGS], rows=20, seed=1, location=LOCATION
    )
    (folder / manifest.files[0].key).write_bytes(b"")
    again, repaired = cache.generate_cached(
        tmp_path, tables=[ACCESS_LOGS], rows=20, seed=1, location=LOCATION
    )
    assert again == folder and repaired == manifest
    assert (folder / manifest.files[0].key).stat().st_size == manifest.files[0].bytes
    assert len(counted) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]


def test_losing_a_race_takes_the_winners_copy(tmp_path, monkeypatch):
    """If another process fills the entry first, its copy is used and ours discarded."""

    def racing_generate(out_dir, **kwargs):
        generate(out_dir, **{**kwargs, "replace": True})  # the other process, finishing first
        return generate(out_dir, **kwargs)

    monkeypatch.setattr(datagen.generate, "generate", racing_generate)
    folder, manifest = cache.generate_cached(
        tmp_path, tables=[ACCESS_LOGS], rows=20, seed=1, location=LOCATION
    )
    assert cache.complete(folder) == manifest
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]


def test_two_processes_filling_one_entry_both_succeed(tmp_path):
    """Two processes racing for the same entry both return it, complete, with no leftovers."""
    script = (
        "import sys; from datagen.cache import generate_cached;"
        "from datagen.catalog import ACCESS_LOGS;"
        f"folder, m = generate_cached(sys.argv[1], tables=[ACCESS_LOGS], rows=2000, seed=3,"
        f" location={LOCATION!r}); print(folder)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    results = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], results
    folders = {out.strip() for out, _ in results}
    assert len(folders) == 1
    assert cache.complete(Path(folders.pop())) is not None
    assert len(list(tmp_path.iterdir())) == 1


def test_a_moved_cache_without_location_is_generated_again(tmp_path, counted):
    """Entries recorded at their own path are not reused once the cache has moved."""
    first, _ = cache.generate_cached(
        tmp_path / "a", tables=[ACCESS_LOGS], rows=20, seed=1, location=None
    )
    (tmp_path / "a").rename(tmp_path / "b")
    moved, manifest = cache.generate_cached(
        tmp_path / "b", tables=[ACCESS_LOGS], rows=20, seed=1, location=None
    )
    assert moved.name == first.name
    assert manifest.location == f"file://{moved.absolute()}"
    assert len(counted) == 2


def test_value_digests_are_computed_once_and_kept_in_the_entry(tmp_path, monkeypatch):
    """The first use of an entry fills every table's value digest (that of its rows drawn
    again) into its manifest.json; a later cache hit reads them without computing."""
    from datagen import digest
    from datagen.manifest import Manifest

    first_dir, first = cache.generate_cached(
        tmp_path, tables=[ACCESS_LOGS, SALES_DATA], rows=30, seed=3, location=LOCATION
    )
    assert [t.value_digest for t in first.tables] == [
        digest.table_digest(spec, first) for spec in (ACCESS_LOGS, SALES_DATA)
    ]
    assert Manifest.load(first_dir).tables == first.tables

    def no_digest(*_args, **_kwargs):
        raise AssertionError("a cache hit computed a value digest again")

    monkeypatch.setattr(digest, "table_digest", no_digest)
    _, second = cache.generate_cached(
        tmp_path, tables=[ACCESS_LOGS, SALES_DATA], rows=30, seed=3, location=LOCATION
    )
    assert second == first


def test_zoo_value_digests_are_computed_once_and_a_view_stays_null(tmp_path, monkeypatch):
    """A zoo table's digest (its module's rows) is filled into the entry on first use; the
    view's stays null, and a later cache hit neither renders rows nor rewrites the
    manifest for it."""
    from datagen import digest
    from datagen.catalog import ZOO_TABLES
    from datagen.kinds import tsv

    tables = [t for t in ZOO_TABLES if t.name in {"tsv", "big_orders_view"}]
    entry, first = cache.generate_cached(
        tmp_path, tables=tables, rows=12, seed=5, location=LOCATION
    )
    by_name = {t.name: t.value_digest for t in first.tables}
    rows = tsv.rows(5, "zoo/tsv", 12)
    assert by_name == {
        "tsv": digest.digest_rows(rows, [glue_type for _, glue_type in tsv.COLUMNS]),
        "big_orders_view": None,
    }
    written = (entry / "manifest.json").stat().st_mtime_ns

    def no_rendering(*_args, **_kwargs):
        raise AssertionError("a cache hit rendered rows again")

    monkeypatch.setattr(digest, "digest_rows", no_rendering)
    _, second = cache.generate_cached(tmp_path, tables=tables, rows=12, seed=5, location=LOCATION)
    assert second == first
    assert (entry / "manifest.json").stat().st_mtime_ns == written
