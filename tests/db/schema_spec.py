"""The schema at Alembic head (what aws2openstack persists, PostgreSQL 15, as its own
migration `24d8e3b192ac` creates it, nullability included), written out as data.

This is the independent statement the migrated database is compared with: types as
PostgreSQL reports them through SQLAlchemy's inspector, nullability, server defaults,
indexes and foreign keys (with their ``ON DELETE`` rule). The tables and columns are
those of the design's "Schema the migrations create"; nullability follows aws2openstack's
own initial migration (revision ``24d8e3b192ac``), which declares the columns listed in
``NOT_NULL_SINCE_0002`` NOT NULL (``0002_not_null_parity`` made them so here).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Col:
    type: str
    nullable: bool = True
    default: str | None = None


@dataclass(frozen=True)
class Table:
    columns: dict[str, Col]
    indexes: set[tuple[str, ...]] = field(default_factory=set)
    foreign_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    """column -> (referred table, ON DELETE rule)"""


UUID = "UUID"
TSTZ = "TIMESTAMP WITH TIME ZONE"
TEXT = "TEXT"
TEXT_ARRAY = "TEXT[]"
JSON = "JSON"

ID = Col(UUID, nullable=False, default="gen_random_uuid()")
CREATED_AT = Col(TSTZ, default="now()")
OWNER = Col(UUID, nullable=False)
CASCADE = "CASCADE"


def varchar(length: int, **kw) -> Col:
    return Col(f"VARCHAR({length})", **kw)


SCHEMA: dict[str, Table] = {
    "assessments": Table(
        columns={
            "id": ID,
            "timestamp": Col(TSTZ, nullable=False),
            "region": varchar(50, nullable=False),
            "aws_account_id": varchar(12, nullable=False),
            "tool_version": varchar(20, nullable=False),
            "services": Col(TEXT_ARRAY, nullable=False),
            "status": varchar(20, default="'completed'::character varying"),
            "created_at": CREATED_AT,
        },
        indexes={("timestamp",), ("aws_account_id", "region")},
    ),
    "mapping_templates": Table(
        columns={
            "id": ID,
            "name": varchar(100, nullable=False),
            "source_service": varchar(50, nullable=False),
            "source_type": varchar(50, nullable=False),
            "rules": Col(JSON, nullable=False),
            "version": Col("INTEGER", default="1"),
            "is_active": Col("BOOLEAN", default="true"),
            "created_at": CREATED_AT,
        },
        indexes={("source_service", "source_type")},
    ),
    "transformation_results": Table(
        columns={
            "id": ID,
            "assessment_id": OWNER,
            "template_id": Col(UUID),
            "terraform_output_path": Col(TEXT, nullable=False),
            "target_catalog_type": varchar(50, nullable=False),
            "status": varchar(20, nullable=False),
            "metadata": Col(JSON),
            "created_at": CREATED_AT,
        },
        indexes={("assessment_id",)},
        foreign_keys={
            "assessment_id": ("assessments", CASCADE),
            "template_id": ("mapping_templates", "SET NULL"),
        },
    ),
    "migration_jobs": Table(
        columns={
            "id": ID,
            "assessment_id": OWNER,
            "resource_type": varchar(50, nullable=False),
            "resource_id": Col(UUID, nullable=False),
            "job_type": varchar(50, nullable=False),
            "aws_job_id": varchar(255),
            "status": varchar(20, nullable=False),
            "started_at": Col(TSTZ),
            "completed_at": Col(TSTZ),
            "bytes_copied": Col("BIGINT"),
            "rows_copied": Col("BIGINT"),
            "error_message": Col(TEXT),
            "metadata": Col(JSON),
            "sync_mode": varchar(20),
            "last_sync_timestamp": Col(TSTZ),
            "validation_status": varchar(20),
            "last_validated_at": Col(TSTZ),
            "validation_details": Col(JSON),
        },
        indexes={("assessment_id",), ("status",), ("resource_type", "resource_id")},
        foreign_keys={"assessment_id": ("assessments", CASCADE)},
    ),
    "validation_results": Table(
        columns={
            "id": ID,
            "migration_job_id": OWNER,
            "validation_type": varchar(50, nullable=False),
            "status": varchar(20, nullable=False),
            "source_value": Col(TEXT),
            "target_value": Col(TEXT),
            "difference": Col(TEXT),
            "validated_at": Col(TSTZ, default="now()"),
        },
        indexes={("migration_job_id",), ("status",)},
        foreign_keys={"migration_job_id": ("migration_jobs", CASCADE)},
    ),
    "glue_databases": Table(
        columns={
            "id": ID,
            "assessment_id": OWNER,
            "database_name": varchar(255, nullable=False),
            "description": Col(TEXT),
            "location_uri": Col(TEXT),
            "table_count": Col("INTEGER", nullable=False),
        },
        indexes={("assessment_id",), ("database_name",)},
        foreign_keys={"assessment_id": ("assessments", CASCADE)},
    ),
    "glue_tables": Table(
        columns={
            "id": ID,
            "database_id": OWNER,
            "assessment_id": OWNER,
            "table_name": varchar(255, nullable=False),
            "table_format": varchar(50, nullable=False),
            "storage_location": Col(TEXT, nullable=False),
            "estimated_size_gb": Col("NUMERIC(12, 2)"),
            "partition_keys": Col(TEXT_ARRAY),
            "column_count": Col("INTEGER", nullable=False),
            "last_updated": Col(TSTZ),
            "is_iceberg": Col("BOOLEAN", nullable=False),
            "migration_readiness": varchar(20, nullable=False),
            "notes": Col(TEXT_ARRAY),
        },
        indexes={
            ("database_id",),
            ("assessment_id",),
            ("migration_readiness",),
            ("table_format",),
            ("table_name",),
        },
        foreign_keys={
            "database_id": ("glue_databases", CASCADE),
            "assessment_id": ("assessments", CASCADE),
        },
    ),
    "iam_roles": Table(
        columns={
            "id": ID,
            "assessment_id": OWNER,
            "role_name": varchar(255, nullable=False),
            "role_arn": Col(TEXT, nullable=False),
            "policy_document": Col(JSON),
            "used_by_services": Col(TEXT_ARRAY),
        },
        foreign_keys={"assessment_id": ("assessments", CASCADE)},
    ),
    "vpc_resources": Table(
        columns={
            "id": ID,
            "assessment_id": OWNER,
            "vpc_id": varchar(50, nullable=False),
            "subnet_ids": Col(TEXT_ARRAY),
            "security_group_ids": Col(TEXT_ARRAY),
            "resource_type": varchar(50),
            "metadata": Col(JSON),
        },
        foreign_keys={"assessment_id": ("assessments", CASCADE)},
    ),
}

# The 19 columns 0001_initial created nullable and 0002_not_null_parity made NOT NULL.
NOT_NULL_SINCE_0002: dict[str, tuple[str, ...]] = {
    "transformation_results": ("terraform_output_path", "target_catalog_type", "status"),
    "migration_jobs": ("resource_type", "resource_id", "job_type", "status"),
    "validation_results": ("validation_type", "status"),
    "glue_databases": ("database_name",),
    "glue_tables": (
        "table_name",
        "table_format",
        "storage_location",
        "column_count",
        "is_iceberg",
        "migration_readiness",
    ),
    "iam_roles": ("role_name", "role_arn"),
    "vpc_resources": ("vpc_id",),
}
