"""The two spellings of a Glue shape: snake_case for Pulumi, CamelCase for Glue's API."""

from __future__ import annotations

from components import glue_shapes, glue_spelling
from tests.stack.manifests import SALES, manifest


def test_the_spellings_round_trip_and_keep_parameter_keys():
    """A registered storage descriptor goes to the API spelling (SerdeInfo, InputFormat) and
    back unchanged; keys inside parameter maps are never respelled."""
    descriptor = glue_shapes.table_storage_descriptor(SALES, manifest().table(SALES.key))
    descriptor["ser_de_info"]["parameters"] = {"serialization.format": "1", "some_key": "x"}
    api = glue_spelling.to_api(descriptor)
    assert api["SerdeInfo"]["Parameters"] == {"serialization.format": "1", "some_key": "x"}
    assert api["InputFormat"] == descriptor["input_format"]
    assert api["Columns"][0] == {"Name": "order_id", "Type": "bigint"}
    assert glue_spelling.to_snake(api) == descriptor
