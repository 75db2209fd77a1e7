"""Re-read generated output with each kind's real reader and check it against the catalog.

``validate`` returns a list of problems (empty when everything holds): the manifest
matches the files byte for byte, partitions are the catalog's with the folder text
equal to the values, and each table's kind (``datagen.kinds``) reads its files back:
columns, types, row counts, and every value one its column's value spec can produce.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from datagen.catalog import TABLES, TableSpec
from datagen.kinds import kind_for
from datagen.manifest import MANIFEST_NAME, Manifest, TableEntry
from datagen.staging import MARKER_NAME


def _file_problems(root: Path, manifest: Manifest) -> list[str]:
    problems = []
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    on_disk.discard(MANIFEST_NAME)
    on_disk.discard(MARKER_NAME)
    listed = {f.key for f in manifest.files}
    problems += [f"{key}: on disk but not in the manifest" for key in sorted(on_disk - listed)]
    problems += [f"{key}: in the manifest but missing" for key in sorted(listed - on_disk)]
    for file in manifest.files:
        if file.key not in on_disk:
            continue
        path = root / file.key
        if path.stat().st_size != file.bytes:
            problems.append(
                f"{file.key}: {path.stat().st_size} bytes, the manifest says {file.bytes}"
            )
            continue
        with path.open("rb") as handle:
            if hashlib.file_digest(handle, "sha256").hexdigest() != file.sha256:
                problems.append(f"{file.key}: sha256 differs from the manifest")
    return problems


def _partition_problems(manifest: Manifest, entry: TableEntry, spec: TableSpec) -> list[str]:
    problems = []
    keys = [key.name for key in spec.partition_keys]
    if entry.partition_keys != keys:
        problems.append(
            f"{entry.key}: partition keys {entry.partition_keys}, the catalog says {keys}"
        )
    expected = spec.partitioning.values() if spec.partitioning else []
    found = [tuple(p.values.get(key, "") for key in keys) for p in entry.partitions]
    if found != expected or any(list(p.values) != keys for p in entry.partitions):
        problems.append(f"{entry.key}: partitions {found}, the catalog says {expected}")
    for partition, values in zip(entry.partitions, found, strict=True):
        assert spec.partitioning is not None  # entry.partitions would be empty
        if (
            partition.path != spec.partitioning.path(values)
            or partition.location != f"{entry.location}{partition.path}/"
        ):
            problems.append(
                f"{entry.key}: partition {partition.location} does not match its values"
            )
        files = manifest.files_in(entry, partition)
        if partition.files != len(files) or partition.rows != sum(f.rows or 0 for f in files):
            problems.append(f"{partition.location}: file or row counts differ from its files")
    if entry.rows != manifest.rows:
        problems.append(f"{entry.key}: {entry.rows} rows, {manifest.rows} were asked for")
    if entry.partitions and sum(p.rows for p in entry.partitions) != entry.rows:
        problems.append(f"{entry.key}: partition rows do not add up to the table's")
    return problems


def validate(out_dir: str | Path, tables: Sequence[TableSpec] | None = None) -> list[str]:
    """Problems with the output in ``out_dir``; empty if it is what the catalog declares.

    ``tables`` are the specs the output was generated from (default: the catalog's).
    """
    root = Path(out_dir)
    try:
        manifest = Manifest.load(root)
    except (OSError, ValueError, KeyError, TypeError) as err:
        return [f"{root / MANIFEST_NAME}: cannot be read: {err}"]
    specs = {spec.key: spec for spec in (tables if tables is not None else TABLES)}
    problems = _file_problems(root, manifest)
    present = {entry.key for entry in manifest.tables}
    if tables is not None:
        problems += [f"{key}: selected but not generated" for key in specs if key not in present]
    for entry in manifest.tables:
        spec = specs.get(entry.key)
        if spec is None:
            problems.append(f"{entry.key}: not a table of the catalog")
            continue
        if (entry.name, entry.role, entry.format) != (
            spec.name,
            spec.role,
            kind_for(spec.kind).format.value,
        ):
            problems.append(f"{entry.key}: name, role or format differ from the catalog")
            continue
        if kind_for(spec.kind).partitions_from_spec:
            problems += _partition_problems(manifest, entry, spec)
        try:
            problems += kind_for(spec.kind).check_table(root, manifest, entry, spec)
        except Exception as err:  # a reader's failure is a finding, whatever its type
            problems.append(f"{entry.key}: cannot be read: {type(err).__name__}: {err}")
    return problems
