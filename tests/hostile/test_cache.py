"""A tampered or corrupted cache entry is never uploaded: it is detected and regenerated."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from datagen import cache
from datagen.catalog import ACCESS_LOGS
from datagen.manifest import MANIFEST_NAME
from tests.hostile.helpers import (
    COMMAND_TIMEOUT,
    HOLD_GENERATION,
    backdate,
    wait_for_staging,
)

LOCATION = "s3://hostile-cache-bucket"
INPUTS = {"tables": [ACCESS_LOGS], "rows": 30, "seed": 7, "location": LOCATION}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _every_file_matches(folder: Path, manifest) -> None:
    root = os.path.realpath(folder)
    for file in manifest.files:
        path = folder / file.key
        assert not path.is_symlink(), file.key
        assert os.path.realpath(path).startswith(root + os.sep), file.key
        assert _digest(path) == file.sha256, file.key


def _tamper(folder: Path, change) -> None:
    document = json.loads((folder / MANIFEST_NAME).read_text())
    change(document["files"][0])
    (folder / MANIFEST_NAME).write_text(json.dumps(document))


def test_a_file_corrupted_in_place_is_regenerated(tmp_path):
    """One byte flipped in a cached file (same size) is caught by its digest and regenerated."""
    folder, manifest = cache.generate_cached(tmp_path, **INPUTS)
    victim = folder / manifest.files[0].key
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    again, repaired = cache.generate_cached(tmp_path, **INPUTS)
    assert repaired == manifest
    _every_file_matches(again, repaired)


def _outside_copy(tmp_path: Path, folder: Path, key: str) -> Path:
    """A file outside the cache with exactly the bytes the manifest lists for ``key``."""
    outside = tmp_path / "elsewhere" / "private.txt"
    outside.parent.mkdir()
    outside.write_bytes((folder / key).read_bytes())
    return outside


def test_a_manifest_key_climbing_out_of_the_entry_is_rejected(tmp_path):
    """A key like ../../../../<file> (right size and digest) makes the entry unusable."""
    cache_root = tmp_path / "cache"
    folder, manifest = cache.generate_cached(cache_root, **INPUTS)
    outside = _outside_copy(tmp_path, folder, manifest.files[0].key)
    climb = os.path.relpath(outside, folder)
    assert climb.startswith("..")
    _tamper(folder, lambda f: f.update(key=climb))
    again, checked = cache.generate_cached(cache_root, **INPUTS)
    assert all(f.key != climb for f in checked.files)
    assert checked == manifest
    _every_file_matches(again, checked)
    assert outside.read_bytes() == (again / manifest.files[0].key).read_bytes()


def test_an_absolute_manifest_key_is_rejected(tmp_path):
    """An absolute key (right size and digest) makes the entry unusable."""
    cache_root = tmp_path / "cache"
    folder, manifest = cache.generate_cached(cache_root, **INPUTS)
    outside = _outside_copy(tmp_path, folder, manifest.files[0].key)
    _tamper(folder, lambda f: f.update(key=str(outside)))
    again, checked = cache.generate_cached(cache_root, **INPUTS)
    assert checked == manifest
    _every_file_matches(again, checked)


def test_a_symlink_leaving_the_entry_is_rejected(tmp_path):
    """A cached file replaced by a link to an identical file outside: the entry is rebuilt."""
    cache_root = tmp_path / "cache"
    folder, manifest = cache.generate_cached(cache_root, **INPUTS)
    key = manifest.files[0].key
    outside = _outside_copy(tmp_path, folder, key)
    (folder / key).unlink()
    (folder / key).symlink_to(outside)
    again, checked = cache.generate_cached(cache_root, **INPUTS)
    assert checked == manifest
    _every_file_matches(again, checked)


def test_a_killed_fill_of_the_cache_is_cleaned_up_after_an_hour(tmp_path):
    """A cache fill killed mid-way leaves a staging folder that the next fill removes."""
    cache_root = tmp_path / "cache"
    cache_root.mkdir()
    script = HOLD_GENERATION + (
        "from datagen.cache import generate_cached; "
        "from datagen.catalog import TABLES; "
        "generate_cached(sys.argv[1], tables=TABLES, rows=400000, seed=1, location=None)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(cache_root)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        left = wait_for_staging(cache_root, process)
        process.kill()
        process.communicate(timeout=COMMAND_TIMEOUT)
    finally:
        process.kill()
    backdate(left, 2 * 3600)
    folder, _ = cache.generate_cached(cache_root, **INPUTS)
    assert sorted(p.name for p in cache_root.iterdir()) == [folder.name]


def test_a_file_corrupted_after_it_was_verified_is_caught(tmp_path, monkeypatch):
    """A verified stamp does not hide a later in-place change: the file is hashed again."""
    monkeypatch.setattr(cache, "RACY_NS", 0)  # stamp files just written, too
    folder, manifest = cache.generate_cached(tmp_path, **INPUTS)
    assert cache.complete(folder) == manifest  # verified: every file stamped
    victim = folder / manifest.files[0].key
    # The path under test: a stamp that would let the file through unhashed.
    assert manifest.files[0].key in cache._load_verified(folder)
    stamped = victim.stat().st_ctime_ns
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    deadline = time.monotonic() + 10
    # Written until its ctime moves: a write within the same clock tick would not show.
    while victim.stat().st_ctime_ns == stamped and time.monotonic() < deadline:
        victim.write_bytes(bytes(data))
    assert victim.stat().st_ctime_ns != stamped
    assert cache.complete(folder) is None
    again, repaired = cache.generate_cached(tmp_path, **INPUTS)
    _every_file_matches(again, repaired)


def test_unchanged_files_are_not_hashed_twice(tmp_path, monkeypatch):
    """Once verified, an entry whose files did not change is accepted without re-hashing."""
    monkeypatch.setattr(cache, "RACY_NS", 0)
    folder, manifest = cache.generate_cached(tmp_path, **INPUTS)
    assert cache.complete(folder) == manifest
    hashed: list[Path] = []
    real_digest = cache._digest
    monkeypatch.setattr(cache, "_digest", lambda path: hashed.append(path) or real_digest(path))
    assert cache.complete(folder) == manifest
    assert hashed == []
