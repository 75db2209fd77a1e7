"""The account family under Pulumi's mocks: what it declares, how it is named and ordered,
what it leaves out when its principal is no data lake administrator, and what it never
declares (anything that bills while idle)."""

from __future__ import annotations

import logging

import pytest

from tests.families.account.conftest import ACCOUNT
from tests.stack.program import (
    CALLER_ARN,
    ProgramMocks,
    ProgramRun,
    Registered,
    run_program,
    unwrap,
)

COMPONENT = "aws2openstack:testenv:AccountResources"
EXPECTED_COUNTS = {
    "aws:iam/role:Role": 3,
    "aws:iam/rolePolicy:RolePolicy": 3,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
    "aws:ec2/vpc:Vpc": 1,
    "aws:ec2/subnet:Subnet": 2,
    "aws:ec2/securityGroup:SecurityGroup": 1,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 1,
    "aws:ec2/vpcEndpoint:VpcEndpoint": 1,
    "aws:glue/connection:Connection": 1,
    "aws:glue/classifier:Classifier": 1,
    "aws:glue/crawler:Crawler": 2,
    "aws:s3/bucketObjectv2:BucketObjectv2": 1,
    "aws:glue/job:Job": 1,
    "aws:glue/workflow:Workflow": 1,
    "aws:glue/trigger:Trigger": 1,
    "aws:glue/registry:Registry": 1,
    "aws:glue/schema:Schema": 1,
    "aws:athena/workgroup:Workgroup": 1,
    "aws:athena/namedQuery:NamedQuery": 4,
    "aws:lakeformation/resource:Resource": 1,
    "aws:lakeformation/permissions:Permissions": 2,
}
LAKE_FORMATION_TYPES = {
    "aws:lakeformation/resource:Resource",
    "aws:lakeformation/permissions:Permissions",
}
# Whatever bills while idle (docs/account.md, "Cost"), by type token prefix.
BILLS_WHILE_IDLE = (
    "aws:ec2/natGateway:",
    "aws:ec2/eip:",
    "aws:ec2/internetGateway:",
    "aws:glue/devEndpoint:",
    "aws:glue/catalogTableOptimizer:",
    "aws:athena/capacityReservation:",
    "aws:dms/",
    "aws:ec2/instance:",
    "aws:rds/",
    "aws:redshift/",
)


def family_resources(run: ProgramRun) -> list[Registered]:
    """The custom resources below the account's component."""
    (component,) = run.of_type(COMPONENT)
    below = {component.urn}
    found = []
    for resource in run.resources:  # parents register before their children
        if resource.parent in below:
            below.add(resource.urn)
            if resource.custom:
                found.append(resource)
    return found


def counts(resources: list[Registered]) -> dict[str, int]:
    found: dict[str, int] = {}
    for resource in resources:
        found[resource.type] = found.get(resource.type, 0) + 1
    return found


def one(run: ProgramRun, type_: str, name: str | None = None) -> Registered:
    found = [r for r in run.of_type(type_) if name is None or r.name == name]
    assert len(found) == 1, (type_, name, [r.name for r in found])
    return found[0]


def test_the_family_declares_each_resource_of_the_issue(account_run):
    """With account: true the component holds 32 AWS resources of 22 types, as listed."""
    assert counts(family_resources(account_run)) == EXPECTED_COUNTS


def test_every_child_is_named_after_its_parent_and_uses_the_stacks_provider(account_run):
    """Children are f"{parent}-<role>", and every AWS resource takes the stack's provider
    (whose default tags are the stack's tags)."""
    by_urn = {r.urn: r for r in account_run.resources}
    (provider,) = account_run.of_type("pulumi:providers:aws")
    for resource in family_resources(account_run):
        parent = by_urn[resource.parent]
        assert resource.name.startswith(f"{parent.name}-"), resource.name
        assert resource.provider.startswith(provider.urn), resource.name


def physical_names(run: ProgramRun) -> dict[str, str]:
    """Each family resource's physical name (a ``Name`` tag for what has none), by its
    resource name."""
    found = {}
    for resource in family_resources(run):
        inputs = unwrap(resource.inputs)
        name = next(
            (inputs[k] for k in ("name", "registryName", "schemaName") if k in inputs), None
        )
        name = name or inputs.get("tags", {}).get("Name")
        if name:
            found[resource.name] = name
    return found


def test_physical_names_carry_the_env_and_iam_names_the_region(account_run, program_env):
    """Every name carries ``aws2openstack-<env>-`` (IAM roles ``aws2openstack-<env>-<region>-``;
    the schema's is unique within the stack's registry); a second stack shares none."""
    names = physical_names(account_run)
    roles = {r.name for r in account_run.of_type("aws:iam/role:Role")}
    wrong = {
        resource: name
        for resource, name in names.items()
        if not name.startswith(
            "aws2openstack-test-eu-central-1-" if resource in roles else "aws2openstack-test-"
        )
        and not resource.endswith("-schema")
    }
    assert wrong == {}
    assert len(names) == 25
    other = physical_names(run_program(ACCOUNT, stack="dev-alice"))
    assert set(names.values()) & set(other.values()) == {"avro_crawled"}


def test_destroy_order_follows_the_dependencies(account_run):
    """Pulumi deletes a dependent first: the connection before its subnet and group, the
    job before its connection, role policies and script, the trigger before job and
    workflow, crawlers before classifier and catalog tables, saved queries before their
    workgroup and databases, grants before the role and the catalog they name."""
    run = account_run
    connection = one(run, "aws:glue/connection:Connection")
    job = one(run, "aws:glue/job:Job")
    trigger = one(run, "aws:glue/trigger:Trigger")
    files = one(run, "aws:glue/crawler:Crawler", "account-glue-files-crawler")
    catalog_crawler = one(run, "aws:glue/crawler:Crawler", "account-glue-catalog-crawler")
    subnet = one(run, "aws:ec2/subnet:Subnet", "account-network-subnet-1")
    expected = [
        (connection, subnet),
        (connection, one(run, "aws:ec2/securityGroup:SecurityGroup")),
        (subnet, one(run, "aws:ec2/vpc:Vpc")),
        (one(run, "aws:ec2/vpcEndpoint:VpcEndpoint"), one(run, "aws:ec2/vpc:Vpc")),
        (job, connection),
        (job, one(run, "aws:iam/role:Role", "account-iam-glue")),
        (job, one(run, "aws:iam/rolePolicy:RolePolicy", "account-iam-glue-inline")),
        (job, one(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")),
        (job, one(run, "aws:s3/bucketObjectv2:BucketObjectv2", "account-glue-job-script")),
        (trigger, job),
        (trigger, one(run, "aws:glue/workflow:Workflow")),
        (files, one(run, "aws:glue/classifier:Classifier")),
        (files, one(run, "aws:glue/catalogDatabase:CatalogDatabase", "glue-zoo")),
        (catalog_crawler, one(run, "aws:glue/catalogTable:CatalogTable", "glue-zoo-avro_crawled")),
        (one(run, "aws:glue/schema:Schema"), one(run, "aws:glue/registry:Registry")),
        (
            one(run, "aws:lakeformation/resource:Resource"),
            one(run, "aws:iam/rolePolicy:RolePolicy", "account-iam-lake_formation-inline"),
        ),
        (
            one(
                run,
                "aws:lakeformation/permissions:Permissions",
                "account-lakeformation-analytics-sales_data",
            ),
            one(run, "aws:glue/catalogTable:CatalogTable", "glue-analytics-sales_data"),
        ),
        (
            one(
                run, "aws:lakeformation/permissions:Permissions", "account-lakeformation-analytics"
            ),
            one(run, "aws:iam/role:Role", "account-iam-analyst"),
        ),
    ]
    for query in run.of_type("aws:athena/namedQuery:NamedQuery"):
        expected.append((query, one(run, "aws:athena/workgroup:Workgroup")))
    wrong = [(a.name, b.name) for a, b in expected if not a.depends_on(b)]
    assert wrong == []


def test_nothing_that_bills_while_idle_is_declared(account_run):
    """No NAT or internet gateway, Elastic IP, interface endpoint, dev endpoint, table
    optimizer, capacity reservation, instance or DMS; no schedule on a crawler or trigger;
    the job's timeout caps a run."""
    run = account_run
    assert [r.type for r in run.resources if r.type.startswith(BILLS_WHILE_IDLE)] == []
    endpoint = unwrap(one(run, "aws:ec2/vpcEndpoint:VpcEndpoint").inputs)
    assert endpoint["vpcEndpointType"] == "Gateway"
    for resource in run.of_type("aws:glue/crawler:Crawler") + run.of_type(
        "aws:glue/trigger:Trigger"
    ):
        assert "schedule" not in resource.inputs, resource.name
    assert unwrap(one(run, "aws:glue/trigger:Trigger").inputs)["type"] == "ON_DEMAND"
    job = unwrap(one(run, "aws:glue/job:Job").inputs)
    assert (job["numberOfWorkers"], job["timeout"], job["maxRetries"]) == (2, 10, 0)
    for subnet in run.of_type("aws:ec2/subnet:Subnet"):
        assert unwrap(subnet.inputs)["mapPublicIpOnLaunch"] is False


def test_the_job_runs_the_uploaded_script_with_bookmarks_and_the_connection(account_run):
    """The job's script location is the object the stack uploads; bookmarks are on; it
    names the connection; Glue 5.0."""
    run = account_run
    script = unwrap(
        one(run, "aws:s3/bucketObjectv2:BucketObjectv2", "account-glue-job-script").inputs
    )
    job = unwrap(one(run, "aws:glue/job:Job").inputs)
    assert job["command"]["scriptLocation"] == f"s3://{script['bucket']}/{script['key']}"
    assert script["source"]["path"].endswith("families/account/sales_by_region.py")
    assert job["defaultArguments"]["--job-bookmark-option"] == "job-bookmark-enable"
    assert job["connections"] == ["aws2openstack-test-network"]
    assert job["glueVersion"] == "5.0"


def test_without_data_lake_admin_the_lake_formation_part_is_left_out_with_the_fix(
    program_env, caplog
):
    """A principal that GetDataLakeSettings does not list gets no Lake Formation resources,
    a warning naming it and the fix, and a ground truth that says why."""
    caplog.set_level(logging.WARNING)
    run = run_program(
        ACCOUNT, mocks=ProgramMocks(data_lake_admins=["arn:aws:iam::123456789012:role/Admin"])
    )
    assert {r.type for r in run.resources} & LAKE_FORMATION_TYPES == set()
    roles = sorted(r.name for r in run.of_type("aws:iam/role:Role"))
    assert roles == ["account-iam-analyst", "account-iam-glue"]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    (warning,) = [w for w in warnings if "Lake Formation left out" in w]
    assert CALLER_ARN in warning and "data lake administrators" in warning
    assert "never writes" in warning
    lake_formation = run.ground_truth["account"]["lake_formation"]
    assert lake_formation["declared"] is False and CALLER_ARN in lake_formation["reason"]
    assert lake_formation["resources"] == lake_formation["permissions"] == []


def test_a_failed_settings_lookup_is_reported_and_leaves_lake_formation_out(program_env, caplog):
    """When GetDataLakeSettings itself fails (no permission), its error is in the warning."""
    caplog.set_level(logging.WARNING)
    run = run_program(
        ACCOUNT, mocks=ProgramMocks(data_lake_error="AccessDeniedException: not authorized")
    )
    assert {r.type for r in run.resources} & LAKE_FORMATION_TYPES == set()
    assert any("AccessDeniedException" in r.getMessage() for r in caplog.records)


def test_no_call_writes_the_data_lake_settings(account_run):
    """Neither a resource nor a lookup of the stack writes Lake Formation's settings."""
    assert not account_run.of_type("aws:lakeformation/dataLakeSettings:DataLakeSettings")


def test_a_shared_vpc_gets_subnets_and_a_group_but_no_vpc_or_endpoint(program_env):
    """With vpcId the stack declares no VPC and no endpoint; its subnets name that VPC."""
    run = run_program(
        {**ACCOUNT, "vpcId": "vpc-0123456789abcdef0", "subnetCidrs": "10.9.0.0/28,10.9.0.16/28"}
    )
    types = {r.type for r in run.resources}
    assert "aws:ec2/vpc:Vpc" not in types and "aws:ec2/vpcEndpoint:VpcEndpoint" not in types
    subnets = [unwrap(s.inputs) for s in run.of_type("aws:ec2/subnet:Subnet")]
    assert {s["vpcId"] for s in subnets} == {"vpc-0123456789abcdef0"}
    assert sorted(s["cidrBlock"] for s in subnets) == ["10.9.0.0/28", "10.9.0.16/28"]
    assert run.outputs["TESTENV_ACCOUNT_IDS"]["vpc_id"] == "vpc-0123456789abcdef0"


def test_the_outputs_name_what_the_ground_truth_cannot_know(account_run):
    """TESTENV_ACCOUNT_IDS maps the truth's network names to ids; the role ARNs, workgroup
    and job are outputs too, equal to the truth's."""
    outputs = account_run.outputs
    truth = account_run.ground_truth["account"]
    ids = outputs["TESTENV_ACCOUNT_IDS"]
    assert set(ids["subnet_ids"]) == {s["name"] for s in truth["subnets"]}
    assert set(ids["security_group_ids"]) == {g["name"] for g in truth["security_groups"]}
    assert set(ids["vpc_endpoint_ids"]) == {truth["vpc"]["s3_endpoint"]["name"]}
    roles = {role["name"].rsplit("-", 1)[1]: role["arn"] for role in truth["iam_roles"]}
    assert outputs["TESTENV_GLUE_ROLE_ARN"] == roles["glue"]
    assert outputs["TESTENV_ANALYST_ROLE_ARN"] == roles["analyst"]
    assert outputs["TESTENV_ATHENA_WORKGROUP"] == truth["athena_workgroups"][0]["name"]
    assert outputs["TESTENV_GLUE_JOB"] == truth["glue_jobs"][0]["name"]


@pytest.mark.parametrize("zoo", ["false", "true"])
def test_account_false_declares_and_exports_nothing_of_it(program_env, zoo):
    """Without account (the default) there is no account component, output or truth key."""
    run = run_program({"zoo": zoo, "database": "false"})
    assert not run.of_type(COMPONENT)
    assert not [name for name in run.outputs if "ACCOUNT" in name or "ROLE_ARN" in name]
    assert "account" not in run.ground_truth
