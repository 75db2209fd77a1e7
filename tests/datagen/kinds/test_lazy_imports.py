"""A cached run with the zoo shapes every zoo table from the manifest without importing
any writer: the zoo modules import their libraries only inside the functions that write
or read files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from datagen.catalog import ZOO_TABLES
from datagen.generate import generate
from datagen.kinds import kind_for
from datagen.manifest import Manifest
from families.zoo.truth import ground_truth_entry

ROOT = Path(__file__).resolve().parents[3]
DATABASE = "test_zoo"

# Every library a zoo module writes or reads files with, and what they pull in (pyiceberg
# brings sqlalchemy and pydantic, deltalake and pyiceberg bring pandas). None of them is
# imported by the core tables' cached path either, so each one here would be the zoo's.
WRITERS = (
    "fastavro",
    "deltalake",
    "pyiceberg",
    "pyarrow",
    "pyarrow.parquet",
    "pyarrow.csv",
    "numpy",
    "pandas",
    "sqlalchemy",
    "datagen.iceberg",
)

# What a cache hit does with each zoo table: the manifest from disk, the zoo's specs from
# ZOO_TABLES, each table's Glue definition, expected findings and ground-truth entry.
_CHILD = """
import json, sys
from pathlib import Path
from families.zoo.truth import ground_truth_entry
from datagen.catalog import ZOO_TABLES
from datagen.kinds import kind_for
from datagen.manifest import Manifest
manifest = Manifest.load(Path(sys.argv[1]))
shapes = {}
for spec in ZOO_TABLES:
    entry = manifest.table(spec.key)
    glue = kind_for(spec.kind).glue_table(manifest, entry, spec, sys.argv[2])
    shapes[spec.name] = {
        "table": glue.table_input,
        "partitions": glue.partitions,
        "expected": kind_for(spec.kind).expected(manifest, entry, spec),
        "truth": ground_truth_entry(manifest, entry, spec, sys.argv[2]),
    }
writers = [m for m in json.loads(sys.argv[3]) if m in sys.modules]
print(json.dumps({"writers": writers, "shapes": shapes}))
"""


@pytest.fixture(scope="module")
def manifest_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zoo-lazy") / "out"
    generate(out, tables=ZOO_TABLES, rows=7, seed=3, location="s3://zoo-lazy-bucket")
    return out


def test_shaping_the_zoo_from_a_manifest_imports_no_writer(manifest_dir):
    """A fresh process shapes all 20 zoo tables (Glue definition, partitions, expected
    findings, ground truth) from the manifest alone, equal to this process's shapes, with
    none of fastavro, deltalake, pyiceberg, pyarrow (parquet, csv), numpy, pandas or
    sqlalchemy imported."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(manifest_dir), DATABASE, json.dumps(WRITERS)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    child = json.loads(done.stdout)
    assert child["writers"] == []

    manifest = Manifest.load(manifest_dir)
    specs = ZOO_TABLES
    assert sorted(child["shapes"]) == sorted(spec.name for spec in specs)
    for spec in specs:
        entry = manifest.table(spec.key)
        glue = kind_for(spec.kind).glue_table(manifest, entry, spec, DATABASE)
        here = {
            "table": glue.table_input,
            "partitions": glue.partitions,
            "expected": kind_for(spec.kind).expected(manifest, entry, spec),
            "truth": ground_truth_entry(manifest, entry, spec, DATABASE),
        }
        assert child["shapes"][spec.name] == json.loads(json.dumps(here)), spec.name
