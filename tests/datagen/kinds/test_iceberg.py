"""The Iceberg kinds load back through pyiceberg's StaticTable with their rows and
history; Iceberg v3 is not writable with the pinned pyiceberg."""

from __future__ import annotations

import pyarrow as pa
import pytest
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.table import StaticTable

from datagen.kinds import iceberg_v1, iceberg_v2_history
from tests.datagen.kinds import zoo_kinds as zoo
from tests.datagen.kinds.conftest import BUCKET, DATABASE, ROWS, SEED


def _static(written, name: str) -> StaticTable:
    module = zoo.kind(name)
    glue = module.glue_table(BUCKET, DATABASE, module.TABLE, written[name])
    return StaticTable.from_metadata(glue.table_input["Parameters"]["metadata_location"])


def test_iceberg_v1_loads_with_its_rows(written):
    """The v1 table's Glue metadata_location loads as format v1 with the rows appended."""
    table = _static(written, "iceberg_v1")
    assert table.metadata.format_version == 1
    expected = iceberg_v1.data(SEED, written["iceberg_v1"].prefix, ROWS)
    assert table.scan().to_arrow().sort_by("id").to_pylist() == expected.to_pylist()
    assert written["iceberg_v1"].rows == ROWS


def test_iceberg_v2_history_has_every_snapshot_schema_and_spec(written):
    """The v2 table has five snapshots (three appends, the overwrite's delete and append),
    two schemas (email added), two partition specs (day, then name), and the current
    snapshot holds days two and three plus the replaced day one."""
    table = _static(written, "iceberg_v2_history")
    metadata = table.metadata
    assert metadata.format_version == 2
    assert [s.summary.operation.value for s in metadata.snapshots] == [
        "append",
        "append",
        "append",
        "delete",
        "append",
    ]
    assert [len(s.fields) for s in metadata.schemas] == [4, 5]
    assert [[f.name for f in spec.fields] for spec in metadata.partition_specs] == [
        ["day"],
        ["name"],
    ]
    read = (
        table.scan()
        .to_arrow()
        .sort_by("id")
        .cast(
            iceberg_v2_history.final_rows(SEED, written["iceberg_v2_history"].prefix, ROWS).schema
        )
    )
    expected = iceberg_v2_history.final_rows(SEED, written["iceberg_v2_history"].prefix, ROWS)
    assert read.to_pylist() == expected.sort_by("id").to_pylist()
    assert written["iceberg_v2_history"].rows == ROWS
    first = table.scan(snapshot_id=metadata.snapshots[0].snapshot_id).to_arrow()
    assert (
        first.num_rows
        == iceberg_v2_history.batches(SEED, written["iceberg_v2_history"].prefix, ROWS)[0].num_rows
    )


def test_iceberg_v3_cannot_be_written_by_the_pinned_pyiceberg(tmp_path):
    """pyiceberg 0.12 refuses to write format-version 3 metadata, so the zoo has no v3
    table; this fails once a pyiceberg that writes v3 is pinned (then add the kind)."""
    catalog = SqlCatalog("v3", uri="sqlite:///:memory:", warehouse=tmp_path.as_uri())
    catalog.create_namespace("zoo")
    with pytest.raises(NotImplementedError, match="Writing V3 is not yet supported"):
        catalog.create_table(
            ("zoo", "v3"),
            schema=pa.schema([("id", pa.int64())]),
            properties={"format-version": "3"},
        )
