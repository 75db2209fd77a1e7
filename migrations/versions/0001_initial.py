"""The aws2openstack results schema: assessments and everything found or done for them.

Every id is a UUID defaulting to ``gen_random_uuid()`` (built in since PostgreSQL 13);
every timestamp is ``timestamptz``. Rows that belong to an assessment (directly, or
through a Glue database or a migration job) go when it is deleted (``ON DELETE CASCADE``).
A transformation result outlives the mapping template it used (``ON DELETE SET NULL``).
Constraint names come from the naming convention in ``env.py``.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_ARRAY = postgresql.ARRAY(sa.Text())
JSON = postgresql.JSON()
TIMESTAMPTZ = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()"))


def _created_at(name: str = "created_at") -> sa.Column:
    return sa.Column(name, TIMESTAMPTZ, server_default=sa.text("now()"))


def _owner(column: str, table: str, nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(
        column, sa.Uuid(), sa.ForeignKey(f"{table}.id", ondelete=ondelete), nullable=nullable
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


# Every table with its indexed column groups, in creation order (dropped in reverse).
TABLES: list[tuple[str, list[tuple[str, ...]]]] = [
    ("assessments", [("timestamp",), ("aws_account_id", "region")]),
    ("mapping_templates", [("source_service", "source_type")]),
    ("transformation_results", [("assessment_id",)]),
    ("migration_jobs", [("assessment_id",), ("status",), ("resource_type", "resource_id")]),
    ("validation_results", [("migration_job_id",), ("status",)]),
    ("glue_databases", [("assessment_id",), ("database_name",)]),
    (
        "glue_tables",
        [
            ("database_id",),
            ("assessment_id",),
            ("migration_readiness",),
            ("table_format",),
            ("table_name",),
        ],
    ),
    ("iam_roles", []),
    ("vpc_resources", []),
]


def upgrade() -> None:
    op.create_table(
        "assessments",
        _id(),
        sa.Column("timestamp", TIMESTAMPTZ, nullable=False),
        sa.Column("region", sa.String(50), nullable=False),
        sa.Column("aws_account_id", sa.String(12), nullable=False),
        sa.Column("tool_version", sa.String(20), nullable=False),
        sa.Column("services", TEXT_ARRAY, nullable=False),
        sa.Column("status", sa.String(20), server_default=sa.text("'completed'")),
        _created_at(),
    )
    op.create_table(
        "mapping_templates",
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("source_service", sa.String(50), nullable=False),
        sa.Column("source_type", sa.String(50), nullable=False),
        sa.Column("rules", JSON, nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1")),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true")),
        _created_at(),
    )
    op.create_table(
        "transformation_results",
        _id(),
        _owner("assessment_id", "assessments"),
        _owner("template_id", "mapping_templates", nullable=True, ondelete="SET NULL"),
        sa.Column("terraform_output_path", sa.Text()),
        sa.Column("target_catalog_type", sa.String(50)),
        sa.Column("status", sa.String(20)),
        sa.Column("metadata", JSON),
        _created_at(),
    )
    op.create_table(
        "migration_jobs",
        _id(),
        _owner("assessment_id", "assessments"),
        sa.Column("resource_type", sa.String(50)),
        sa.Column("resource_id", sa.Uuid()),
        sa.Column("job_type", sa.String(50)),
        sa.Column("aws_job_id", sa.String(255)),
        sa.Column("status", sa.String(20)),
        sa.Column("started_at", TIMESTAMPTZ),
        sa.Column("completed_at", TIMESTAMPTZ),
        sa.Column("bytes_copied", sa.BigInteger()),
        sa.Column("rows_copied", sa.BigInteger()),
        sa.Column("error_message", sa.Text()),
        sa.Column("metadata", JSON),
        sa.Column("sync_mode", sa.String(20)),
        sa.Column("last_sync_timestamp", TIMESTAMPTZ),
        sa.Column("validation_status", sa.String(20)),
        sa.Column("last_validated_at", TIMESTAMPTZ),
        sa.Column("validation_details", JSON),
    )
    op.create_table(
        "validation_results",
        _id(),
        _owner("migration_job_id", "migration_jobs"),
        sa.Column("validation_type", sa.String(50)),
        sa.Column("status", sa.String(20)),
        sa.Column("source_value", sa.Text()),
        sa.Column("target_value", sa.Text()),
        sa.Column("difference", sa.Text()),
        _created_at("validated_at"),
    )
    op.create_table(
        "glue_databases",
        _id(),
        _owner("assessment_id", "assessments"),
        sa.Column("database_name", sa.String(255)),
        sa.Column("description", sa.Text()),
        sa.Column("location_uri", sa.Text()),
        sa.Column("table_count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "glue_tables",
        _id(),
        _owner("database_id", "glue_databases"),
        _owner("assessment_id", "assessments"),
        sa.Column("table_name", sa.String(255)),
        sa.Column("table_format", sa.String(50)),
        sa.Column("storage_location", sa.Text()),
        sa.Column("estimated_size_gb", sa.Numeric(12, 2)),
        sa.Column("partition_keys", TEXT_ARRAY),
        sa.Column("column_count", sa.Integer()),
        sa.Column("last_updated", TIMESTAMPTZ),
        sa.Column("is_iceberg", sa.Boolean()),
        sa.Column("migration_readiness", sa.String(20)),
        sa.Column("notes", TEXT_ARRAY),
    )
    op.create_table(
        "iam_roles",
        _id(),
        _owner("assessment_id", "assessments"),
        sa.Column("role_name", sa.String(255)),
        sa.Column("role_arn", sa.Text()),
        sa.Column("policy_document", JSON),
        sa.Column("used_by_services", TEXT_ARRAY),
    )
    op.create_table(
        "vpc_resources",
        _id(),
        _owner("assessment_id", "assessments"),
        sa.Column("vpc_id", sa.String(50)),
        sa.Column("subnet_ids", TEXT_ARRAY),
        sa.Column("security_group_ids", TEXT_ARRAY),
        sa.Column("resource_type", sa.String(50)),
        sa.Column("metadata", JSON),
    )
    for table, groups in TABLES:
        for columns in groups:
            _index(table, *columns)


def downgrade() -> None:
    # Children before parents, so no foreign key is left pointing at a dropped table.
    for table, _ in reversed(TABLES):
        op.drop_table(table)
