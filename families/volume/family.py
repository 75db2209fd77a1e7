"""Volume tables where they live: an AWS Glue Spark job of the stack writes ``events``
(Parquet, by day) and ``events_iceberg`` in the bucket, database ``<env>_volume``, with
config ``volumeGb`` above 0 (docs/volume.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi

from components import glue_workers, volume_shapes
from components.volume_tables import VolumeTables, VolumeTablesArgs
from datagen import volume
from families.base import Family, Stack
from families.volume.truth import section

if TYPE_CHECKING:
    from components.config import StackConfig, VolumeSettings


def _settings(stack: Stack) -> VolumeSettings:
    settings = stack.cfg.volume
    if settings is None:
        raise ValueError("the volume family is declared only when volumeGb is above 0")
    return settings


class Volume(Family):
    name = "volume"

    def enabled(self, cfg: StackConfig) -> bool:
        return cfg.volume is not None

    def declare(self, stack: Stack) -> VolumeTables:
        settings = _settings(stack)
        plan = volume.plan_for(settings.gb, stack.cfg.seed)
        expected = glue_workers.estimate(plan.rows, settings.workers)
        # Before anything is spent: preview shows it, as does up.
        pulumi.log.info(expected.describe(settings.gb, settings.workers))
        return VolumeTables(
            "volume",
            VolumeTablesArgs(
                env=stack.cfg.env,
                bucket_name=stack.bucket_name,
                bucket_id=stack.bucket.bucket.id,
                plan=plan,
                workers=settings.workers,
                timeout_minutes=glue_workers.timeout_minutes(expected),
                region=stack.cfg.aws.region,
                account_id=stack.account_id,
                kms_encrypted=stack.cfg.kms_key_id is not None,
                aws_profile=stack.cfg.aws.provider_args.get("profile"),
                endpoints=volume_shapes.run_endpoints(stack.cfg.aws.provider_args.get("endpoints")),
                bucket_ready=stack.bucket.ready,
            ),
            opts=stack.aws_opts,
        )

    def truth(self, stack: Stack) -> Mapping[str, Any]:
        settings = _settings(stack)
        plan = volume.plan_for(settings.gb, stack.cfg.seed)
        expected = glue_workers.estimate(plan.rows, settings.workers)
        return section(stack.cfg.env, stack.bucket_name, plan, settings.workers, expected)

    def outputs(self, stack: Stack, component: Any) -> Mapping[str, Any]:
        tables: VolumeTables = component
        return {
            "TESTENV_VOLUME_DATABASE": tables.database_name,
            "TESTENV_VOLUME_JOB": tables.job_name,
            "TESTENV_VOLUME_RUN_ID": tables.run_id,
            "TESTENV_VOLUME_RUN": tables.run_tables,
            "TESTENV_VOLUME_TRUTH_URI": volume.layout(stack.bucket_name).truth_location,
        }


FAMILY = Volume()
