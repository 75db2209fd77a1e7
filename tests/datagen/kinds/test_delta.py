"""The Delta kinds read back through deltalake's DeltaTable, and the symlink manifest lists
exactly the table's live data files."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable

from datagen.kinds import delta_lake, delta_symlink
from tests.datagen.kinds import zoo_kinds as zoo
from tests.datagen.kinds.conftest import BUCKET, DATABASE, ROWS, SEED


def test_delta_table_reads_back_both_commits(zoo_root, written):
    """DeltaTable opens the normalised table at version 1 with both batches' rows, and its
    history shows the pinned commit times (2025-01-01 UTC)."""
    table = DeltaTable(str(zoo_root / written["delta_lake"].prefix))
    assert table.version() == 1
    expected = pa.concat_tables(delta_lake.batches(SEED, written["delta_lake"].prefix, ROWS))
    assert table.to_pyarrow_table().sort_by("id").to_pylist() == expected.to_pylist()
    times = sorted(entry["timestamp"] for entry in table.history())
    assert times == [1735689601000, 1735689604000]
    assert written["delta_lake"].rows == ROWS


def test_delta_log_holds_no_clock_reading_and_sorted_objects(zoo_root, written):
    """Every action line of the log is JSON with sorted keys, and every time in it comes
    from the pinned clock, not from the wall clock."""
    log = sorted((zoo_root / written["delta_lake"].prefix / "_delta_log").glob("*.json"))
    assert len(log) == 2
    for commit in log:
        for line in commit.read_text().splitlines():
            action = json.loads(line)
            assert json.dumps(action, sort_keys=True, separators=(",", ":")) == line
            for key in ("commitInfo", "add", "metaData"):
                for field in ("timestamp", "modificationTime", "createdTime"):
                    value = action.get(key, {}).get(field)
                    assert value is None or 1735689600000 < value < 1735689700000, line


def test_delta_provider_table_points_spark_and_athena_at_the_log(written):
    """The Glue shape names the provider and the table path, and has the placeholder
    column instead of the schema."""
    glue = delta_lake.glue_table(BUCKET, DATABASE, delta_lake.TABLE, written["delta_lake"])
    descriptor = glue.table_input["StorageDescriptor"]
    assert glue.table_input["Parameters"]["spark.sql.sources.provider"] == "delta"
    assert descriptor["SerdeInfo"]["Parameters"]["path"] == descriptor["Location"]
    assert descriptor["Columns"] == [{"Name": "col", "Type": "array<string>"}]


def test_symlink_manifest_lists_the_live_files_which_read_as_the_table(zoo_root, written):
    """The manifest lists each live data file of the Delta table under the recorded
    location; pyarrow reads those files as the table's rows."""
    prefix = written["delta_symlink"].prefix
    manifest = (zoo_root / prefix / delta_symlink.MANIFEST).read_text().split()
    table = DeltaTable(str(zoo_root / prefix))
    assert sorted(manifest) == sorted(
        f"{zoo_root.as_uri()}/{prefix}/{path}"
        for path in pa.table(table.get_add_actions()).column("path").to_pylist()
    )
    read = pa.concat_tables(pq.read_table(uri) for uri in manifest).sort_by("id")
    assert read.to_pylist() == table.to_pyarrow_table().sort_by("id").to_pylist()
    glue = zoo.kind("delta_symlink").glue_table(
        BUCKET, DATABASE, delta_symlink.TABLE, written["delta_symlink"]
    )
    assert glue.table_input["StorageDescriptor"]["Location"].endswith("/_symlink_format_manifest/")
