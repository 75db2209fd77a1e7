"""Fixtures of the database tests: the project's migrations and editable copies of them.

The PostgreSQL server itself comes from ``tests/support/postgres.py`` (registered in
``tests/conftest.py``); each test that changes a schema takes ``fresh_database``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "migrations"


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    """A private copy of ``migrations/`` that a test may add revisions to."""
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy
