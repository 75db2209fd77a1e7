"""The account family's ground truth (pure): the ``account`` section, shaped from the plan.

Lists of names an inventory gathers from several places (``used_by``, a crawler's
``tables``, a query's ``reads``) are sorted; lists AWS keeps in order (targets, a header,
policy statements) keep it.

Per resource what an inventory of the account should find: names, ARNs where AWS's rule
makes them computable (ids that AWS draws, a VPC's or a subnet's, are stack outputs:
``TESTENV_ACCOUNT_IDS``, keyed by the names stated here), the settings that matter, what
uses what, and the rows aws2openstack's database should hold for them (docs/ground-truth.md,
"The account").
"""

from __future__ import annotations

from typing import Any

from components.account_plan import (
    ATHENA_ENGINE,
    BYTES_SCANNED_CUTOFF,
    GLUE_VERSION,
    JOB_TIMEOUT_MINUTES,
    JOB_WORKER_TYPE,
    JOB_WORKERS,
    AccountPlan,
    Crawler,
    Role,
)
from components.athena_workgroup import RESULT_ENCRYPTION
from components.glue_network import ALL_TCP
from components.glue_workloads import SCHEMA_COMPATIBILITY

SCHEMA_CHANGE_POLICY = {"update_behavior": "LOG", "delete_behavior": "LOG"}


def section(plan: AccountPlan) -> dict[str, Any]:
    """``{"account": ...}``: every resource of the family, and the database rows."""
    network = plan.network
    return {
        "account": {
            "iam_roles": [_role(role) for role in plan.roles],
            "vpc": _vpc(plan),
            "subnets": [
                {"name": s.name, "cidr": s.cidr, "availability_zone": s.availability_zone}
                for s in network.subnets
            ],
            "security_groups": [
                {
                    "name": network.security_group_name,
                    "description": network.security_group_description,
                    "ingress": [
                        {
                            "protocol": "tcp",
                            "from_port": ALL_TCP[0],
                            "to_port": ALL_TCP[1],
                            "source": "self",
                        }
                    ],
                    "egress": [{"protocol": "-1", "destination": "0.0.0.0/0"}],
                }
            ],
            "glue_connections": [_connection(plan)],
            "glue_classifiers": [
                {
                    "name": plan.classifier.name,
                    "type": "csv",
                    "delimiter": plan.classifier_delimiter,
                    "contains_header": "ABSENT",
                    "header": list(plan.classifier_header),
                }
            ],
            "glue_crawlers": [_crawler(plan, crawler) for crawler in plan.crawlers],
            "glue_jobs": [_job(plan)],
            "glue_workflows": [
                {
                    "name": plan.workflow.name,
                    "arn": plan.workflow.arn,
                    "triggers": [plan.trigger.name],
                    "jobs": [plan.job.name],
                }
            ],
            "glue_triggers": [
                {
                    "name": plan.trigger.name,
                    "arn": plan.trigger.arn,
                    "type": "ON_DEMAND",
                    "schedule": None,
                    "workflow": plan.workflow.name,
                    "jobs": [plan.job.name],
                }
            ],
            "glue_registries": [
                {
                    "name": plan.registry.name,
                    "arn": plan.registry.arn,
                    "schemas": [plan.schema.name],
                }
            ],
            "glue_schemas": [
                {
                    "name": plan.schema.name,
                    "arn": plan.schema.arn,
                    "registry": plan.registry.name,
                    "data_format": "AVRO",
                    "compatibility": SCHEMA_COMPATIBILITY,
                    "definition": plan.schema_definition,
                    "table": plan.schema_table,
                }
            ],
            "athena_workgroups": [
                {
                    "name": plan.workgroup.name,
                    "arn": plan.workgroup.arn,
                    "enforce_workgroup_configuration": True,
                    "output_location": plan.results_location,
                    "encryption": RESULT_ENCRYPTION,
                    "bytes_scanned_cutoff_per_query": BYTES_SCANNED_CUTOFF,
                    "engine_version": ATHENA_ENGINE,
                    "named_queries": sorted(query.name for query in plan.queries),
                }
            ],
            "athena_named_queries": [
                {
                    "name": query.name,
                    "workgroup": plan.workgroup.name,
                    "database": query.database,
                    "query": query.query,
                    "reads": sorted(query.reads),
                    "base_tables": sorted(query.base_tables),
                    "creates": sorted(query.creates),
                }
                for query in plan.queries
            ],
            "lake_formation": _lake_formation(plan),
            "rows": {
                "iam_roles": [
                    {
                        "role_name": role.name,
                        "role_arn": role.arn,
                        "used_by_services": sorted(role.used_by_services),
                    }
                    for role in plan.roles
                ],
                "vpc_resources": _vpc_rows(plan),
            },
        }
    }


def _role(role: Role) -> dict[str, Any]:
    return {
        "name": role.name,
        "arn": role.arn,
        "trust_policy": role.trust_policy,
        "managed_policy_arns": list(role.managed_policy_arns),
        "inline_policies": {role.inline_policy_name: role.inline_policy},
        "used_by_services": sorted(role.used_by_services),
        "used_by": sorted(role.used_by),
    }


def _vpc(plan: AccountPlan) -> dict[str, Any]:
    network = plan.network
    if network.vpc_id is not None:
        return {"created": False, "id": network.vpc_id, "s3_endpoint": None}
    return {
        "created": True,
        "name": network.vpc_name,
        "cidr": network.vpc_cidr,
        "dns_support": True,
        "dns_hostnames": True,
        "s3_endpoint": {
            "name": network.endpoint_name,
            "service": network.s3_service,
            "type": "Gateway",
            "route_tables": ["main"],
        },
    }


def _connection(plan: AccountPlan) -> dict[str, Any]:
    subnet = plan.network.subnets[0]
    return {
        "name": plan.connection.name,
        "arn": plan.connection.arn,
        "type": "NETWORK",
        "subnet": subnet.name,
        "availability_zone": subnet.availability_zone,
        "security_groups": [plan.network.security_group_name],
        "vpc": plan.network.vpc_id or plan.network.vpc_name,
        "used_by": [f"glue_job:{plan.job.name}"],
    }


def _crawler(plan: AccountPlan, crawler: Crawler) -> dict[str, Any]:
    glue = plan.role("glue")
    return {
        "name": crawler.name,
        "arn": crawler.arn,
        "role": glue.name,
        "role_arn": glue.arn,
        "database": crawler.database,
        "schedule": None,
        "s3_targets": list(crawler.s3_targets),
        "catalog_targets": [
            {"database": database, "tables": list(tables)}
            for database, tables in crawler.catalog_targets
        ],
        "classifiers": list(crawler.classifiers),
        "table_prefix": crawler.table_prefix,
        "schema_change_policy": SCHEMA_CHANGE_POLICY,
        "tables": sorted(crawler.tables),
    }


def _job(plan: AccountPlan) -> dict[str, Any]:
    glue = plan.role("glue")
    return {
        "name": plan.job.name,
        "arn": plan.job.arn,
        "role": glue.name,
        "role_arn": glue.arn,
        "connections": [plan.connection.name],
        "glue_version": GLUE_VERSION,
        "command": "glueetl",
        "script_location": plan.script_location,
        "default_arguments": dict(plan.job_arguments),
        "job_bookmarks": plan.job_arguments["--job-bookmark-option"],
        "worker_type": JOB_WORKER_TYPE,
        "number_of_workers": JOB_WORKERS,
        "timeout_minutes": JOB_TIMEOUT_MINUTES,
        "reads": list(plan.job_reads),
        "writes": plan.job_writes,
        "workflows": [plan.workflow.name],
    }


def _lake_formation(plan: AccountPlan) -> dict[str, Any]:
    check = plan.lake_formation
    if not check.is_admin:
        return {
            "declared": False,
            "principal": check.principal,
            "reason": check.reason,
            "resources": [],
            "permissions": [],
        }
    location_role = plan.role("lake_formation")
    analyst = plan.role("analyst")
    permissions = []
    for target, granted in plan.lake_formation_grants:
        database, _, table = target.partition(".")
        resource = {"database": database, "table": table} if table else {"database": database}
        permissions.append(
            {"principal": analyst.arn, "resource": resource, "permissions": sorted(granted)}
        )
    return {
        "declared": True,
        "principal": check.principal,
        "reason": "",
        "resources": [
            {
                "arn": plan.lake_formation_location,
                "role_arn": location_role.arn,
                "hybrid_access_enabled": True,
            }
        ],
        "permissions": permissions,
    }


def _vpc_rows(plan: AccountPlan) -> list[dict[str, Any]]:
    """``vpc_resources`` rows: the VPC, its subnets, the group, the endpoint and the Glue
    connection. Each names its VPC, subnets and groups by the names above; their ids are
    in ``TESTENV_ACCOUNT_IDS``."""
    network = plan.network
    vpc = network.vpc_id or network.vpc_name
    subnets = [subnet.name for subnet in network.subnets]
    group = network.security_group_name

    def row(kind: str, name: str, subnet_names: list[str], groups: list[str], **metadata):
        return {
            "resource_type": kind,
            "name": name,
            "vpc": vpc,
            "subnets": subnet_names,
            "security_groups": groups,
            "metadata": metadata,
        }

    rows = [row("vpc", vpc, subnets, [group], created=network.vpc_id is None)]
    rows += [
        row("subnet", s.name, [s.name], [], cidr=s.cidr, availability_zone=s.availability_zone)
        for s in network.subnets
    ]
    rows.append(row("security_group", group, [], [group]))
    if network.endpoint_name:
        rows.append(row("vpc_endpoint", network.endpoint_name, [], [], service=network.s3_service))
    rows.append(row("glue_connection", plan.connection.name, subnets[:1], [group], type="NETWORK"))
    return rows
