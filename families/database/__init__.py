"""The local PostgreSQL, migrated to Alembic head during ``up`` (``family.py``)."""
