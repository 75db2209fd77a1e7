"""generate(): the output layout, the manifest, argument checks and atomic writes."""

from __future__ import annotations

import hashlib

import pytest

from datagen.catalog import ACCESS_LOGS, SALES_DATA, TABLES, scale_catalog
from datagen.generate import BadArgument, generate
from datagen.kinds.csv import CsvKind
from datagen.manifest import Manifest
from datagen.staging import MARKER_NAME
from tests.datagen.trees import tree


def test_paths_are_s3_keys_and_the_manifest_lists_every_file(small_output):
    """Relative paths are `<role>/<table>/...`; the manifest has one entry per file, with
    its size and sha256."""
    root, manifest = small_output
    files = tree(root)
    assert set(files) == {f.key for f in manifest.files} | {"manifest.json", MARKER_NAME}
    for entry in manifest.files:
        assert entry.key.split("/")[0] in ("analytics", "logs"), entry.key
        assert entry.bytes == len(files[entry.key]), entry.key
        assert entry.sha256 == hashlib.sha256(files[entry.key]).hexdigest(), entry.key
    assert [t.key for t in manifest.tables] == [s.key for s in TABLES]
    assert all(t.rows == 1000 and t.readiness == "ready" for t in manifest.tables)
    assert Manifest.load(root) == manifest


def test_tables_are_independent_of_the_selection(small_output, tmp_path):
    """A table's files do not depend on which other tables are generated."""
    root, manifest = small_output
    alone = generate(tmp_path / "alone", tables=[ACCESS_LOGS])
    assert [f.sha256 for f in alone.files] == [
        f.sha256 for f in manifest.files if f.table == ACCESS_LOGS.key
    ]


def test_scaled_catalog_gets_its_partition_counts(tmp_path):
    """Scaled catalogs (more partitions, copies in scale databases) generate as declared."""
    tables = scale_catalog(
        (SALES_DATA, ACCESS_LOGS),
        monthly_partitions=2,
        daily_partitions=5,
        scale_databases=1,
        tables_per_database=2,
    )
    manifest = generate(tmp_path / "scaled", tables=tables, rows=20)
    assert [len(t.partitions) for t in manifest.tables] == [2, 5, 2, 5]
    assert manifest.tables[2].key == "scale_01/sales_data_0001"
    assert manifest.table("scale_01/access_logs_0002").rows == 20


def test_more_partitions_than_rows_leaves_empty_but_readable_partitions(tmp_path):
    """With fewer rows than partitions every partition still gets a (readable) file."""
    manifest = generate(tmp_path / "tiny", tables=[SALES_DATA], rows=2)
    assert [p.rows for p in manifest.table(SALES_DATA.key).partitions] == [1, 1, 0]


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"rows": 0}, "rows"),
        ({"rows": -5}, "rows"),
        ({"rows": 1.5}, "rows"),
        ({"seed": -1}, "seed"),
        ({"tables": []}, "tables"),
        ({"tables": [SALES_DATA, SALES_DATA]}, "tables"),
        ({"location": "http://example.com/x"}, "location"),
        ({"location": "s3://"}, "location"),
        ({"location": "file://relative/path"}, "location"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_fix(tmp_path, arguments, argument):
    """Bad arguments fail before anything is written, naming the argument and a fix."""
    with pytest.raises(BadArgument) as raised:
        generate(tmp_path / "out", **arguments)
    assert raised.value.argument == argument
    assert "fix:" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_out_dir_that_is_not_generated_data_is_refused(tmp_path):
    """An existing folder with other files is never replaced; a file is not a folder."""
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(BadArgument, match="not generated data"):
        generate(foreign)
    assert (foreign / "notes.txt").read_text() == "keep me"
    with pytest.raises(BadArgument, match="is a file"):
        generate(foreign / "notes.txt" / "out")


def test_an_earlier_output_is_replaced(tmp_path):
    """Generating into an earlier output replaces it whole."""
    out = tmp_path / "out"
    generate(out, tables=[ACCESS_LOGS], rows=10)
    generate(out, tables=[SALES_DATA], rows=10)
    assert {p.name for p in out.iterdir()} == {"analytics", "manifest.json", MARKER_NAME}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def fail_csv_writes(monkeypatch) -> None:
    """Make the CSV kind write part of a file, then fail like a full disk would."""

    def write_file(self, path, schema, batches):
        path.write_text("timestamp,ip_address\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(CsvKind, "write_file", write_file)


def test_failure_mid_write_leaves_nothing(tmp_path, monkeypatch):
    """A writer failing after other tables were written leaves no output and no staging folder."""
    fail_csv_writes(monkeypatch)
    with pytest.raises(OSError, match="No space left"):
        generate(tmp_path / "out", rows=50)
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_earlier_output(tmp_path, monkeypatch):
    """A failed regeneration leaves the earlier output exactly as it was."""
    out = tmp_path / "out"
    generate(out, tables=[ACCESS_LOGS], rows=10)
    before = tree(out)
    fail_csv_writes(monkeypatch)
    with pytest.raises(OSError):
        generate(out, tables=[ACCESS_LOGS], rows=20)
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
