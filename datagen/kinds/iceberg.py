"""Iceberg v2: Parquet data files, manifests, a manifest list and metadata, written with
pyiceberg pinned to be deterministic (``datagen.iceberg``).

Glue registers it as an ``EXTERNAL_TABLE`` with ``table_type=ICEBERG`` and its
``metadata_location``; the storage descriptor carries only the location and columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.catalog import Format
from datagen.kinds.base import PARQUET_CONTENT_TYPE, TableKind, WrittenFile, WrittenTable

if TYPE_CHECKING:
    from datagen.catalog import TableSpec
    from datagen.manifest import Manifest, TableEntry
    from datagen.rows import TablePlan


class IcebergKind(TableKind):
    name = "iceberg"
    format = Format.ICEBERG
    is_iceberg = True

    # --- files -----------------------------------------------------------------------

    def write_table(self, plan: TablePlan, root: Path) -> WrittenTable:
        # pyiceberg takes about 1 s to import: only a run that writes Iceberg pays for it.
        from datagen.iceberg import write_iceberg_table

        metadata_location, rows_by_location = write_iceberg_table(plan, root)
        base = plan.location.rstrip("/") + "/"
        table_root = root / plan.spec.key
        rows_by_key = {location[len(base) :]: rows for location, rows in rows_by_location.items()}
        files = []
        for path in sorted(p for p in table_root.rglob("*") if p.is_file()):
            key = path.relative_to(root).as_posix()
            if key in rows_by_key:
                files.append(WrittenFile(key, "data", PARQUET_CONTENT_TYPE, rows=rows_by_key[key]))
            elif path.name.endswith(".metadata.json"):
                files.append(WrittenFile(key, "metadata", "application/json"))
            elif path.name.startswith("snap-"):
                files.append(WrittenFile(key, "manifest-list", "application/avro"))
            elif path.suffix == ".avro":
                files.append(WrittenFile(key, "manifest", "application/avro"))
            else:
                raise RuntimeError(f"unexpected file {key} in Iceberg table {plan.spec.name}")
        return WrittenTable(files, metadata_location=metadata_location)

    def check_table(
        self, root: Path, manifest: Manifest, entry: TableEntry, spec: TableSpec
    ) -> list[str]:
        from pyiceberg.table import StaticTable

        from datagen.checks import RowChecker, schema_problems
        from datagen.iceberg import mirror_properties

        if not entry.metadata_location:
            return [f"{entry.key}: Iceberg table without metadata_location"]
        problems = []
        keys = {f.key for f in manifest.files_of(entry)}
        base = manifest.location.rstrip("/") + "/"

        def key_of(location: str, what: str) -> str | None:
            if not location.startswith(entry.location):
                problems.append(
                    f"{entry.key}: {what} {location} is outside the table {entry.location}"
                )
                return None
            key = location[len(base) :]
            if key not in keys:
                problems.append(f"{entry.key}: {what} {location} is not a generated file")
            return key

        key_of(entry.metadata_location, "metadata")
        if problems:
            return problems
        table = StaticTable.from_metadata(
            entry.metadata_location, properties=mirror_properties(manifest.location, root)
        )
        metadata = table.metadata
        if metadata.format_version != 2:
            problems.append(f"{entry.key}: Iceberg format version {metadata.format_version}, not 2")
        # Iceberg names the table root without the folder's trailing slash.
        if metadata.location + "/" != entry.location:
            problems.append(
                f"{entry.key}: table location {metadata.location}, not {entry.location}"
            )
        problems += schema_problems(entry.key, table.schema().as_arrow(), spec, exact=False)
        snapshot = table.current_snapshot()
        if snapshot is None:
            return problems + [f"{entry.key}: the table has no snapshot"]
        key_of(snapshot.manifest_list, "manifest list")
        data_rows: dict[str, int] = {}
        for manifest_file in snapshot.manifests(table.io):
            key_of(manifest_file.manifest_path, "manifest")
            for manifest_entry in manifest_file.fetch_manifest_entry(table.io):
                data_file = manifest_entry.data_file
                key = key_of(data_file.file_path, "data file")
                if key:
                    data_rows[key] = data_file.record_count
        listed = {f.key: f.rows for f in manifest.files_of(entry) if f.kind == "data"}
        if data_rows != listed:
            problems.append(
                f"{entry.key}: snapshot data files {data_rows}, the manifest says {listed}"
            )
        if problems:
            return problems
        rows = RowChecker(spec, manifest.seed)
        count = rows.check(entry.key, table.scan().to_arrow_batch_reader(), None)
        if count != entry.rows:
            problems.append(
                f"{entry.key}: the table scans {count} rows, the manifest says {entry.rows}"
            )
        return problems + rows.finish()

    # --- the Glue definition -----------------------------------------------------------

    def storage_descriptor(self, location: str, columns: list[dict[str, str]]) -> dict[str, Any]:
        return {"location": location, "columns": columns}

    def table_parameters(self, entry: TableEntry) -> dict[str, str]:
        if not entry.metadata_location:
            raise ValueError(f"Iceberg table {entry.key} needs its metadata_location")
        return {"table_type": "ICEBERG", "metadata_location": entry.metadata_location}


KIND = IcebergKind()
