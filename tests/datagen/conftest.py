"""Generated outputs shared by the datagen tests (generating them once keeps the suite fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from datagen.generate import generate
from datagen.manifest import Manifest

S3_LOCATION = "s3://test-bucket/data"


@pytest.fixture(scope="session")
def small_output(tmp_path_factory) -> tuple[Path, Manifest]:
    """The default output: all five tables, 1000 rows each, seed 42, recorded at itself."""
    out = tmp_path_factory.mktemp("small") / "out"
    return out, generate(out)


@pytest.fixture(scope="session")
def for_upload(tmp_path_factory) -> tuple[Path, Manifest]:
    """An output recorded under an S3 location, as the stack uploads it."""
    out = tmp_path_factory.mktemp("upload") / "out"
    return out, generate(out, rows=300, seed=7, location=S3_LOCATION)
