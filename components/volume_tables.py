"""The volume tables: made in the bucket by an AWS Glue Spark job of the stack.

One ``up`` declares the job's role and policy, its script (an object of the bucket), the
Glue 5.0 job (no schedule), one run of it (``components.volume_run``: started, waited
for within a bound, its truth read back), and the Glue database ``<env>_volume`` with
the two tables and the Parquet table's day partitions. The tables and partitions are
known before the run (``components.volume_shapes``); they are created after it, so no
engine sees a table whose files are not there yet, and destroyed before the run's
delete removes the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import glue_spelling, volume_shapes
from components.glue_workers import Workers
from components.volume_run import VolumeRun
from datagen import volume


@dataclass
class VolumeTablesArgs:
    env: str
    """The stack's ``<env>``: names the job, its role and the database."""
    bucket_name: str
    bucket_id: pulumi.Input[str]
    """The bucket resource's id (the script object's dependency on the bucket)."""
    plan: volume.VolumePlan
    """Rows, days, seed and Spark tasks of the run (``datagen.volume.plan_for``)."""
    workers: Workers
    timeout_minutes: int
    """The job's timeout, and how long the run resource waits for it."""
    region: str
    account_id: str | None
    kms_encrypted: bool
    """Whether the bucket encrypts with SSE-KMS (the role then needs the key via S3)."""
    aws_profile: str | None = None
    """``aws:profile``: the credentials the run's provider uses."""
    endpoints: dict[str, str] | None = None
    """Glue and S3 endpoints of an emulator stack, for the run's provider."""
    bucket_ready: pulumi.Resource | None = None
    """The script is written after this resource (the bucket's encryption)."""


class VolumeTables(pulumi.ComponentResource):
    """Role, script, job, run, database, tables and partitions of the volume family."""

    job_name: pulumi.Output[str]
    database_name: pulumi.Output[str]
    run_id: pulumi.Output[str]
    run_tables: pulumi.Output[dict[str, Any]]

    def __init__(
        self, name: str, args: VolumeTablesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aws2openstack:testenv:VolumeTables", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        layout = volume.layout(args.bucket_name)

        role = aws.iam.Role(
            f"{name}-role",
            name=volume_shapes.role_name(args.env),
            assume_role_policy=volume_shapes.trust_policy(args.account_id),
            description="The volume Glue job of an aws2openstack test environment",
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=volume_shapes.job_policy(
                args.bucket_name, args.region, args.account_id, args.kms_encrypted
            ),
            opts=child,
        )
        script = aws.s3.BucketObjectv2(
            f"{name}-script",
            bucket=args.bucket_id,
            key=volume_shapes.SCRIPT_KEY,
            source=pulumi.FileAsset(str(volume_shapes.SCRIPT)),
            content_type="text/x-python",
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[args.bucket_ready] if args.bucket_ready else []
            ),
        )
        job = aws.glue.Job(
            f"{name}-job",
            name=volume_shapes.job_name(args.env),
            description=f"Writes the volume tables of {volume_shapes.database_name(args.env)}",
            role_arn=role.arn,
            glue_version=volume_shapes.GLUE_VERSION,
            command=aws.glue.JobCommandArgs(
                name="glueetl",
                script_location=f"s3://{args.bucket_name}/{volume_shapes.SCRIPT_KEY}",
                python_version="3",
            ),
            worker_type=args.workers.type,
            number_of_workers=args.workers.count,
            timeout=args.timeout_minutes,
            max_retries=0,
            execution_property=aws.glue.JobExecutionPropertyArgs(max_concurrent_runs=1),
            default_arguments=volume_shapes.DEFAULT_ARGUMENTS,
            opts=child,
        )
        run = VolumeRun(
            f"{name}-run",
            {
                "job_name": job.name,
                "script_hash": volume_shapes.script_hash(),
                "arguments": args.plan.arguments(layout.output),
                "output": layout.output,
                "truth_location": layout.truth_location,
                "wait_seconds": args.timeout_minutes * 60,
                "region": args.region,
                "profile": args.aws_profile,
                "endpoints": args.endpoints,
            },
            # The role must hold its policy, and the script be in place, when the run starts.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, script, job]),
        )

        database = aws.glue.CatalogDatabase(
            f"{name}-database",
            name=volume_shapes.database_name(args.env),
            description=f"aws2openstack volume tables (a Glue job's) of {args.env}",
            location_uri=layout.output,
            opts=child,
        )
        after_run = pulumi.ResourceOptions(parent=self, depends_on=[run])
        for table_name, glue in volume_shapes.glue_tables(args.plan, layout).items():
            table = aws.glue.CatalogTable(
                f"{name}-{table_name}",
                database_name=database.name,
                **glue_spelling.table_args(glue.table_input, args.account_id),
                opts=after_run,
            )
            for partition in glue.partitions:
                aws.glue.Partition(
                    f"{name}-{table_name}-{volume.PARTITION_KEY[0]}={partition['Values'][0]}",
                    database_name=table.database_name,
                    table_name=table.name,
                    **glue_spelling.partition_args(partition),
                    opts=child,
                )

        self.job_name = job.name
        self.database_name = database.name
        self.run_id = run.run_id
        self.run_tables = run.tables
        self.register_outputs(
            {
                "job_name": self.job_name,
                "database_name": self.database_name,
                "run_id": self.run_id,
                "run_tables": self.run_tables,
            }
        )
