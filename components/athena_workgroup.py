"""The analyst's Athena workgroup and its saved queries.

The workgroup enforces its settings on every query run in it: results go encrypted to the
stack's bucket (where the lifecycle rule expires them), and a query is cancelled past
``BYTES_SCANNED_CUTOFF``. A workgroup and saved queries cost nothing; a query costs what it
scans ($5 per TB, at least 10 MB).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.account_plan import ATHENA_ENGINE, BYTES_SCANNED_CUTOFF, AccountPlan

RESULT_ENCRYPTION = "SSE_S3"


@dataclass
class AthenaWorkgroupArgs:
    plan: AccountPlan
    databases: Mapping[str, pulumi.Input[str]]
    """Database name -> the catalog resource's name, each query's context."""


class AthenaWorkgroup(pulumi.ComponentResource):
    workgroup_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: AthenaWorkgroupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aws2openstack:testenv:AthenaWorkgroup", name, None, opts)
        plan = args.plan
        workgroup = aws.athena.Workgroup(
            f"{name}-workgroup",
            name=plan.workgroup.name,
            description=plan.workgroup.description,
            state="ENABLED",
            configuration={
                "enforce_workgroup_configuration": True,
                "publish_cloudwatch_metrics_enabled": True,
                "bytes_scanned_cutoff_per_query": BYTES_SCANNED_CUTOFF,
                "engine_version": {"selected_engine_version": ATHENA_ENGINE},
                "result_configuration": {
                    "output_location": plan.results_location,
                    "encryption_configuration": {"encryption_option": RESULT_ENCRYPTION},
                },
            },
            # Deleting the workgroup deletes its query history too: it is the stack's own.
            force_destroy=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        for query in plan.queries:
            aws.athena.NamedQuery(
                f"{name}-query-{query.key}",
                name=query.name,
                description=query.description,
                workgroup=workgroup.name,
                database=args.databases[query.database],
                query=query.query,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.workgroup_name = workgroup.name
        self.register_outputs({"workgroup_name": self.workgroup_name})
