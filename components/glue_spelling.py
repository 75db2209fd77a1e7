"""Glue shapes in their two spellings: the snake_case of Pulumi's arguments
(``storage_descriptor``, ``ser_de_info``) and Glue's API CamelCase (``StorageDescriptor``,
``SerdeInfo``), as boto3 and ``GetTable`` use them; and the ``aws.glue.CatalogTable`` and
``aws.glue.Partition`` arguments of a boto3 definition (pure functions).

``Parameters`` maps are values, not shapes: their keys stay as they are in both directions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# The one field whose two spellings do not follow the case rule.
_TO_API = {"ser_de_info": "SerdeInfo"}
_TO_SNAKE = {api: snake for snake, api in _TO_API.items()}


def _api_key(key: str) -> str:
    return _TO_API.get(key) or "".join(part.capitalize() for part in key.split("_"))


def _snake_key(key: str) -> str:
    return _TO_SNAKE.get(key) or re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _respelled(value: Any, spell: Any, parameters: str) -> Any:
    if isinstance(value, list):
        return [_respelled(item, spell, parameters) for item in value]
    if isinstance(value, Mapping):
        return {
            spell(key): dict(item) if key == parameters else _respelled(item, spell, parameters)
            for key, item in value.items()
        }
    return value


def to_api(value: Any) -> Any:
    """A snake_case shape (``glue_shapes``) in Glue's API spelling."""
    return _respelled(value, _api_key, "parameters")


def to_snake(value: Any) -> Any:
    """A boto3 shape (``TableInput``, ``PartitionInput``) in Pulumi's snake_case."""
    return _respelled(value, _snake_key, "Parameters")


# TableInput fields the program registers; anything else in a definition is an error.
_TABLE_FIELDS = {
    "Name": "name",
    "TableType": "table_type",
    "Parameters": "parameters",
    "StorageDescriptor": "storage_descriptor",
    "PartitionKeys": "partition_keys",
    "ViewOriginalText": "view_original_text",
    "ViewExpandedText": "view_expanded_text",
    "TargetTable": "target_table",
    "Description": "description",
}


def table_args(table_input: Mapping[str, Any], catalog_id: str | None) -> dict[str, Any]:
    """``aws.glue.CatalogTable`` keyword arguments (without ``database_name``) for a boto3
    ``TableInput``; a resource link's ``TargetTable`` gets ``catalog_id`` (this account),
    which the provider requires and a ``TableInput`` may leave out."""
    unknown = sorted(set(table_input) - set(_TABLE_FIELDS))
    if unknown:
        raise ValueError(f"TableInput fields {unknown} have no CatalogTable argument here")
    args = {
        _TABLE_FIELDS[key]: dict(value) if key == "Parameters" else to_snake(value)
        for key, value in table_input.items()
    }
    if "target_table" in args:
        if not catalog_id:
            raise ValueError("a resource link's target_table needs the account id (catalog_id)")
        args["target_table"] = {"catalog_id": catalog_id, **args["target_table"]}
    return args


def partition_args(partition_input: Mapping[str, Any]) -> dict[str, Any]:
    """``aws.glue.Partition`` keyword arguments (without database and table names)."""
    return {
        "partition_values": list(partition_input["Values"]),
        "storage_descriptor": to_snake(partition_input["StorageDescriptor"]),
        "parameters": dict(partition_input.get("Parameters") or {}),
    }
