"""The table-kind registry: one kind per format, loud for unknown ones, cheap to import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from datagen.catalog import TABLES, ZOO_ROLE, ZOO_TABLES, Format
from datagen.kinds import CORE_KINDS, KIND_MODULES, ZOO_KINDS, kind_for
from datagen.kinds.base import TableKind

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("pyarrow.parquet", "pyarrow.orc", "pyarrow.csv", "pyarrow.compute", "pyiceberg", "faker")


def test_every_kind_is_a_table_kind_under_its_own_name():
    """Each registered name (core formats and zoo kinds alike) loads one TableKind of that
    name; the core kinds' formats are theirs, every zoo kind's is ``zoo``."""
    assert tuple(KIND_MODULES) == (*CORE_KINDS, *ZOO_KINDS)
    for name in KIND_MODULES:
        kind = kind_for(name)
        assert isinstance(kind, TableKind) and kind.name == name, name
    assert [kind_for(name).format.value for name in CORE_KINDS] == list(CORE_KINDS)
    assert {kind_for(name).format for name in ZOO_KINDS} == {Format.ZOO}


def test_every_declared_table_names_a_registered_kind():
    """The five core tables and the twenty zoo tables name kinds of the registry, and the
    zoo declares one table per zoo kind."""
    assert {spec.kind for spec in TABLES} <= set(CORE_KINDS)
    assert [spec.kind for spec in ZOO_TABLES] == list(ZOO_KINDS)
    assert all(spec.role == ZOO_ROLE for spec in ZOO_TABLES)


def test_an_unknown_kind_fails_naming_the_known_ones():
    """An unknown kind raises KeyError naming every kind that exists."""
    with pytest.raises(KeyError, match="no table kind 'avro'; the kinds are: parquet, orc, csv"):
        kind_for("avro")


def test_ground_truth_facts_of_each_kind():
    """Only the Iceberg kinds are reported as Iceberg."""
    assert [name for name in CORE_KINDS if kind_for(name).is_iceberg] == ["iceberg"]


def test_shaping_glue_definitions_imports_no_writer_or_reader_library():
    """Glue shapes and ground truth for every kind load no pyarrow writer, pyiceberg or Faker
    (what a cached `pulumi up` needs stays cheap)."""
    script = (
        "import json, sys\n"
        "from components import glue_shapes, ground_truth\n"
        "from datagen.catalog import TABLES\n"
        "from datagen.kinds import kind_for\n"
        "for spec in TABLES:\n"
        "    glue_shapes.columns(spec); kind_for(spec.kind).storage_descriptor('s3://b/', [])\n"
        "    kind_for(spec.kind).is_iceberg\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(done.stdout)
    assert [m for m in loaded if m.startswith(HEAVY)] == []
