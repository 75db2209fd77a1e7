"""A zoo written once per session (the tests only read it) and the table definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.datagen.kinds import zoo_kinds as zoo

ROWS = 23
SEED = 42
BUCKET = "zoo-bucket"
DATABASE = "test_zoo"


@pytest.fixture(scope="session")
def zoo_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("zoo")


@pytest.fixture(scope="session")
def written(zoo_root) -> dict[str, zoo.Written]:
    """Every kind written under ``zoo_root`` with files recorded under their local URI."""
    return zoo.write_all(zoo_root, ROWS, SEED, zoo_root.as_uri())
