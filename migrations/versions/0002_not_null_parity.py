"""NOT NULL on the 19 columns that aws2openstack's own schema requires.

aws2openstack's initial migration (revision ``24d8e3b192ac``) declares these columns
NOT NULL; ``0001_initial`` left them nullable, so a tool bug that writes NULL there
would pass against this database and fail in production.

A database that already holds rows with NULL in any of them is not changed: the
revision stops before its first ``ALTER`` with an error that lists every such column
with its count of NULL rows and the statements that fix them (give the rows a value, or
delete them). Nothing is guessed or filled in on the user's behalf: which value is right
for an old row is a decision about that data. ``downgrade`` makes the columns nullable
again, which is exactly the schema of ``0001_initial``.

Revision ID: 0002_not_null_parity
Revises: 0001_initial
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_not_null_parity"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> the columns made NOT NULL, with their types as 0001_initial created them.
REQUIRED: dict[str, dict[str, sa.types.TypeEngine]] = {
    "transformation_results": {
        "terraform_output_path": sa.Text(),
        "target_catalog_type": sa.String(50),
        "status": sa.String(20),
    },
    "migration_jobs": {
        "resource_type": sa.String(50),
        "resource_id": sa.Uuid(),
        "job_type": sa.String(50),
        "status": sa.String(20),
    },
    "validation_results": {
        "validation_type": sa.String(50),
        "status": sa.String(20),
    },
    "glue_databases": {
        "database_name": sa.String(255),
    },
    "glue_tables": {
        "table_name": sa.String(255),
        "table_format": sa.String(50),
        "storage_location": sa.Text(),
        "column_count": sa.Integer(),
        "is_iceberg": sa.Boolean(),
        "migration_readiness": sa.String(20),
    },
    "iam_roles": {
        "role_name": sa.String(255),
        "role_arn": sa.Text(),
    },
    "vpc_resources": {
        "vpc_id": sa.String(50),
    },
}


class NullsInRequiredColumns(RuntimeError):
    """Existing rows hold NULL in columns this revision makes NOT NULL."""


def null_counts(connection: sa.Connection) -> dict[tuple[str, str], int]:
    """``(table, column) -> rows with NULL there``, for every column that has any."""
    found: dict[tuple[str, str], int] = {}
    for table, columns in REQUIRED.items():
        counts = ", ".join(f'count(*) FILTER (WHERE "{column}" IS NULL)' for column in columns)
        row = connection.execute(sa.text(f'SELECT {counts} FROM "{table}"')).one()
        for column, count in zip(columns, row, strict=True):
            if count:
                found[(table, column)] = count
    return found


def describe_nulls(found: dict[tuple[str, str], int]) -> str:
    lines = [
        f"{table}.{column}: {count} row(s) with NULL" for (table, column), count in found.items()
    ]
    fixes = [
        f"UPDATE {table} SET {column} = <value> WHERE {column} IS NULL;" for table, column in found
    ]
    return (
        "cannot make aws2openstack's required columns NOT NULL: existing rows hold NULL in "
        + "; ".join(lines)
        + '. Fix: give those rows a value or delete them (psql "$DATABASE_URL", then e.g. '
        + " ".join(fixes)
        + "), then run pulumi up again"
    )


def upgrade() -> None:
    if not op.get_context().as_sql:
        # Offline (--sql) there are no rows to look at; online, refuse before any change.
        found = null_counts(op.get_bind())
        if found:
            raise NullsInRequiredColumns(describe_nulls(found))
    for table, columns in REQUIRED.items():
        for column, type_ in columns.items():
            op.alter_column(table, column, existing_type=type_, nullable=False)


def downgrade() -> None:
    for table, columns in reversed(REQUIRED.items()):
        for column, type_ in columns.items():
            op.alter_column(table, column, existing_type=type_, nullable=True)
