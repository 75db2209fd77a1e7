"""The zoo's tables (``zoo/``) as one table kind.

A zoo table's spec names the zoo table (``zoo.by_table``); its zoo module writes the files
with the format's own library and shapes the table's whole Glue definition, so the Hive
hooks of ``TableKind`` (``storage_descriptor``, ``table_parameters``) do not apply:
``glue_table`` gives the boto3 ``TableInput`` and ``PartitionInput`` list instead, from the
manifest alone. A kind may write no file (a view, a resource link, an empty table), name
each file's partition itself, register no partition (projection), or give each partition
its own columns (drift): the zoo module decides.

The zoo modules import their writers (pyarrow, numpy, fastavro, deltalake, pyiceberg) only
inside the functions that write or read files: ``glue_table`` and ``expected`` shape from
the manifest (and its ``facts``) alone, so a cached ``pulumi up`` with ``zoo: true``
imports none of them (tests/zoo/test_lazy_imports.py).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from datagen.catalog import Format, TableSpec
from datagen.kinds.base import (
    OCTET_STREAM,
    PARQUET_CONTENT_TYPE,
    GlueTable,
    TableKind,
    WrittenFile,
    WrittenTable,
)

if TYPE_CHECKING:
    from datagen.manifest import Manifest, TableEntry
    from datagen.rows import TablePlan
    from zoo.base import Written

ROLE = "zoo"
"""The zoo's database role: its tables are ``zoo/<table>`` in ``<env>_zoo``."""

# By the file's name; S3 content types only (Athena picks codecs from the extension).
_CONTENT_TYPES = (
    (".parquet", PARQUET_CONTENT_TYPE),
    (".gz", "application/gzip"),
    (".json", "application/json"),
    (".csv", "text/csv"),
    (".tsv", "text/tab-separated-values"),
    (".avro", "application/avro"),
)
# Files that hold no rows of their own: table metadata of Iceberg and Delta, symlink lists.
_METADATA_FOLDERS = ("/metadata/", "/_delta_log/", "/_symlink_format_manifest/")


def _module(spec_name: str) -> ModuleType:
    import zoo

    return zoo.by_table(spec_name)


def zoo_tables() -> tuple[TableSpec, ...]:
    """One spec per zoo kind, in the zoo's order: role ``zoo``, the kind's table name, no
    columns of its own (the zoo module declares them in its Glue definition), no labels."""
    import zoo

    return tuple(
        TableSpec(
            role=ROLE,
            name=module.TABLE,
            format=Format.ZOO,
            columns=(),
            description=f"zoo kind {kind}: {(module.__doc__ or '').strip().splitlines()[0]}",
            parameters=MappingProxyType({}),
        )
        for kind, module in zoo.KINDS.items()
    )


def kind_name(spec: TableSpec) -> str:
    """The zoo kind of a zoo table (``avro_crawler``)."""
    import zoo

    return zoo.kind_of(spec.name)


def _content_type(key: str) -> str:
    return next((t for ext, t in _CONTENT_TYPES if key.endswith(ext)), OCTET_STREAM)


def _file_kind(key: str) -> str:
    return "metadata" if any(folder in f"/{key}" for folder in _METADATA_FOLDERS) else "data"


def bucket_of(manifest: Manifest) -> str:
    """The bucket the zoo's Glue locations name: the manifest's base must be the bucket."""
    parsed = urlparse(manifest.location)
    if parsed.scheme != "s3" or parsed.path.strip("/"):
        raise ValueError(
            f"the zoo needs its files at the root of an s3:// bucket, not {manifest.location!r}: "
            "generate with location s3://<bucket>"
        )
    return parsed.netloc


def written_of(manifest: Manifest, entry: TableEntry) -> Written:
    """The zoo module's record of a table, rebuilt from the manifest alone."""
    from zoo.base import Written
    from zoo.base import WrittenFile as ZooFile

    return Written(
        prefix=entry.key,
        files=tuple(
            ZooFile(key=f.key, rows=f.rows or 0, bytes=f.bytes, partition=dict(f.partition or {}))
            for f in manifest.files_of(entry)
        ),
        facts=dict(entry.facts or {}),
    )


class ZooKind(TableKind):
    format = Format.ZOO
    partitions_from_spec = False

    def write_table(self, plan: TablePlan, root: Path) -> WrittenTable:
        written = _module(plan.spec.name).write(
            root, plan.spec.key, plan.rows, plan.seed, plan.location
        )
        files = [
            WrittenFile(
                key=f.key,
                kind=_file_kind(f.key),
                content_type=_content_type(f.key),
                rows=f.rows,
                partition=dict(f.partition) or None,
            )
            for f in written.files
        ]
        # As the manifest's JSON gives them back (tuples become lists): the Glue definition
        # is the same from a fresh output and from a cached one.
        facts = json.loads(json.dumps(dict(written.facts))) or None
        return WrittenTable(
            files=files,
            metadata_location=(facts or {}).get("metadata_location"),
            facts=facts,
        )

    def check_table(
        self, root: Path, manifest: Manifest, entry: TableEntry, spec: TableSpec
    ) -> list[str]:
        """The zoo module writes the same bytes again: every listed file equals its rewrite
        (the format readers' checks of the zoo are its tests, tests/zoo/)."""
        problems = []
        with tempfile.TemporaryDirectory(prefix="zoo-check-") as scratch:
            again = _module(spec.name).write(
                Path(scratch), spec.key, manifest.rows, manifest.seed, manifest.location
            )
            expected = {f.key: f.rows for f in again.files}
            partitions = {f.key: dict(f.partition) or None for f in again.files}
            for file in manifest.files_of(entry):
                if file.key not in expected:
                    problems.append(f"{file.key}: not a file the zoo writes for {spec.key}")
                    continue
                path = root / file.key
                if path.is_file():
                    rewritten = (Path(scratch) / file.key).read_bytes()
                    if rewritten != path.read_bytes():
                        problems.append(f"{file.key}: differs from what the zoo writes")
                if (file.rows or 0) != expected[file.key]:
                    problems.append(
                        f"{file.key}: {file.rows} rows, the zoo writes {expected[file.key]}"
                    )
                if file.partition != partitions[file.key]:
                    problems.append(
                        f"{file.key}: partition {file.partition}, the zoo writes "
                        f"{partitions[file.key]}"
                    )
            missing = sorted(set(expected) - {f.key for f in manifest.files_of(entry)})
            problems += [f"{key}: written by the zoo, missing from the manifest" for key in missing]
        return problems

    def storage_descriptor(self, location: str, columns: list[dict[str, str]]) -> dict[str, Any]:
        raise TypeError("a zoo table's whole Glue definition comes from glue_table")

    def table_parameters(self, entry: TableEntry) -> dict[str, str]:
        raise TypeError("a zoo table's whole Glue definition comes from glue_table")

    def glue_table(
        self, manifest: Manifest, entry: TableEntry, spec: TableSpec, database: str
    ) -> GlueTable:
        """The zoo module's exact Glue definition (boto3 ``TableInput`` and partitions)."""
        return _module(spec.name).glue_table(
            bucket_of(manifest), database, spec.name, written_of(manifest, entry)
        )

    def expected(self, manifest: Manifest, entry: TableEntry, spec: TableSpec) -> dict[str, Any]:
        """What the zoo module says an assessor should find (kind, true format, notes)."""
        return _module(spec.name).expected(written_of(manifest, entry)).as_dict()

    def value_digest(self, manifest: Manifest, entry: TableEntry, spec: TableSpec) -> str | None:
        """The digest of the zoo module's ``rows`` (seed, rows and prefix as ``write_table``
        gave them) rendered with ``value_columns``' types; ``None`` when the module says the
        table has no rows of its own (``rows`` gives ``None``: a view, a resource link)."""
        data = _module(spec.name).rows(manifest.seed, entry.key, manifest.rows)
        if data is None:
            return None
        # Only now: a cache hit asks again for the tables without rows, and needs no Arrow.
        from datagen.digest import digest_rows

        columns = value_columns(manifest, entry, spec)
        if data.column_names != [name for name, _ in columns]:
            raise ValueError(
                f"{spec.key}: the zoo module's rows have the columns {data.column_names}, "
                f"its table {[name for name, _ in columns]}: make rows() follow the Glue order"
            )
        return digest_rows(data, [glue_type for _, glue_type in columns])


# The Glue columns of a table with rows depend on neither its bucket nor its database.
_ANY_BUCKET = "bucket"
_ANY_DATABASE = "env_zoo"


def value_columns(manifest: Manifest, entry: TableEntry, spec: TableSpec) -> list[tuple[str, str]]:
    """The names and Glue types of a zoo table's rows as an engine returns them, in order:
    its Glue definition's columns, then its partition keys, or the module's own
    ``value_columns()`` where Glue holds a placeholder (Delta's ``col array<string>``)."""
    module = _module(spec.name)
    if hasattr(module, "value_columns"):
        return list(module.value_columns())
    table_input = module.glue_table(
        _ANY_BUCKET, _ANY_DATABASE, spec.name, written_of(manifest, entry)
    ).table_input
    columns = (table_input.get("StorageDescriptor") or {}).get("Columns") or []
    keys = table_input.get("PartitionKeys") or []
    return [(c["Name"], c["Type"]) for c in [*columns, *keys]]


KIND = ZooKind()
