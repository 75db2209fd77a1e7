"""The shape every family of the stack has.

A family is one kind of thing the stack holds: the core tables, the table zoo, the local
PostgreSQL, and the families that follow them (the account's resources, volume tables,
the target lakehouse). Each is a package of ``families/`` with the same few files:

- ``family.py``: the ``Family`` below, wiring only: which config turns it on, the tables
  it declares, the component it declares, its ground-truth section and its outputs;
- ``truth.py``: its ground-truth entries, shaped by pure functions that tests call
  without mocks;
- its component (``components/``) when it has resources of its own.

``__main__.py`` builds one ``Stack`` and asks every enabled family, in the registry's order
(``families.FAMILIES``), for each of these; ``components.ground_truth`` and
``components.outputs`` gather what the families give without knowing their insides.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import pulumi
    import pulumi_aws as aws

    from components.config import StackConfig
    from components.data_bucket import DataBucket
    from components.glue_catalog import GlueCatalog
    from datagen.catalog import TableSpec
    from datagen.manifest import Manifest


@dataclass(frozen=True)
class Stack:
    """What every family may build on, known once the tables are generated."""

    cfg: StackConfig
    account_id: str | None
    """The AWS account (``None`` when no credentials answered during preview)."""
    bucket_name: str
    bucket: DataBucket
    tables: Sequence[TableSpec]
    """Every table of every enabled family, in the registry's order."""
    manifest: Manifest
    """What was generated for ``tables``: databases, tables, partitions, files."""
    aws_opts: pulumi.ResourceOptions
    """The options of every AWS resource: the stack's explicit provider."""
    aws_provider: aws.Provider
    """That provider, for a family's lookups (``pulumi.InvokeOptions(provider=...)``)."""
    catalog: GlueCatalog
    """The Glue databases and tables of every table family: a family whose resources name
    them takes their names from these resources, so Pulumi orders create and destroy."""
    components: Mapping[str, Any] = field(default_factory=dict)
    """What the families before a family in the registry declared, by family name (the
    target lakehouse builds on the database's)."""


class Family(ABC):
    """One family; each method's default is "nothing of that", so a family states only
    what it has."""

    name: ClassVar[str]
    """The family's name, as docs and the registry use it."""

    def enabled(self, cfg: StackConfig) -> bool:
        """Whether the stack holds this family (its config key; on by default)."""
        return True

    def tables(self, cfg: StackConfig) -> tuple[TableSpec, ...]:
        """The tables it declares. Every family's tables are generated together, uploaded
        by ``SyntheticData`` and registered by ``GlueCatalog`` (one database per role), so
        that one manifest and one ground truth describe them all."""
        return ()

    def declare(self, stack: Stack) -> pulumi.ComponentResource | None:
        """Its resources beyond its tables, as children of one component."""
        return None

    def truth(self, stack: Stack) -> Mapping[str, Any]:
        """Its section of the ground truth: top-level keys, where ``databases`` (a list)
        gathers the databases of every table family in order."""
        return {}

    def outputs(self, stack: Stack, component: Any) -> Mapping[str, Any]:
        """Its stack outputs (``component`` is what ``declare`` returned)."""
        return {}
