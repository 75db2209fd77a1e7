"""The target lakehouse a migration moves into: MinIO, Iceberg's REST catalog, a Hive
Metastore and Trino as containers of the stack (``components.target_lakehouse``), with
config ``target: true`` (docs/target.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi

from components.target_lakehouse import TargetLakehouse, TargetLakehouseArgs
from families.base import Family, Stack
from families.target.truth import section

if TYPE_CHECKING:
    from components.config import StackConfig
    from components.local_database import LocalDatabase


class Target(Family):
    name = "target"

    def enabled(self, cfg: StackConfig) -> bool:
        return cfg.target is not None

    def declare(self, stack: Stack) -> TargetLakehouse:
        settings = stack.cfg.target
        database: LocalDatabase | None = stack.components.get("database")
        if settings is None or database is None or database.network_name is None:
            raise ValueError("the target is declared only when target and database are on")
        return TargetLakehouse(
            "target",
            TargetLakehouseArgs(
                env=stack.cfg.env,
                port_base=settings.port_base,
                network_name=database.network_name,
                database_admin_url=database.database_url,
                database_user=database.user,
                database_password=database.password,
                metastore_database=settings.metastore_database,
            ),
        )

    def truth(self, stack: Stack) -> Mapping[str, Any]:
        settings = stack.cfg.target
        assert settings is not None
        return section(settings.port_base, settings.metastore_database)

    def outputs(self, stack: Stack, component: Any) -> Mapping[str, Any]:
        target: TargetLakehouse = component
        return {
            "TARGET_S3_ENDPOINT": target.endpoints["s3"],
            "TARGET_ICEBERG_REST_URI": target.endpoints["iceberg_rest"],
            "TARGET_METASTORE_URI": target.endpoints["metastore"],
            "TARGET_TRINO_URI": target.endpoints["trino"],
            "TARGET_CONTAINERS": pulumi.Output.all(*target.containers).apply(",".join),
            "TARGET_IMAGE_DIGESTS": target.image_digests.apply(
                lambda d: json.dumps(d, sort_keys=True)
            ),
            "TARGET_S3_ACCESS_KEY": target.access_key,
            "TARGET_S3_SECRET_KEY": target.secret_key,
        }


FAMILY = Target()
