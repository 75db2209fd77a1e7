"""The volume family's names, IAM policies and Glue definitions (pure functions).

Everything here is a function of the configuration (``datagen.volume.VolumePlan``) and
the stack's names, so ``pulumi preview`` shows the job, its role and the tables with
their partitions and row counts before any run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from components import glue_spelling, naming
from datagen import volume
from datagen.kinds import kind_for
from datagen.kinds.base import GlueTable

SCRIPT = Path(volume.__file__).with_name("volume_job.py")
"""The Glue job's script (PySpark only), uploaded as it is."""
SCRIPT_KEY = "volume/job/volume_job.py"
GLUE_VERSION = "5.0"
"""Spark 3.5, Python 3.11."""
DEFAULT_ARGUMENTS = {
    # Glue puts its Iceberg jars on the classpath; the script configures the catalog.
    "--datalake-formats": "iceberg",
    "--job-language": "python",
}
TABLE_PARAMETERS = {"migration_readiness": "ready"}
"""What every table of the stack carries (the core catalog's parameter)."""


def job_name(env: str) -> str:
    """The Glue job (one per stack: the name carries ``<env>``)."""
    return f"aws2openstack-{naming.resource_slug(env)}-volume"


def role_name(env: str) -> str:
    """The job's IAM role: IAM is global, so the name carries ``<env>``; at most 61 of
    IAM's 64 characters (the job's name too: jobs and roles do not share names)."""
    return f"aws2openstack-{naming.resource_slug(env)}-volume"


def database_name(env: str) -> str:
    return naming.database_name(env, volume.ROLE)


def script_hash() -> str:
    """SHA-256 of the script's bytes: a new script makes a new run."""
    return hashlib.sha256(SCRIPT.read_bytes()).hexdigest()


def trust_policy(account_id: str | None) -> str:
    """Glue may assume the role, for this account's jobs only (when the account is known)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": "glue.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    if account_id:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def job_policy(bucket: str, region: str, account_id: str | None, kms_encrypted: bool) -> str:
    """Least privilege of the job: read its script, own its output prefix, write its logs.

    The output prefix (``volume/data/``) is the only place it writes or deletes; it may
    list the bucket only below that prefix. Glue writes the driver's and executors' logs
    to the ``/aws-glue/`` log groups. With SSE-KMS the bucket's key is used through S3
    only (``kms:ViaService``).
    """
    output = volume.layout(bucket).output
    _, prefix = output[len("s3://") :].split("/", 1)
    statements: list[dict[str, Any]] = [
        {
            "Sid": "ReadScript",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{bucket}/{SCRIPT_KEY}"],
        },
        {
            "Sid": "WriteOutput",
            "Effect": "Allow",
            "Action": [
                "s3:AbortMultipartUpload",
                "s3:DeleteObject",
                "s3:GetObject",
                "s3:PutObject",
            ],
            "Resource": [f"arn:aws:s3:::{bucket}/{prefix}*"],
        },
        {
            "Sid": "ListOutput",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{bucket}"],
            "Condition": {"StringLike": {"s3:prefix": [prefix.rstrip("/"), f"{prefix}*"]}},
        },
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"arn:aws:logs:{region}:{account_id or '*'}:log-group:/aws-glue/*"],
        },
    ]
    if kms_encrypted:
        statements.append(
            {
                "Sid": "BucketKey",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": ["*"],
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def _columns(names_types: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"name": name, "type": glue_type} for name, glue_type in names_types]


def parquet_table(plan: volume.VolumePlan, layout: volume.Layout) -> GlueTable:
    """``events``: Hive-style Parquet with one registered partition per day."""
    kind = kind_for("parquet")
    columns = _columns(volume.COLUMNS)
    key, key_type = volume.PARTITION_KEY
    partitions = [
        {
            "Values": [day],
            "StorageDescriptor": glue_spelling.to_api(
                kind.storage_descriptor(layout.day_location(day), columns)
            ),
            "Parameters": kind.partition_parameters(),
        }
        for day in plan.day_values
    ]
    return GlueTable(
        table_input={
            "Name": volume.PARQUET_TABLE,
            "Description": "Events written by the volume Glue job, partitioned by day.",
            "TableType": "EXTERNAL_TABLE",
            # A Hive-style kind's table parameters: EXTERNAL and its classification.
            "Parameters": TABLE_PARAMETERS | {"EXTERNAL": "TRUE"} | kind.partition_parameters(),
            "PartitionKeys": [{"Name": key, "Type": key_type}],
            "StorageDescriptor": glue_spelling.to_api(
                kind.storage_descriptor(layout.parquet_location, columns)
            ),
        },
        partitions=partitions,
    )


def iceberg_table(layout: volume.Layout) -> GlueTable:
    """``events_iceberg``: the job's Iceberg v2 table, registered by its metadata file."""
    columns = _columns((*volume.COLUMNS, volume.PARTITION_KEY))
    return GlueTable(
        table_input={
            "Name": volume.ICEBERG_TABLE,
            "Description": "Events written by the volume Glue job, an Iceberg v2 table.",
            "TableType": "EXTERNAL_TABLE",
            "Parameters": TABLE_PARAMETERS
            | {"table_type": "ICEBERG", "metadata_location": layout.iceberg_metadata_location},
            "StorageDescriptor": glue_spelling.to_api(
                kind_for("iceberg").storage_descriptor(layout.iceberg_location, columns)
            ),
        }
    )


def glue_tables(plan: volume.VolumePlan, layout: volume.Layout) -> dict[str, GlueTable]:
    return {
        volume.PARQUET_TABLE: parquet_table(plan, layout),
        volume.ICEBERG_TABLE: iceberg_table(layout),
    }


def run_endpoints(endpoints: Any) -> dict[str, str] | None:
    """The Glue and S3 URLs of ``aws:endpoints`` (an emulator stack), for the run's boto3."""
    found: dict[str, str] = {}
    for entry in endpoints or []:
        if isinstance(entry, dict):
            found |= {k: str(v) for k, v in entry.items() if k in ("glue", "s3") and v}
    return found or None
