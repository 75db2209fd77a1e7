"""The core tables: the five tables of the design (``datagen.catalog.TABLES``, or the
configured subset) and the profile's scale databases, in ``<env>_analytics``,
``<env>_logs`` and ``<env>_scale_NN``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from families.base import Family, Stack
from families.tables.truth import section

if TYPE_CHECKING:
    from components.config import StackConfig
    from datagen.catalog import TableSpec


class CoreTables(Family):
    name = "tables"

    def tables(self, cfg: StackConfig) -> tuple[TableSpec, ...]:
        return cfg.tables

    def truth(self, stack: Stack) -> Mapping[str, Any]:
        return section(stack.cfg.env, stack.manifest, self.tables(stack.cfg))


FAMILY = CoreTables()
