"""The pure mapping of a zoo module's boto3 TableInput to aws.glue.CatalogTable arguments."""

from __future__ import annotations

import pytest

from components import glue_spelling
from datagen.kinds import athena_view, partition_projection, resource_link, schema_drift
from tests.datagen.kinds.conftest import BUCKET, DATABASE


def test_table_input_maps_field_by_field_to_snake_case_arguments(written):
    """SerdeInfo becomes ser_de_info, StorageDescriptor's keys snake_case, parameter keys kept."""
    glue = partition_projection.glue_table(BUCKET, DATABASE, "t", written["partition_projection"])
    args = glue_spelling.table_args(glue.table_input, None)
    descriptor = glue.table_input["StorageDescriptor"]
    assert args["name"] == "t" and args["table_type"] == "EXTERNAL_TABLE"
    assert args["parameters"] == glue.table_input["Parameters"]
    assert "projection.dt.range" in args["parameters"]
    assert args["storage_descriptor"]["input_format"] == descriptor["InputFormat"]
    assert args["storage_descriptor"]["ser_de_info"] == {
        "serialization_library": descriptor["SerdeInfo"]["SerializationLibrary"],
        "parameters": descriptor["SerdeInfo"]["Parameters"],
    }
    assert args["storage_descriptor"]["number_of_buckets"] == -1
    assert args["partition_keys"] == [{"name": "dt", "type": "string"}]


def test_a_view_keeps_its_texts_and_a_link_gets_the_account_as_catalog_id(written):
    """view_original_text/view_expanded_text pass through; target_table gets catalog_id."""
    view = glue_spelling.table_args(
        athena_view.glue_table(BUCKET, DATABASE, "v", written["athena_view"]).table_input, None
    )
    assert view["table_type"] == "VIRTUAL_VIEW"
    assert view["view_original_text"].startswith("/* Presto View: ")
    assert view["view_expanded_text"] == "/* Presto View */"
    link = resource_link.glue_table(BUCKET, DATABASE, "l", written["resource_link"]).table_input
    args = glue_spelling.table_args(link, "123456789012")
    assert args["target_table"] == {
        "catalog_id": "123456789012",
        "database_name": "test_analytics",
        "name": "sales_data",
    }
    with pytest.raises(ValueError, match="account id"):
        glue_spelling.table_args(link, None)


def test_unknown_fields_are_refused_and_partitions_keep_their_own_columns(written):
    """A TableInput field with no argument fails by name; drifted partitions keep their columns."""
    with pytest.raises(ValueError, match="Owner"):
        glue_spelling.table_args({"Name": "x", "Owner": "me"}, None)
    glue = schema_drift.glue_table(BUCKET, DATABASE, "d", written["schema_drift"])
    for partition in glue.partitions:
        args = glue_spelling.partition_args(partition)
        assert args["partition_values"] == partition["Values"]
        assert [c["name"] for c in args["storage_descriptor"]["columns"]] == [
            c["Name"] for c in partition["StorageDescriptor"]["Columns"]
        ]
