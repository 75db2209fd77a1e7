"""Table kinds: everything specific to one format, one module per kind.

A kind (``datagen.kinds.base.TableKind``) writes a table's files, reads them back for
validation, shapes the table's Glue definition and states its ground-truth facts.
``kind_for`` finds the kind of a format. The registry names modules, not objects: a
kind's module is imported on first use, so a cached ``pulumi up`` that only shapes
Glue definitions never imports a writer's library.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from types import MappingProxyType

from datagen.catalog import Format
from datagen.kinds.base import TableKind

KIND_MODULES: Mapping[Format, str] = MappingProxyType(
    {
        Format.PARQUET: "datagen.kinds.parquet",
        Format.ORC: "datagen.kinds.orc",
        Format.CSV: "datagen.kinds.csv",
        Format.ICEBERG: "datagen.kinds.iceberg",
        Format.ZOO: "datagen.kinds.zoo",
    }
)


@cache
def _load(file_format: Format) -> TableKind:
    kind = import_module(KIND_MODULES[file_format]).KIND
    if kind.format is not file_format:
        raise RuntimeError(f"{KIND_MODULES[file_format]} declares {kind.format}, not {file_format}")
    return kind


def kind_for(file_format: Format | str) -> TableKind:
    """The kind of ``file_format``; ``KeyError`` naming the known kinds if there is none."""
    try:
        return _load(Format(file_format))
    except (KeyError, ValueError):
        known = ", ".join(str(f) for f in KIND_MODULES)
        raise KeyError(f"no table kind {file_format!r}; the kinds are: {known}") from None
