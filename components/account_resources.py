"""The account around the tables (config ``account``): one component over the account
family's parts, each its own component (docs/account.md).

- ``AccountRoles``: the Glue role, the analyst role (and Lake Formation's data role);
- ``GlueNetwork``: VPC (or a shared one), two private subnets, security group, S3 endpoint;
- ``GlueWorkloads``: connection, classifier, crawlers, job script, job, workflow, trigger,
  schema registry and schema;
- ``AthenaWorkgroup``: the analyst's workgroup and saved queries;
- ``LakeFormationGrants``: the registered location and the analyst's permissions, only
  when the plan says the deploying principal is a data lake administrator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pulumi

from components.account_plan import AccountPlan
from components.account_roles import AccountRoles, AccountRolesArgs
from components.athena_workgroup import AthenaWorkgroup, AthenaWorkgroupArgs
from components.glue_network import GlueNetwork, GlueNetworkArgs
from components.glue_workloads import GlueWorkloads, GlueWorkloadsArgs
from components.lake_formation_grants import LakeFormationGrants, LakeFormationGrantsArgs


@dataclass
class AccountResourcesArgs:
    plan: AccountPlan
    """Every name, policy, target and query (``components.account_plan.account_plan``)."""
    bucket_id: pulumi.Input[str]
    bucket_ready: pulumi.Resource | None
    script: Path
    """The Glue job's PySpark script."""
    databases: Mapping[str, pulumi.Input[str]]
    """Glue database name -> the catalog resource's name."""
    tables: Mapping[str, pulumi.Input[str]]
    """``<database>.<table>`` -> the catalog table resource's name."""


class AccountResources(pulumi.ComponentResource):
    role_arns: pulumi.Output[dict[str, str]]
    network_ids: pulumi.Output[dict]
    workgroup_name: pulumi.Output[str]
    job_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: AccountResourcesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aws2openstack:testenv:AccountResources", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        plan = args.plan
        roles = AccountRoles(f"{name}-iam", AccountRolesArgs(roles=plan.roles), opts=child)
        network = GlueNetwork(f"{name}-network", GlueNetworkArgs(network=plan.network), opts=child)
        glue = GlueWorkloads(
            f"{name}-glue",
            GlueWorkloadsArgs(
                plan=plan,
                bucket_id=args.bucket_id,
                bucket_ready=args.bucket_ready,
                script=args.script,
                role_arn=roles.roles["glue"].arn,
                role_grants=roles.grants["glue"],
                subnet=network.subnets[0],
                security_group_id=network.security_group.id,
                databases=args.databases,
                tables=args.tables,
            ),
            opts=child,
        )
        athena = AthenaWorkgroup(
            f"{name}-athena", AthenaWorkgroupArgs(plan=plan, databases=args.databases), opts=child
        )
        if plan.lake_formation.is_admin:
            LakeFormationGrants(
                f"{name}-lakeformation",
                LakeFormationGrantsArgs(
                    plan=plan,
                    role_arn=roles.roles["lake_formation"].arn,
                    role_grants=roles.grants["lake_formation"],
                    principal_arn=roles.roles["analyst"].arn,
                    databases=args.databases,
                    tables=args.tables,
                ),
                opts=child,
            )
        self.role_arns = pulumi.Output.all(**roles.arns)
        self.network_ids = network.ids
        self.workgroup_name = athena.workgroup_name
        self.job_name = glue.job_name
        self.register_outputs(
            {
                "role_arns": self.role_arns,
                "network_ids": self.network_ids,
                "workgroup_name": self.workgroup_name,
                "job_name": self.job_name,
            }
        )
