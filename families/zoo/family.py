"""The table zoo: one table of each kind real Glue accounts hold (``datagen.catalog.
ZOO_TABLES``), in ``<env>_zoo``, with config ``zoo: true`` (docs/zoo.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from datagen.catalog import ZOO_TABLES
from families.base import Family, Stack
from families.zoo.truth import section

if TYPE_CHECKING:
    from components.config import StackConfig
    from datagen.catalog import TableSpec


class Zoo(Family):
    name = "zoo"

    def enabled(self, cfg: StackConfig) -> bool:
        return cfg.zoo

    def tables(self, cfg: StackConfig) -> tuple[TableSpec, ...]:
        return ZOO_TABLES

    def truth(self, stack: Stack) -> Mapping[str, Any]:
        return section(stack.cfg.env, stack.manifest, ZOO_TABLES)


FAMILY = Zoo()
