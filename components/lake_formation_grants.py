"""The stack's part of Lake Formation: its bucket registered in hybrid access mode, and
the analyst's permissions on a database and a table.

Declared only when the deploying principal is a data lake administrator (the family checks
with ``GetDataLakeSettings`` first). Nothing here writes the account's data lake settings,
and hybrid access mode keeps ``IAMAllowedPrincipals`` working: whoever reaches the data
through IAM today still does (docs/account.md, "Lake Formation in a shared account").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.account_plan import AccountPlan


@dataclass
class LakeFormationGrantsArgs:
    plan: AccountPlan
    role_arn: pulumi.Input[str]
    """The role Lake Formation reads the registered location with."""
    role_grants: Sequence[pulumi.Resource]
    principal_arn: pulumi.Input[str]
    """Who the permissions are granted to: the analyst role."""
    databases: Mapping[str, pulumi.Input[str]]
    tables: Mapping[str, pulumi.Input[str]]
    """``<database>.<table>`` -> the catalog table resource's name."""


class LakeFormationGrants(pulumi.ComponentResource):
    def __init__(
        self, name: str, args: LakeFormationGrantsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aws2openstack:testenv:LakeFormationGrants", name, None, opts)
        plan = args.plan
        self.location = aws.lakeformation.Resource(
            f"{name}-location",
            arn=plan.lake_formation_location,
            role_arn=args.role_arn,
            hybrid_access_enabled=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.role_grants)),
        )
        for target, permissions in plan.lake_formation_grants:
            database, _, table = target.partition(".")
            resource = (
                {"table": {"database_name": args.databases[database], "name": args.tables[target]}}
                if table
                else {"database": {"name": args.databases[database]}}
            )
            aws.lakeformation.Permissions(
                # <env>_analytics.sales_data -> account-lakeformation-analytics-sales_data
                f"{name}-{target.removeprefix(plan.env + '_').replace('.', '-')}",
                principal=args.principal_arn,
                permissions=list(permissions),
                **resource,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.location_arn = self.location.arn
        self.register_outputs({"location_arn": self.location_arn})
