"""What the Hive-style kinds (Parquet, ORC, CSV) share: the partition layout
(``<key>/<partition key>=<value>/part-00000.<ext>``, partition columns only in the path),
the storage descriptor shape, and the loop that reads every file back.

A Hive kind says how one file is written and read, and its Glue facts: input and output
format, SerDe and its parameters, classification and extra table parameters.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from datagen.kinds.base import TableKind, WrittenFile, WrittenTable

if TYPE_CHECKING:
    import pyarrow as pa

    from datagen.catalog import TableSpec
    from datagen.checks import RowChecker
    from datagen.manifest import FileEntry, Manifest, TableEntry
    from datagen.rows import TablePlan
    from datagen.values import TimeRange

TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"


class HiveKind(TableKind):
    """One file per partition (or one for an unpartitioned table)."""

    extension: ClassVar[str]
    content_type: ClassVar[str]
    classification: ClassVar[str]
    input_format: ClassVar[str]
    output_format: ClassVar[str]
    serde: ClassVar[str]
    serde_parameters: ClassVar[Mapping[str, str]] = {"serialization.format": "1"}
    extra_table_parameters: ClassVar[Mapping[str, str]] = {}
    """Parameters of both the table and its partitions (none of the core kinds has any)."""

    # --- files -----------------------------------------------------------------------

    def write_table(self, plan: TablePlan, root: Path) -> WrittenTable:
        files = []
        for partition in plan.partitions:
            folder = "/".join(part for part in (plan.spec.key, partition.path) if part)
            key = f"{folder}/part-00000.{self.extension}"
            path = root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            self.write_file(path, plan.spec.arrow_schema, plan.batches(partition))
            files.append(
                WrittenFile(
                    key=key,
                    kind="data",
                    content_type=self.content_type,
                    rows=partition.rows,
                    partition=partition.values_by_key(plan.spec) if partition.values else None,
                )
            )
        return WrittenTable(files)

    @abstractmethod
    def write_file(self, path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
        """Write ``batches`` (which all have ``schema``) as one file at ``path``."""

    @abstractmethod
    def read_file(
        self, path: Path, file: FileEntry, spec: TableSpec, rows: RowChecker
    ) -> tuple[int, list[str]]:
        """Read one file back, checking its rows with ``rows``: its row count and problems."""

    def check_table(
        self, root: Path, manifest: Manifest, entry: TableEntry, spec: TableSpec
    ) -> list[str]:
        import pyarrow as pa

        from datagen.checks import RowChecker

        problems = []
        rows = RowChecker(spec, manifest.seed)
        base = manifest.location.rstrip("/") + "/"
        folders = {tuple(p.values.items()): p.location for p in entry.partitions}
        for file in manifest.files_of(entry):
            folder = folders.get(tuple((file.partition or {}).items()), entry.location)
            if not (base + file.key).startswith(folder) or "/" in (base + file.key)[len(folder) :]:
                problems.append(f"{file.key}: not in the folder of partition {file.partition}")
            if not (root / file.key).is_file():
                continue
            try:
                count, file_problems = self.read_file(root / file.key, file, spec, rows)
            except (OSError, ValueError, pa.ArrowException) as err:
                problems.append(f"{file.key}: cannot be read: {err}")
                continue
            problems += file_problems
            if count != file.rows:
                problems.append(f"{file.key}: {count} rows, the manifest says {file.rows}")
        return problems + rows.finish()

    # --- the Glue definition -----------------------------------------------------------

    def storage_descriptor(self, location: str, columns: list[dict[str, str]]) -> dict[str, Any]:
        return {
            "location": location,
            "input_format": self.input_format,
            "output_format": self.output_format,
            "compressed": False,
            "number_of_buckets": -1,
            "ser_de_info": {
                "serialization_library": self.serde,
                "parameters": dict(self.serde_parameters),
            },
            "columns": columns,
            "stored_as_sub_directories": False,
        }

    def table_parameters(self, entry: TableEntry) -> dict[str, str]:
        return {"EXTERNAL": "TRUE", "classification": self.classification} | dict(
            self.extra_table_parameters
        )

    def partition_parameters(self) -> dict[str, str]:
        return {"classification": self.classification, **self.extra_table_parameters}


def partition_period(spec: TableSpec, file: FileEntry) -> TimeRange | None:
    """The time range of the rows of ``file``'s partition (``None`` when unpartitioned)."""
    if spec.partitioning is None or file.partition is None:
        return None
    return spec.partitioning.period_bounds(tuple(file.partition.values()))
