"""The families of things the stack holds, one package each, in one registry.

``FAMILIES`` is the order in which ``__main__.py`` asks them (``families.base.Family``):
the table families first, so that the manifest and the ground truth list the core
databases before the zoo's. Adding a family is adding a package and a line here
(docs/architecture.md, "Adding a family").
"""

from __future__ import annotations

from families.account.family import FAMILY as ACCOUNT
from families.base import Family, Stack
from families.database.family import FAMILY as DATABASE
from families.tables.family import FAMILY as TABLES
from families.target.family import FAMILY as TARGET
from families.volume.family import FAMILY as VOLUME
from families.zoo.family import FAMILY as ZOO

FAMILIES: tuple[Family, ...] = (TABLES, ZOO, ACCOUNT, DATABASE, TARGET, VOLUME)

__all__ = ["FAMILIES", "Family", "Stack"]
