"""A cache of generated outputs, keyed by everything the bytes depend on.

The key covers the generator's own source, the versions of the libraries that write
the files, the table specs, rows, seed and location. An entry is a complete output
folder (``generate`` renames it into place whole), so two processes that fill the same
entry at once both finish: the first rename wins and the other copy is discarded.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
import shutil
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from datagen import staging
from datagen.catalog import TableSpec
from datagen.manifest import Manifest

PACKAGE_DIR = Path(__file__).resolve().parent
KEY_LIBRARIES = ("numpy", "pyarrow", "pyiceberg", "faker")


def code_version() -> str:
    """A hash of the generator's source files."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
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


def _inside(entry: Path, key: str) -> Path | None:
    """The file ``key`` names in ``entry``, or None if the key could leave the entry.

    A manifest is data read from disk: a key that is absolute, climbs out with ``..`` or
    passes through a symbolic link could make the stack upload any local file.
    """
    parts = key.split("/")
    if not key or key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        return None
    path = entry.joinpath(*parts)
    current = entry
    for part in parts:
        current = current / part
        if current.is_symlink():
            return None
    root = os.path.realpath(entry)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        return None
    return path


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def complete(entry: Path) -> Manifest | None:
    """The entry's manifest if the entry holds every file it lists, with its content.

    Every file's SHA-256 is compared with the manifest (a file corrupted in place keeps
    its size); a key that leaves the entry makes the whole entry unusable.
    """
    if not staging.is_marked(entry):
        return None
    try:
        manifest = Manifest.load(entry)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for file in manifest.files:
        path = _inside(entry, file.key)
        if path is None or not path.is_file() or path.stat().st_size != file.bytes:
            return None
        if _digest(path) != file.sha256:
            return None
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
    # The writers import pyarrow's writers and pyiceberg: a cache hit does not need them.
    from datagen.generate import check_location, generate

    root = Path(cache_root)
    staging.remove_stale(root)
    entry = root / cache_key(tables=tables, rows=rows, seed=seed, location=location)
    manifest = complete(entry)
    # Without a location the files record the entry's own path: a moved cache is stale.
    if manifest is not None and manifest.location == check_location(location, entry.absolute()):
        return entry, manifest
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
    return entry, manifest
