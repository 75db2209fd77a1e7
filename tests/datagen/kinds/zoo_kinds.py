"""The zoo's kind modules by kind name, for tests that call a module's own functions
(``write``, ``glue_table``, ``expected``, ``rows``) rather than its ``KIND``."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

from datagen.catalog import ZOO_ROLE, ZOO_TABLES
from datagen.kinds import ZOO_KINDS
from datagen.kinds.zoo import Expected, GlueTable, Written, WrittenFile

KINDS: dict[str, ModuleType] = {name: import_module(f"datagen.kinds.{name}") for name in ZOO_KINDS}
TABLES: dict[str, str] = {spec.kind: spec.name for spec in ZOO_TABLES}
"""Kind name -> the name its table is declared with."""
PREFIX = ZOO_ROLE

__all__ = ["Expected", "GlueTable", "Written", "WrittenFile"]


def kind(name: str) -> ModuleType:
    return KINDS[name]


def by_table(table: str) -> ModuleType:
    (name,) = [name for name, declared in TABLES.items() if declared == table]
    return KINDS[name]


def write_all(root: Path, rows: int, seed: int, location: str) -> dict[str, Written]:
    """Every kind's files under ``root/zoo/<table>/``, as the stack writes them."""
    return {
        name: module.write(root, f"{PREFIX}/{TABLES[name]}", rows, seed, location)
        for name, module in KINDS.items()
    }
