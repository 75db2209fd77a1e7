"""The stack outputs, named so that ``pulumi stack output --shell`` is an env file.

Every name is a valid shell variable name; structured values (``TESTENV_TABLES``) come
out as JSON text. ``DATABASE_URL`` is a secret: ``--shell`` prints ``[secret]`` unless
``--show-secrets`` is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components import glue_shapes, naming
from datagen.catalog import roles
from datagen.manifest import Manifest

if TYPE_CHECKING:
    from components.config import StackConfig
    from components.local_database import LocalDatabase
    from components.synthetic_data import SyntheticData


def tables_output(
    cfg: StackConfig, bucket_name: str, manifest: Manifest
) -> dict[str, dict[str, Any]]:
    """``{database: {table: {format, location, rows, partitions}}}`` for every table."""
    out: dict[str, dict[str, Any]] = {}
    for spec in cfg.tables:
        table = manifest.table(spec.prefix)
        out.setdefault(naming.database_name(cfg.env, spec.role), {})[spec.name] = {
            "format": spec.format.value,
            "location": glue_shapes.table_location(bucket_name, spec),
            "rows": table.rows,
            "partitions": len(table.partitions),
        }
    return out


def emulator_endpoint(endpoints: Any) -> str | None:
    """The S3/Glue endpoint of a stack whose provider points at an emulator, else ``None``.

    Exported as ``AWS_ENDPOINT_URL`` (which boto3, the AWS CLI and the smoke suite
    honour), so the env file of an offline stack sends every client to the emulator.
    """
    for entry in endpoints or []:
        if isinstance(entry, dict):
            url = entry.get("s3") or entry.get("glue")
            if url:
                return str(url)
    return None


def stack_outputs(
    cfg: StackConfig,
    bucket_name: str,
    data: SyntheticData,
    database: LocalDatabase | None,
) -> dict[str, Any]:
    databases = [naming.database_name(cfg.env, role) for role in roles(cfg.tables)]
    outputs: dict[str, Any] = {
        "AWS_REGION": cfg.aws.region,
        "AWS_DEFAULT_REGION": cfg.aws.region,
        "TESTENV_STACK": cfg.stack,
        "TESTENV_ENV": cfg.env,
        "TESTENV_PROFILE": cfg.profile,
        "TESTENV_BUCKET": bucket_name,
        "TESTENV_GLUE_DATABASES": ",".join(databases),
        "TESTENV_TABLES": tables_output(cfg, bucket_name, data.manifest),
        "TESTENV_GROUND_TRUTH": data.ground_truth,
        "TESTENV_GROUND_TRUTH_URI": data.ground_truth_uri,
    }
    endpoint = emulator_endpoint(cfg.aws.provider_args.get("endpoints"))
    if endpoint:
        outputs["AWS_ENDPOINT_URL"] = endpoint
    if database is not None:
        outputs.update(
            {
                "DATABASE_URL": database.database_url,
                "POSTGRES_PORT": database.host_port,
                "POSTGRES_DB": database.database_name,
                "POSTGRES_CONTAINER": database.container_name,
                "PSQL_COMMAND": database.psql_command,
                "SCHEMA_REVISION": database.schema_revision,
            }
        )
    return outputs
