"""The account around the tables (config ``account: true``, docs/account.md): the IAM
roles, network, Glue connection, crawlers, job, workflow and schema registry, the Athena
workgroup and its saved queries, and Lake Formation grants, all named from ``<env>``.

Three lookups decide the plan before anything is declared: the caller (``GetCallerIdentity``),
the region's availability zones, and whether the caller is a data lake administrator
(``GetDataLakeSettings``, read only: the stack never writes the account's settings). When
it is not, the Lake Formation part is left out with a warning that names the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws as aws

from components import naming
from components.account_plan import AccountPlan, account_plan
from components.account_resources import AccountResources, AccountResourcesArgs
from components.lake_formation_check import AdminCheck, admin_check
from families.account.truth import section
from families.base import Family, Stack

if TYPE_CHECKING:
    from components.config import StackConfig

SCRIPT = Path(__file__).resolve().parent / "sales_by_region.py"
"""The Glue job's PySpark script, uploaded as an object of the stack."""


def lake_formation_warning(check: AdminCheck) -> str:
    return (
        f"account: Lake Formation left out: {check.reason}. The stack never writes the "
        "account's data lake settings (a write replaces the administrator list whole). "
        f"Fix: ask an administrator of the account to add {check.principal} to the data lake "
        "administrators (Lake Formation console, Administrative roles and tasks), or deploy "
        "as one, then run pulumi up again."
    )


def _lake_formation_check(invoke: pulumi.InvokeOptions) -> AdminCheck:
    caller = aws.get_caller_identity(opts=invoke).arn
    try:
        settings = aws.lakeformation.get_data_lake_settings(opts=invoke)
    except Exception as err:  # AccessDenied and the like: what the provider says is all there is
        return admin_check(caller, [], error=str(err).strip().splitlines()[0])
    return admin_check(caller, settings.admins or [])


def _availability_zones(invoke: pulumi.InvokeOptions) -> list[str]:
    zones = aws.get_availability_zones(
        state="available",
        filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
        opts=invoke,
    )
    return list(zones.names)


class Account(Family):
    name = "account"

    def __init__(self) -> None:
        self._planned: tuple[Stack, AccountPlan] | None = None

    def enabled(self, cfg: StackConfig) -> bool:
        return cfg.account is not None

    def plan(self, stack: Stack) -> AccountPlan:
        """The stack's plan, looked up once: the ground truth and the resources share it."""
        if self._planned is not None and self._planned[0] is stack:
            return self._planned[1]
        settings = stack.cfg.account
        if settings is None or stack.account_id is None:
            raise ValueError("the account family needs account: true and the account id")
        invoke = pulumi.InvokeOptions(provider=stack.aws_provider)
        check = _lake_formation_check(invoke)
        if not check.is_admin:
            pulumi.log.warn(lake_formation_warning(check))
        plan = account_plan(
            env=stack.cfg.env,
            region=stack.cfg.aws.region,
            account_id=stack.account_id,
            bucket=stack.bucket_name,
            manifest=stack.manifest,
            settings=settings,
            availability_zones=_availability_zones(invoke),
            lake_formation=check,
            kms_key_id=stack.cfg.kms_key_id,
        )
        self._planned = (stack, plan)
        return plan

    def truth(self, stack: Stack) -> Mapping[str, Any]:
        return section(self.plan(stack))

    def declare(self, stack: Stack) -> AccountResources:
        env = stack.cfg.env
        databases = {
            naming.database_name(env, role): database.name
            for role, database in stack.catalog.databases.items()
        }
        tables = {
            f"{naming.database_name(env, spec.role)}.{spec.name}": stack.catalog.tables[
                spec.key
            ].name
            for spec in stack.tables
        }
        return AccountResources(
            "account",
            AccountResourcesArgs(
                plan=self.plan(stack),
                bucket_id=stack.bucket.bucket.id,
                bucket_ready=stack.bucket.ready,
                script=SCRIPT,
                databases=databases,
                tables=tables,
            ),
            opts=stack.aws_opts,
        )

    def outputs(self, stack: Stack, component: Any) -> Mapping[str, Any]:
        account: AccountResources = component
        return {
            "TESTENV_ACCOUNT_IDS": account.network_ids,
            "TESTENV_GLUE_ROLE_ARN": account.role_arns["glue"],
            "TESTENV_ANALYST_ROLE_ARN": account.role_arns["analyst"],
            "TESTENV_ATHENA_WORKGROUP": account.workgroup_name,
            "TESTENV_GLUE_JOB": account.job_name,
        }


FAMILY = Account()
