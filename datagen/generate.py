"""Generate the test tables into a folder whose relative paths are their S3 keys.

``generate`` writes every table with its kind's writer (``datagen.kinds``) into a
staging folder next to the output folder, adds ``manifest.json`` and renames the
staging folder into place: a failure anywhere leaves neither output nor staging folder
behind.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from datagen import limits, staging
from datagen.catalog import TABLES, TableSpec
from datagen.kinds import kind_for
from datagen.kinds.base import WrittenFile, WrittenTable
from datagen.limits import Limit
from datagen.manifest import (
    MANIFEST_NAME,
    DatabaseEntry,
    FileEntry,
    Manifest,
    PartitionEntry,
    TableEntry,
)
from datagen.progress import Progress

# The rows (numpy, pyarrow, faker) are imported by ``write_tables``: a cache hit only
# checks its arguments, and needs none of them.
if TYPE_CHECKING:
    from datagen.rows import TablePlan

LOCATION_SCHEMES = ("file", "s3")


@dataclass
class BadArgument(ValueError):
    """An argument ``generate`` cannot work with; says what is wrong and how to fix it."""

    argument: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.argument}: {self.problem}; fix: {self.fix}"


# --- arguments -------------------------------------------------------------------------


def _check_whole(value: object, limit: Limit, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not limit.contains(value):
        raise BadArgument(
            argument,
            f"{limit.description} must be {limit.expected}, not {value!r}",
            f"give a whole number from {limit.low:,} to {limit.high:,}, e.g. {limit.example}",
        )
    return value


def check_rows(rows: object) -> int:
    return _check_whole(rows, limits.ROWS, "rows")


def check_seed(seed: object) -> int:
    return _check_whole(seed, limits.SEED, "seed")


def check_tables(tables: Sequence[TableSpec]) -> tuple[TableSpec, ...]:
    tables = tuple(tables)
    if not tables:
        raise BadArgument("tables", "no tables selected", "name at least one table")
    prefixes = [spec.key for spec in tables]
    duplicates = sorted({p for p in prefixes if prefixes.count(p) > 1})
    if duplicates:
        raise BadArgument(
            "tables", f"table {duplicates[0]} is selected twice", "name each table once"
        )
    return tables


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def bucket_name_problem(name: str) -> str | None:
    """Why ``name`` breaks the S3 general purpose bucket naming rules, or None."""
    if not 3 <= len(name) <= 63:
        return f"it has {len(name)} characters, not 3 to 63"
    if not _BUCKET.match(name):
        return (
            "only lowercase letters, digits, dots and hyphens are allowed, "
            "and it must start and end with a letter or digit"
        )
    if ".." in name:
        return "it has two adjacent dots"
    if _IPV4.match(name):
        return "it is formatted as an IP address"
    if name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3")):
        return "it uses a prefix or suffix that AWS reserves"
    return None


def check_location(location: str | None, out_dir: Path) -> str:
    """The base URI the output is recorded under; ``None`` is the output folder itself."""
    if location is None:
        # Not percent-encoded: pyiceberg opens file:// paths without decoding them.
        return f"file://{out_dir.as_posix()}"
    parsed = urlparse(location)
    if parsed.scheme not in LOCATION_SCHEMES:
        raise BadArgument(
            "location",
            f"{location!r} is neither a file:// nor an s3:// URI",
            "use s3://<bucket>[/<prefix>] for upload, or leave it out for the output folder",
        )
    if parsed.scheme == "s3" and not parsed.netloc:
        raise BadArgument(
            "location", f"{location!r} names no bucket", "use s3://<bucket>[/<prefix>]"
        )
    if parsed.scheme == "s3" and (problem := bucket_name_problem(parsed.netloc)):
        raise BadArgument(
            "location",
            f"{parsed.netloc!r} in {location!r} is not a valid S3 bucket name: {problem}",
            "use a bucket name of 3 to 63 lowercase letters, digits, dots and hyphens that "
            "starts and ends with a letter or digit, e.g. s3://my-test-bucket",
        )
    if parsed.scheme == "file" and (parsed.netloc or not parsed.path.startswith("/")):
        raise BadArgument(
            "location",
            f"{location!r} is not an absolute file:// URI",
            "use file:///<absolute path>",
        )
    if parsed.query or parsed.fragment:
        raise BadArgument(
            "location", f"{location!r} has a query or fragment", "give a plain bucket and prefix"
        )
    return location.rstrip("/")


def check_out_dir(out_dir: Path) -> Path:
    """``out_dir`` if it can be (re)placed: absent, empty or an earlier output.

    An earlier output is recognised by the generator's marker only: a folder that merely
    holds a ``manifest.json`` may be someone's project, and is never replaced.
    """
    out_dir = Path(os.path.abspath(out_dir))
    if out_dir.is_symlink():
        raise BadArgument(
            "out_dir",
            f"{out_dir} is a symbolic link, which is not replaced",
            "name the folder itself, or a new folder",
        )
    if out_dir.exists():
        if not out_dir.is_dir():
            raise BadArgument("out_dir", f"{out_dir} is a file", "name a folder")
        if any(out_dir.iterdir()) and not staging.is_marked(out_dir):
            raise BadArgument(
                "out_dir",
                f"{out_dir} holds files that are not generated data (it has no "
                f"{staging.MARKER_NAME} marker), so nothing in it is deleted or replaced",
                "name a new or empty folder (e.g. --out ./testdata), "
                "or move its files away yourself first",
            )
    existing = out_dir.parent
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise BadArgument(
            "out_dir",
            f"{existing} is a file, not a folder",
            "name a folder whose parents are folders",
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BadArgument(
            "out_dir", f"{existing} is not writable", "name a folder in a writable place"
        )
    return out_dir


# --- writing ---------------------------------------------------------------------------


def _file_entry(root: Path, spec: TableSpec, written: WrittenFile) -> FileEntry:
    path = root / written.key
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return FileEntry(
        key=written.key,
        table=spec.key,
        format=kind_for(spec.kind).format.value,
        kind=written.kind,
        partition=written.partition,
        rows=written.rows,
        bytes=path.stat().st_size,
        sha256=digest,
        content_type=written.content_type,
    )


def _table_entry(plan: TablePlan, written: WrittenTable, files: list[FileEntry]) -> TableEntry:
    spec = plan.spec
    location = f"{plan.table_location}/"
    partitions = []
    for partition in plan.partitions if spec.partitioning else ():
        values = partition.values_by_key(spec)
        inside = [f for f in files if f.partition == values]
        partitions.append(
            PartitionEntry(
                values=values,
                path=partition.path,
                location=f"{location}{partition.path}/",
                rows=sum(f.rows or 0 for f in inside),
                files=len(inside),
                bytes=sum(f.bytes for f in inside),
            )
        )
    if not spec.partitioning:
        partitions = _written_partitions(location, spec, files)
    return TableEntry(
        key=spec.key,
        name=spec.name,
        role=spec.role,
        format=kind_for(spec.kind).format.value,
        location=location,
        rows=sum(f.rows or 0 for f in files if f.kind == "data"),
        partition_keys=[key.name for key in spec.partition_keys],
        partitions=partitions,
        metadata_location=written.metadata_location,
        files=len(files),
        bytes=sum(f.bytes for f in files),
        readiness=spec.parameters.get("migration_readiness", "unknown"),
        facts=written.facts,
    )


def _written_partitions(
    location: str, spec: TableSpec, files: list[FileEntry]
) -> list[PartitionEntry]:
    """The partitions of a table whose writer names each file's partition itself (a zoo
    table), in first-written order; a partition's folder is that of its files."""
    partitions: list[PartitionEntry] = []
    seen = dict.fromkeys(tuple(f.partition.items()) for f in files if f.partition)
    for values in (dict(v) for v in seen):
        inside = [f for f in files if f.partition == values]
        path = inside[0].key[len(spec.key) + 1 :].rsplit("/", 1)[0]
        partitions.append(
            PartitionEntry(
                values=values,
                path=path,
                location=f"{location}{path}/",
                rows=sum(f.rows or 0 for f in inside),
                files=len(inside),
                bytes=sum(f.bytes for f in inside),
            )
        )
    return partitions


def write_tables(
    root: Path, tables: Sequence[TableSpec], rows: int, seed: int, location: str
) -> Manifest:
    """Write ``tables`` below ``root`` (no staging, no checks) and return their manifest."""
    from datagen.rows import TablePlan

    entries: list[TableEntry] = []
    files: list[FileEntry] = []
    progress = Progress(len(tables))
    for spec in tables:
        plan = TablePlan(spec, rows, seed, location)
        written = kind_for(spec.kind).write_table(plan, root)
        table_files = [_file_entry(root, spec, f) for f in written.files]
        files.extend(table_files)
        entries.append(_table_entry(plan, written, table_files))
        progress.table(entries[-1])
    files.sort(key=lambda f: f.key)
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    on_disk.discard(staging.MARKER_NAME)
    listed = {f.key for f in files}
    if on_disk != listed:
        raise RuntimeError(
            f"writers left unlisted files {sorted(on_disk - listed)[:5]} "
            f"or listed missing files {sorted(listed - on_disk)[:5]}"
        )
    databases = [
        DatabaseEntry(role=role, location=f"{location.rstrip('/')}/{role}/")
        for role in dict.fromkeys(spec.role for spec in tables)
    ]
    return Manifest(
        seed=seed, rows=rows, location=location, databases=databases, tables=entries, files=files
    )


def _publish(staging_dir: Path, out_dir: Path, replace: bool) -> None:
    """Rename ``staging_dir`` to ``out_dir``; an earlier output there is replaced if
    ``replace``, else the rename fails with ``FileExistsError``."""
    try:
        os.rename(staging_dir, out_dir)
        return
    except OSError as err:
        if err.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        if not replace:
            raise FileExistsError(errno.EEXIST, "output already exists", str(out_dir)) from None
    # Checked again here: files may have appeared since check_out_dir looked.
    if not staging.is_marked(out_dir):
        check_out_dir(out_dir)
        raise FileExistsError(errno.EEXIST, "output folder changed while writing", str(out_dir))
    previous = out_dir.with_name(f".{out_dir.name}.previous-{secrets.token_hex(4)}")
    os.rename(out_dir, previous)
    try:
        os.rename(staging_dir, out_dir)
    except BaseException:
        os.rename(previous, out_dir)
        raise
    shutil.rmtree(previous)


def generate(
    out_dir: str | Path,
    *,
    tables: Sequence[TableSpec] = TABLES,
    rows: int = 1000,
    seed: int = 42,
    location: str | None = None,
    replace: bool = True,
) -> Manifest:
    """Generate ``rows`` rows of each table into ``out_dir`` and return the manifest.

    ``location`` is the base URI the Iceberg metadata records (``s3://bucket[/prefix]``
    for upload); ``None`` records the output folder itself as a ``file://`` URI, so the
    local copy is a loadable table. An earlier output in ``out_dir`` is replaced, unless
    ``replace`` is false: then ``FileExistsError`` is raised and the new copy discarded.
    """
    tables = check_tables(tables)
    rows, seed = check_rows(rows), check_seed(seed)
    out_dir = check_out_dir(Path(out_dir))
    base = check_location(location, out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging.remove_stale(out_dir.parent, out_dir.name)
        staging_dir = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    except OSError as err:
        raise BadArgument(
            "out_dir",
            f"cannot create a folder in {out_dir.parent}: {err.strerror}",
            "name a folder in a writable place",
        ) from None
    try:
        staging_dir.chmod(0o755)
        # Marked first, so that a killed run's staging folder is known as ours later.
        staging.mark(staging_dir)
        manifest = write_tables(staging_dir, tables, rows, seed, base)
        manifest.write(staging_dir / MANIFEST_NAME)
        _publish(staging_dir, out_dir, replace)
    except BaseException:
        shutil.rmtree(staging_dir, ignore_errors=True)
        raise
    return manifest
