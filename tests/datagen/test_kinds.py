"""The table-kind registry: one kind per format, loud for unknown ones, cheap to import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from datagen.catalog import Format
from datagen.kinds import KIND_MODULES, kind_for
from datagen.kinds.base import TableKind

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pyarrow.parquet", "pyarrow.orc", "pyarrow.csv", "pyarrow.compute", "pyiceberg", "faker")


def test_every_format_has_exactly_one_kind():
    """Each Format names one module whose KIND is a TableKind of that format."""
    assert set(KIND_MODULES) == set(Format)
    for file_format in Format:
        kind = kind_for(file_format)
        assert isinstance(kind, TableKind) and kind.format is file_format
        assert kind_for(file_format.value) is kind


def test_an_unknown_kind_fails_naming_the_known_ones():
    """An unknown format raises KeyError naming every kind that exists."""
    with pytest.raises(KeyError, match="no table kind 'avro'; the kinds are: parquet, orc, csv"):
        kind_for("avro")


def test_ground_truth_facts_of_each_kind():
    """Only the Iceberg kind is reported as Iceberg."""
    assert [f for f in Format if kind_for(f).is_iceberg] == [Format.ICEBERG]


def test_shaping_glue_definitions_imports_no_writer_or_reader_library():
    """Glue shapes and ground truth for every kind load no pyarrow writer, pyiceberg or Faker
    (what a cached `pulumi up` needs stays cheap)."""
    script = (
        "import json, sys\n"
        "from components import glue_shapes, ground_truth\n"
        "from datagen.catalog import TABLES, Format\n"
        "from datagen.kinds import kind_for\n"
        "for spec in TABLES:\n"
        "    glue_shapes.columns(spec); kind_for(spec.format).storage_descriptor('s3://b/', [])\n"
        "    kind_for(spec.format).is_iceberg\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(done.stdout)
    assert [m for m in loaded if m.startswith(HEAVY)] == []
