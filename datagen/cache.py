"""A cache of generated outputs, keyed by everything the bytes depend on.

The key covers the generator's own source, the versions of the libraries that write
the files, the table specs, rows, seed and location. An entry is a complete output
folder (``generate`` renames it into place whole), so two processes that fill the same
entry at once both finish: the first rename wins and the other copy is discarded.

An entry is used only if every file its manifest lists is a plain file inside it with the
listed SHA-256 (``complete``): a corrupted or tampered entry is generated again, and no
manifest key can point the upload at a file outside the entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
import shutil
import time
from collections.abc import Sequence
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from datagen import staging
from datagen.catalog import TableSpec
from datagen.manifest import MANIFEST_NAME, Manifest

PACKAGE_DIR = Path(__file__).resolve().parent
KEY_LIBRARIES = ("numpy", "pyarrow", "pyiceberg", "faker", "fastavro", "deltalake")


def code_version() -> str:
    """A hash of the generator's source files, every table kind's (``kinds/``) included."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        name = f"{PACKAGE_DIR.name}/{path.relative_to(PACKAGE_DIR).as_posix()}"
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(*, tables: Sequence[TableSpec], rows: int, seed: int, location: str | None) -> str:
    inputs = {
        "code": code_version(),
        "libraries": {name: metadata.version(name) for name in KEY_LIBRARIES},
        "python": platform.python_version(),
        "tables": [repr(spec) for spec in tables],
        "rows": rows,
        "seed": seed,
        "location": location,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:32]


VERIFIED_NAME = ".verified.json"
# A file changed this recently may change again within the same timestamp tick, unseen
# by its stamp (git's "racy" index entries): it is hashed again next time instead.
RACY_NS = 2_000_000_000


def _regular_files(entry: Path) -> dict[str, os.stat_result]:
    """Every regular file below ``entry`` by its key, with its stat; links are not followed.

    A manifest is data read from disk: only a key found here, a plain file reached
    without passing through a symbolic link, can be uploaded. A key that is absolute,
    climbs out with ``..`` or names a link is simply not in this map.
    """
    found: dict[str, os.stat_result] = {}
    pending = [(entry, "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as listing:
            for item in listing:
                key = f"{prefix}{item.name}"
                if item.is_dir(follow_symlinks=False):
                    pending.append((Path(item.path), f"{key}/"))
                elif item.is_file(follow_symlinks=False):
                    found[key] = item.stat(follow_symlinks=False)
    return found


def _stamp(stat: os.stat_result, sha256: str) -> list[object]:
    # ctime cannot be set back by an ordinary process: any write to the file moves it.
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, sha256]


def _load_verified(entry: Path) -> dict[str, list[object]]:
    try:
        verified = json.loads((entry / VERIFIED_NAME).read_text())
    except (OSError, ValueError):
        return {}
    return verified if isinstance(verified, dict) else {}


def _save_verified(entry: Path, verified: dict[str, list[object]]) -> None:
    temporary = entry / f"{VERIFIED_NAME}.{secrets.token_hex(4)}"
    try:
        temporary.write_text(json.dumps(verified, sort_keys=True))
        os.replace(temporary, entry / VERIFIED_NAME)
    except OSError:
        temporary.unlink(missing_ok=True)  # only a speed-up: the next run hashes again


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def complete(entry: Path) -> Manifest | None:
    """The entry's manifest if the entry holds every file it lists, with its content.

    Every file's SHA-256 is compared with the manifest (a file corrupted in place keeps
    its size); a key that leaves the entry makes the whole entry unusable. A file whose
    inode, size, mtime and ctime are those it had when last verified is not hashed again.
    """
    if not staging.is_marked(entry):
        return None
    try:
        manifest = Manifest.load(entry)
        on_disk = _regular_files(entry)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    verified = _load_verified(entry)
    settled = time.time_ns() - RACY_NS
    changed = False
    for file in manifest.files:
        stat = on_disk.get(file.key)
        if stat is None or stat.st_size != file.bytes:
            return None
        stamp = _stamp(stat, file.sha256)
        if verified.get(file.key) == stamp:
            continue
        try:
            if _digest(entry / file.key) != file.sha256:
                return None
        except OSError:
            return None
        if stat.st_ctime_ns < settled:
            verified[file.key] = stamp
            changed = True
    if changed:
        _save_verified(entry, verified)
    return manifest


def _discard(entry: Path) -> None:
    # Renamed away first, so that no reader ever sees a half-deleted entry.
    doomed = entry.with_name(f".{entry.name}.discard-{secrets.token_hex(4)}")
    try:
        entry.rename(doomed)
    except FileNotFoundError:
        return
    shutil.rmtree(doomed, ignore_errors=True)


def generate_cached(
    cache_root: str | Path,
    *,
    tables: Sequence[TableSpec],
    rows: int,
    seed: int,
    location: str | None,
) -> tuple[Path, Manifest]:
    """The output folder for these inputs and its manifest, generated only if not cached."""
    # The kinds' writers import pyarrow's writers and pyiceberg: a cache hit needs neither.
    from datagen.generate import check_location, generate

    root = Path(cache_root)
    staging.remove_stale(root)
    entry = root / cache_key(tables=tables, rows=rows, seed=seed, location=location)
    manifest = complete(entry)
    # Without a location the files record the entry's own path: a moved cache is stale.
    if manifest is not None and manifest.location == check_location(location, entry.absolute()):
        return entry, with_value_digests(entry, manifest, tables)
    if entry.exists():
        _discard(entry)
    try:
        manifest = generate(
            entry, tables=tables, rows=rows, seed=seed, location=location, replace=False
        )
    except FileExistsError:
        manifest = complete(entry)
        if manifest is None:
            raise
    return entry, with_value_digests(entry, manifest, tables)


def with_value_digests(entry: Path, manifest: Manifest, tables: Sequence[TableSpec]) -> Manifest:
    """``manifest`` with the value digest of every table, computed once per entry.

    The digest draws the table's rows again and sorts their text: at a million rows that
    costs seconds and hundreds of MiB, which ``generate`` (and its benchmark) does not
    pay. The first run that uses an entry asks each table's kind for it
    (``TableKind.value_digest``) and writes the digests into the entry's
    ``manifest.json``; every later cache hit reads them back. A table with no rows of its
    own (a zoo view or resource link) keeps ``None``: its kind answers that again without
    drawing anything, and the manifest is not rewritten for it.
    """
    from datagen.kinds import kind_for

    specs = {spec.key: spec for spec in tables}
    missing = [t for t in manifest.tables if t.value_digest is None and t.key in specs]
    if not missing:
        return manifest
    digests = {}
    for table in missing:
        spec = specs[table.key]
        value_digest = kind_for(spec.kind).value_digest(manifest, table, spec)
        if value_digest is not None:
            digests[table.key] = value_digest
    if not digests:
        return manifest
    digested = replace(
        manifest,
        tables=[
            replace(t, value_digest=digests[t.key]) if t.key in digests else t
            for t in manifest.tables
        ],
    )
    temporary = entry / f".{MANIFEST_NAME}.{secrets.token_hex(4)}"
    try:
        digested.write(temporary)
        os.replace(temporary, entry / MANIFEST_NAME)
    except OSError:
        temporary.unlink(missing_ok=True)  # only a speed-up: the next run computes them again
    return digested
