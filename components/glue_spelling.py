"""Glue shapes in their two spellings: the Pulumi arguments' snake_case
(``storage_descriptor``, ``ser_de_info``) and Glue's API CamelCase (``StorageDescriptor``,
``SerdeInfo``), as boto3 and ``GetTable`` use them (pure functions).

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
