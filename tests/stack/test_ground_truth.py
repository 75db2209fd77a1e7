"""The ground truth document, built from specs and a manifest (no mocks)."""

from __future__ import annotations

import json

from components.ground_truth import ground_truth_uri, to_json
from tests.stack.manifests import METADATA, SALES_COPY, truth


def test_databases_and_tables_follow_the_manifest():
    """Databases in manifest order with their locations; tables with the manifest's facts."""
    document = truth()
    assert [(d["name"], d["location"], d["table_count"]) for d in document["databases"]] == [
        ("dev_a_analytics", "s3://bucket-x/analytics/", 2),
        ("dev_a_scale_01", "s3://bucket-x/scale_01/", 1),
    ]
    sales, customer = document["databases"][0]["tables"]
    assert sales["location"] == "s3://bucket-x/analytics/sales_data/"
    assert sales["partitions"] == [
        {
            "values": ["2024", "11"],
            "location": "s3://bucket-x/analytics/sales_data/year=2024/month=11/",
            "rows": 3,
            "files": 1,
            "bytes": 103,
        },
        {
            "values": ["2024", "12"],
            "location": "s3://bucket-x/analytics/sales_data/year=2024/month=12/",
            "rows": 2,
            "files": 1,
            "bytes": 102,
        },
    ]
    assert (sales["format"], sales["is_iceberg"], sales["metadata_location"]) == (
        "parquet",
        False,
        None,
    )
    assert (customer["format"], customer["is_iceberg"], customer["metadata_location"]) == (
        "iceberg",
        True,
        METADATA,
    )
    assert sales["labels"]["migration_readiness"] == customer["labels"]["migration_readiness"]
    assert (sales["expected"]["readiness"], customer["expected"]["readiness"]) == (
        "NEEDS_CONVERSION",
        "READY",
    )
    assert "expected_readiness" not in sales


def test_tables_of_the_same_name_keep_their_own_objects():
    """A name repeated in another database lists only its own files and rows."""
    document = truth()
    original = document["databases"][0]["tables"][0]
    copy = document["databases"][1]["tables"][0]
    assert original["name"] == copy["name"] == SALES_COPY.name
    assert all(o["key"].startswith("analytics/") for o in original["objects"])
    assert [o["key"] for o in copy["objects"]] == [
        "scale_01/sales_data/year=2024/month=11/part-00000.parquet",
        "scale_01/sales_data/year=2024/month=12/part-00000.parquet",
    ]
    assert [p["rows"] for p in copy["partitions"]] == [1, 4]


def test_totals_add_up_the_tables():
    """Totals count databases, tables, partitions, files, rows and bytes of every table."""
    totals = truth()["totals"]
    assert totals == {
        "databases": 2,
        "tables": 3,
        "partitions": 4,
        "files": 6,
        "rows": 15,
        "bytes": 205 + 340 + 205,
    }


def test_the_document_text_is_stable():
    """The JSON text has sorted keys and ends in a newline: the same inputs, the same bytes."""
    text = to_json(truth())
    assert text == to_json(json.loads(text)) and text.endswith("}\n")
    assert ground_truth_uri("bucket-x") == "s3://bucket-x/_testenv/ground-truth.json"
