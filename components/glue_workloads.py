"""What runs in Glue, declared but never started: a NETWORK connection, a classifier, two
crawlers, an ETL job in a workflow with an ON_DEMAND trigger, and a schema registry.

Nothing here has a schedule: a crawler or job costs only when someone starts it
(docs/account.md, "Cost"). Names, targets, arguments and the schema come from the plan
(``components.account_plan``); databases and tables are taken from the catalog's resources,
so a crawler is created after, and removed before, the tables it names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.account_plan import (
    GLUE_VERSION,
    JOB_TIMEOUT_MINUTES,
    JOB_WORKER_TYPE,
    JOB_WORKERS,
    SCRIPT_KEY,
    AccountPlan,
)

SCRIPT_CONTENT_TYPE = "text/x-python"
SCHEMA_COMPATIBILITY = "BACKWARD"


@dataclass
class GlueWorkloadsArgs:
    plan: AccountPlan
    bucket_id: pulumi.Input[str]
    """The data bucket, which holds the job's script."""
    bucket_ready: pulumi.Resource | None
    """The bucket's encryption: the script is written once it is in force."""
    script: Path
    """The job's PySpark script, uploaded to ``SCRIPT_KEY``."""
    role_arn: pulumi.Input[str]
    """The Glue role the crawlers and the job run as."""
    role_grants: Sequence[pulumi.Resource]
    """The role's policies: crawlers and the job depend on them."""
    subnet: aws.ec2.Subnet
    """The subnet the connection puts network interfaces in."""
    security_group_id: pulumi.Input[str]
    databases: Mapping[str, pulumi.Input[str]]
    """Database name -> the catalog resource's name (an Output: the order of create/destroy)."""
    tables: Mapping[str, pulumi.Input[str]]
    """``<database>.<table>`` -> the catalog table resource's name."""


class GlueWorkloads(pulumi.ComponentResource):
    def __init__(
        self, name: str, args: GlueWorkloadsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aws2openstack:testenv:GlueWorkloads", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        runs_as_role = pulumi.ResourceOptions(parent=self, depends_on=list(args.role_grants))
        plan = args.plan

        self.connection = aws.glue.Connection(
            f"{name}-connection",
            name=plan.connection.name,
            description=plan.connection.description,
            connection_type="NETWORK",
            # Subnet and group are inputs: the connection goes before them on destroy.
            physical_connection_requirements={
                "availability_zone": args.subnet.availability_zone,
                "security_group_id_lists": [args.security_group_id],
                "subnet_id": args.subnet.id,
            },
            opts=child,
        )
        classifier = aws.glue.Classifier(
            f"{name}-classifier",
            name=plan.classifier.name,
            csv_classifier={
                "delimiter": plan.classifier_delimiter,
                "contains_header": "ABSENT",
                "header": list(plan.classifier_header),
            },
            opts=child,
        )
        self.crawlers = []
        for crawler in plan.crawlers:
            self.crawlers.append(
                aws.glue.Crawler(
                    f"{name}-{crawler.key}-crawler",
                    name=crawler.name,
                    description=crawler.description,
                    role=args.role_arn,
                    database_name=args.databases[crawler.database],
                    s3_targets=[{"path": path} for path in crawler.s3_targets],
                    catalog_targets=[
                        {
                            "database_name": args.databases[database],
                            "tables": [args.tables[f"{database}.{t}"] for t in tables],
                        }
                        for database, tables in crawler.catalog_targets
                    ],
                    classifiers=[classifier.name] if crawler.classifiers else [],
                    table_prefix=crawler.table_prefix or None,
                    # A run only logs what it would change: the stack's tables stay its own.
                    schema_change_policy={"update_behavior": "LOG", "delete_behavior": "LOG"},
                    recrawl_policy={"recrawl_behavior": "CRAWL_EVERYTHING"},
                    opts=runs_as_role,
                )
            )

        script = aws.s3.BucketObjectv2(
            f"{name}-job-script",
            bucket=args.bucket_id,
            key=SCRIPT_KEY,
            source=pulumi.FileAsset(str(args.script)),
            content_type=SCRIPT_CONTENT_TYPE,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[args.bucket_ready] if args.bucket_ready else []
            ),
        )
        self.job = aws.glue.Job(
            f"{name}-job",
            name=plan.job.name,
            description=plan.job.description,
            role_arn=args.role_arn,
            glue_version=GLUE_VERSION,
            command={
                "name": "glueetl",
                "python_version": "3",
                "script_location": pulumi.Output.concat("s3://", script.bucket, "/", script.key),
            },
            default_arguments=plan.job_arguments,
            connections=[self.connection.name],
            worker_type=JOB_WORKER_TYPE,
            number_of_workers=JOB_WORKERS,
            timeout=JOB_TIMEOUT_MINUTES,
            max_retries=0,
            execution_property={"max_concurrent_runs": 1},
            opts=runs_as_role,
        )
        workflow = aws.glue.Workflow(
            f"{name}-workflow",
            name=plan.workflow.name,
            description=plan.workflow.description,
            max_concurrent_runs=1,
            opts=child,
        )
        aws.glue.Trigger(
            f"{name}-trigger",
            name=plan.trigger.name,
            description=plan.trigger.description,
            type="ON_DEMAND",
            workflow_name=workflow.name,
            actions=[{"job_name": self.job.name}],
            opts=child,
        )
        registry = aws.glue.Registry(
            f"{name}-registry",
            registry_name=plan.registry.name,
            description=plan.registry.description,
            opts=child,
        )
        aws.glue.Schema(
            f"{name}-schema",
            schema_name=plan.schema.name,
            description=plan.schema.description,
            registry_arn=registry.arn,
            data_format="AVRO",
            compatibility=SCHEMA_COMPATIBILITY,
            schema_definition=plan.schema_definition,
            opts=child,
        )
        self.job_name = self.job.name
        self.register_outputs({"job_name": self.job_name})
