"""A cache of generated outputs, keyed by everything the bytes depend on.

The key covers the generator's own source, the versions of the libraries that write
the files, the table specs, rows, seed and location. An entry is a complete output
folder (``generate`` renames it into place whole), so two processes that fill the same
entry at once both finish: the first rename wins and the other copy is discarded.
"""

from __future__ import annotations

import hashlib
import json
import platform
import secrets
import shutil
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from datagen.catalog import TableSpec
from datagen.manifest import Manifest

PACKAGE_DIR = Path(__file__).resolve().parent
# The zoo's modules (``zoo/``) write the zoo tables' bytes: their source is keyed too.
ZOO_DIR = PACKAGE_DIR.parent / "zoo"
KEY_LIBRARIES = ("numpy", "pyarrow", "pyiceberg", "faker", "fastavro", "deltalake")


def code_version() -> str:
    """A hash of the generator's source files (the table kinds' and the zoo's included)."""
    digest = hashlib.sha256()
    for folder in (PACKAGE_DIR, ZOO_DIR):
        for path in sorted(folder.rglob("*.py")):
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
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


def complete(entry: Path) -> Manifest | None:
    """The entry's manifest if the entry holds every file it lists, at its size."""
    try:
        manifest = Manifest.load(entry)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for file in manifest.files:
        path = entry / file.key
        if not path.is_file() or path.stat().st_size != file.bytes:
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
    # The kinds' writers import pyarrow's writers and pyiceberg: a cache hit needs neither.
    from datagen.generate import check_location, generate

    root = Path(cache_root)
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
