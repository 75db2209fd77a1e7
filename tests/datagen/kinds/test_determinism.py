"""Two runs write byte-identical zoo files, also in another process under another TZ."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.datagen.kinds import zoo_kinds as zoo
from tests.datagen.kinds.conftest import ROWS, SEED

ROOT = Path(__file__).resolve().parents[3]
LOCATION = "s3://determinism-bucket"


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("name", sorted(zoo.KINDS))
def test_two_runs_write_identical_bytes(tmp_path, name):
    """Writing a kind twice with the same rows, seed and location gives the same files,
    byte for byte, and the same record of them."""
    module = zoo.kind(name)
    prefix = f"zoo/{module.TABLE}"
    first = module.write(tmp_path / "a", prefix, ROWS, SEED, LOCATION)
    second = module.write(tmp_path / "b", prefix, ROWS, SEED, LOCATION)
    assert digests(tmp_path / "a") == digests(tmp_path / "b"), name
    assert first == second, name


def test_another_seed_writes_other_bytes(tmp_path):
    """The seed reaches the files: seed 43 gives other data files than seed 42."""
    zoo.write_all(tmp_path / "a", ROWS, SEED, LOCATION)
    zoo.write_all(tmp_path / "b", ROWS, SEED + 1, LOCATION)
    a, b = digests(tmp_path / "a"), digests(tmp_path / "b")
    same = sorted(key for key in a if a.get(key) == b.get(key))
    assert not [k for k in same if "/metadata/" not in k], same


def test_a_process_in_tokyo_writes_the_same_bytes(tmp_path):
    """A separate process under TZ=Asia/Tokyo and another hash seed writes every kind
    byte-identically to this process (no clock, time zone or hash order leaks in)."""
    zoo.write_all(tmp_path / "here", ROWS, SEED, LOCATION)
    env = {**os.environ, "TZ": "Asia/Tokyo", "PYTHONHASHSEED": "4242", "PYTHONPATH": str(ROOT)}
    code = (
        "import sys, pathlib; from tests.datagen.kinds import zoo_kinds as zoo; "
        "zoo.write_all(pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "tokyo"), str(ROWS), str(SEED), LOCATION],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    here, tokyo = digests(tmp_path / "here"), digests(tmp_path / "tokyo")
    assert sorted(here) == sorted(tokyo)
    assert [k for k in here if here[k] != tokyo[k]] == []
