"""The interface of a table kind, and what a kind's writer reports."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from datagen.catalog import Format, TableSpec
    from datagen.manifest import Manifest, TableEntry
    from datagen.rows import TablePlan

PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet"
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class WrittenFile:
    key: str
    """The path below the output root, which is also the object's S3 key."""
    kind: str
    """``data`` for rows; ``metadata``, ``manifest-list`` or ``manifest`` for Iceberg."""
    content_type: str
    rows: int | None = None
    partition: dict[str, str] | None = None


@dataclass(frozen=True)
class GlueTable:
    """A table's whole Glue definition in boto3's spelling:
    ``create_table(DatabaseName=..., TableInput=table_input)`` and
    ``batch_create_partition(..., PartitionInputList=partitions)``."""

    table_input: dict[str, Any]
    partitions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class WrittenTable:
    files: list[WrittenFile]
    metadata_location: str | None = None
    facts: dict[str, Any] | None = None
    """Kind-specific facts the Glue definition needs (a zoo table's Iceberg metadata
    location, columns and snapshot count); JSON values only, kept in the manifest."""


class TableKind(ABC):
    """Everything that differs between two kinds of table.

    A kind's module imports its writer's and reader's libraries inside the methods that
    use them: shaping Glue definitions must stay cheap.
    """

    name: str
    """The kind's key in the registry (``datagen.kinds.KIND_MODULES``) and in a table's
    declaration (``TableSpec.kind``)."""
    format: ClassVar[Format]
    """The format the manifest and the ground truth name (``zoo`` for every zoo kind)."""
    is_iceberg: ClassVar[bool] = False
    """Ground truth: whether an assessment should see an Iceberg table."""
    partitions_from_spec: ClassVar[bool] = True
    """Whether the table's partitions and rows follow its spec (``validate`` checks them
    against it); a zoo table's writer decides them, and its ``check_table`` checks them."""

    # --- files -----------------------------------------------------------------------

    @abstractmethod
    def write_table(self, plan: TablePlan, root: Path) -> WrittenTable:
        """Write the table's files below ``root`` and say what was written."""

    @abstractmethod
    def check_table(
        self, root: Path, manifest: Manifest, entry: TableEntry, spec: TableSpec
    ) -> list[str]:
        """Read the table back with its real reader; what differs from ``spec`` and ``entry``."""

    def value_digest(self, manifest: Manifest, entry: TableEntry, spec: TableSpec) -> str | None:
        """The ground truth's ``value_digest`` (``datagen.digest``): the SHA-256 of the
        canonical text of the rows an engine reading the table through its Glue definition
        returns, or ``None`` for a table with no rows of its own (a view, a resource link).
        By default the rows are drawn again from the spec and the manifest's seed, rows and
        location (``datagen.digest.table_digest``)."""
        from datagen import digest

        return digest.table_digest(spec, manifest)

    # --- the Glue definition -----------------------------------------------------------

    @abstractmethod
    def storage_descriptor(self, location: str, columns: list[dict[str, str]]) -> dict[str, Any]:
        """The storage descriptor of the table, or of one partition, at ``location``."""

    @abstractmethod
    def table_parameters(self, entry: TableEntry) -> dict[str, str]:
        """The Glue table parameters the kind adds to the catalog's own."""

    def glue_table(
        self, manifest: Manifest, entry: TableEntry, spec: TableSpec, database: str
    ) -> GlueTable | None:
        """The table's whole Glue definition, for a kind that shapes it itself (a zoo table:
        views, resource links, per-partition columns, no registered partitions); ``None``
        (the default) lets ``components.glue_shapes.glue_table`` shape it from the kind's
        ``storage_descriptor`` and parameters, as for the Hive-style and Iceberg kinds."""
        return None

    def expected(self, manifest: Manifest, entry: TableEntry, spec: TableSpec) -> dict[str, Any]:
        """The true findings a kind knows beyond the rule table (a zoo table's kind, detected
        format and notes)."""
        raise TypeError(f"{self.format} tables have only the rule table's findings")

    def partition_parameters(self) -> dict[str, str]:
        """The Glue partition parameters (only kinds with Hive partitions have any)."""
        raise TypeError(f"{self.format} tables have no Glue partitions")
