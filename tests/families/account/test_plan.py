"""The account's plan, names, policies and ground truth as pure functions (no mocks)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from components import account_policies, naming
from components.account_plan import account_plan
from components.config import DEFAULT_SUBNET_CIDRS, AccountSettings, subnet_cidrs_problem
from components.lake_formation_check import AdminCheck, admin_check, iam_principal
from datagen.manifest import DatabaseEntry, TableEntry
from families.account.truth import section
from tests.stack import manifests

ACCOUNT_ID = "111122223333"
ADMIN = AdminCheck(f"arn:aws:iam::{ACCOUNT_ID}:user/deployer", True)
NOT_ADMIN = AdminCheck(f"arn:aws:iam::{ACCOUNT_ID}:user/deployer", False, "not listed")
ZOO_TABLES = ("tsv", "csv_header", "avro_crawled", "crawled_orders", "big_orders_view")
OWN_VPC = AccountSettings(subnet_cidrs=DEFAULT_SUBNET_CIDRS, vpc_cidr="10.42.0.0/16")


def manifest():
    """The hand-written manifest plus the zoo tables the plan names."""
    base = manifests.manifest()
    zoo = [
        TableEntry(
            f"zoo/{name}",
            name,
            "zoo",
            "zoo",
            f"{manifests.BASE}/zoo/{name}/",
            5,
            [],
            [],
            None,
            1,
            10,
            "ready",
        )
        for name in ZOO_TABLES
    ]
    return replace(
        base,
        databases=[*base.databases, DatabaseEntry("zoo", f"{manifests.BASE}/zoo/")],
        tables=[*base.tables, *zoo],
    )


def plan(check: AdminCheck = ADMIN, settings: AccountSettings = OWN_VPC, **overrides):
    arguments = {
        "env": "dev_a",
        "region": "eu-west-1",
        "account_id": ACCOUNT_ID,
        "bucket": "bucket-x",
        "manifest": manifest(),
        "settings": settings,
        "availability_zones": ["eu-west-1c", "eu-west-1a", "eu-west-1b"],
        "lake_formation": check,
    }
    return account_plan(**{**arguments, **overrides})


# --- names ------------------------------------------------------------------------------


def test_account_names_are_the_prefix_the_env_and_the_role():
    """``aws2openstack-<env>-<role>``: ``<env>`` has no ``-``, so the env ends at the first."""
    assert naming.account_name("dev_a", "analysts") == "aws2openstack-dev_a-analysts"
    assert naming.account_name("dev", "a-analysts") != naming.account_name("dev_a", "analysts")


@pytest.mark.parametrize("region", ["eu-central-1", "ap-southeast-3", "us-gov-west-1"])
def test_iam_names_fit_64_characters_and_stay_apart(region):
    """Every env (the longest included) gives a role name of at most 64 characters that no
    other env gives; a short env is kept whole."""
    envs = [naming.env_name(s) for s in ("test", "dev-alice", "x" * 100, "x" * 99, "a" * 40)]
    names = [naming.iam_name(env, region, "lakeformation") for env in envs]
    assert all(len(name) <= 64 for name in names), names
    assert len(set(names)) == len(names)
    assert naming.iam_name("test", region, "glue") == f"aws2openstack-test-{region}-glue"


# --- the Lake Formation check -------------------------------------------------------------


def test_an_assumed_role_is_its_role_and_a_path_in_the_admin_list_still_matches():
    """STS names an assumed role by its session; Lake Formation lists the role (with its path)."""
    caller = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/Deployer/alice"
    assert iam_principal(caller) == f"arn:aws:iam::{ACCOUNT_ID}:role/Deployer"
    assert admin_check(caller, [f"arn:aws:iam::{ACCOUNT_ID}:role/team/Deployer"]).is_admin
    assert not admin_check(caller, [f"arn:aws:iam::{ACCOUNT_ID}:role/Other"]).is_admin
    assert not admin_check(caller, ["arn:aws:iam::999999999999:role/Deployer"]).is_admin


def test_a_user_must_be_listed_and_an_error_is_no_admin():
    """A user is an administrator only when listed; a failed lookup says what failed."""
    user = f"arn:aws:iam::{ACCOUNT_ID}:user/bob"
    assert admin_check(user, [user]).is_admin
    refused = admin_check(user, [], error="AccessDeniedException: no")
    assert not refused.is_admin and "AccessDeniedException" in refused.reason


# --- the plan -----------------------------------------------------------------------------


def test_subnets_take_the_first_two_zones_in_order():
    """The subnets are in the first two zones by name, each with its block."""
    subnets = plan().network.subnets
    assert [(s.cidr, s.availability_zone) for s in subnets] == [
        ("10.42.0.0/24", "eu-west-1a"),
        ("10.42.1.0/24", "eu-west-1b"),
    ]
    with pytest.raises(ValueError, match="availability zone"):
        plan(availability_zones=["eu-west-1a"])


def test_without_admin_the_plan_has_no_lake_formation_role_or_grants():
    """Not an administrator: two roles, no grants, and the analyst is used by nothing."""
    without = plan(NOT_ADMIN)
    assert [role.key for role in without.roles] == ["glue", "analyst"]
    assert without.lake_formation_grants == ()
    assert without.role("analyst").used_by == ()


def test_named_queries_filter_on_the_newest_partition_and_read_only_declared_tables():
    """The partition filter names the newest sales_data partition; every table a query
    reads or scans is a table of the manifest."""
    queries = {query.key: query for query in plan().queries}
    assert "WHERE year = 2024 AND month = 12" in queries["partition-filter"].query
    known = {f"dev_a_{t.role}.{t.name}" for t in manifest().tables}
    for query in queries.values():
        assert set(query.reads) | set(query.base_tables) <= known, query.key
        for table in query.reads:
            database, name = table.split(".")
            assert f'"{database}"."{name}"' in query.query, query.key
    assert queries["ctas"].creates == ("dev_a_zoo.avro_daily_totals",)


# --- policies -----------------------------------------------------------------------------


def statements(document):
    return document["Statement"]


def test_every_policy_is_a_2012_version_document_with_no_wildcard_action():
    """Each trust and inline policy (``account_policies.documents``): version 2012-10-17,
    Allow only, no ``*`` in an action."""
    documents = account_policies.documents(plan().roles)
    assert len(documents) == 6
    for name, document in documents.items():
        assert document["Version"] == "2012-10-17", name
        for statement in statements(document):
            assert statement["Effect"] == "Allow", name
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            assert not [a for a in actions if "*" in a], name


def test_s3_grants_stay_on_the_stacks_bucket_and_writes_on_their_prefixes():
    """Every S3 resource is the bucket or below it; the Glue role writes only below
    ``_testenv/glue/``, the analyst only below ``_testenv/athena/``."""
    planned = plan()
    bucket = "arn:aws:s3:::bucket-x"
    writes = {}
    for role in planned.roles:
        for statement in statements(role.inline_policy):
            resources = (
                statement["Resource"]
                if isinstance(statement["Resource"], list)
                else [statement["Resource"]]
            )
            s3 = [r for r in resources if r.startswith("arn:aws:s3")]
            assert all(r == bucket or r.startswith(f"{bucket}/") for r in s3), role.key
            if "s3:PutObject" in statement["Action"]:
                writes[role.key] = s3
    assert all(r.startswith(f"{bucket}/_testenv/glue/") for r in writes["glue"])
    assert all(r.startswith(f"{bucket}/_testenv/athena/") for r in writes["analyst"])
    assert all(not r.startswith(f"{bucket}/_testenv/") for r in writes["lake_formation"])


def test_the_prefix_condition_is_only_on_listing():
    """``s3:prefix`` conditions only ListBucket: on GetBucketLocation it would deny it
    (found by parliament: that request has no prefix)."""
    for name, document in account_policies.documents(plan().roles).items():
        for statement in statements(document):
            if "s3:prefix" in json.dumps(statement.get("Condition", {})):
                assert statement["Action"] == ["s3:ListBucket"], name


def test_the_analyst_queries_only_its_workgroup_and_the_stacks_databases():
    """Athena on the stack's workgroup ARN; Glue reads on the catalog and the stack's
    databases and their tables; CreateTable only for the CTAS table."""
    planned = plan()
    by_sid = {s["Sid"]: s for s in statements(planned.role("analyst").inline_policy)}
    assert by_sid["QueryInOwnWorkgroup"]["Resource"] == (
        f"arn:aws:athena:eu-west-1:{ACCOUNT_ID}:workgroup/aws2openstack-dev_a-analysts"
    )
    glue = f"arn:aws:glue:eu-west-1:{ACCOUNT_ID}"
    assert set(by_sid["ReadOwnCatalog"]["Resource"]) == {
        f"{glue}:catalog",
        *(f"{glue}:database/dev_a_{r}" for r in ("analytics", "scale_01", "zoo")),
        *(f"{glue}:table/dev_a_{r}/*" for r in ("analytics", "scale_01", "zoo")),
    }
    assert (
        by_sid["CreateTheCtasTable"]["Resource"][-1] == f"{glue}:table/dev_a_zoo/avro_daily_totals"
    )


def test_a_kms_key_adds_a_statement_only_through_s3():
    """With kmsKeyId the roles may use a key only through S3 in the region; without, no KMS."""
    assert "kms" not in json.dumps(account_policies.documents(plan().roles))
    key = f"arn:aws:kms:eu-west-1:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    for role in plan(kms_key_id=key).roles:
        (kms,) = [s for s in statements(role.inline_policy) if s["Sid"] == "BucketKeyThroughS3"]
        assert kms["Resource"] == key
        assert kms["Condition"] == {
            "StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
        }


def test_trust_policies_name_glue_the_account_and_lake_formation():
    """Glue's role trusts glue.amazonaws.com, the analyst the account, LF's role LF."""
    trust = {role.key: statements(role.trust_policy)[0]["Principal"] for role in plan().roles}
    assert trust == {
        "glue": {"Service": ["glue.amazonaws.com"]},
        "analyst": {"AWS": [f"arn:aws:iam::{ACCOUNT_ID}:root"]},
        "lake_formation": {"Service": ["lakeformation.amazonaws.com"]},
    }


# --- config -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "own_vpc", "problem"),
    [
        ("10.42.0.0/24,10.42.1.0/24", True, None),
        ("10.0.128.0/28,10.0.128.16/28", False, None),
        ("10.42.0.0/24", True, "1 block(s)"),
        ("10.42.0.0/24,10.42.0.128/25", True, "overlap"),
        ("10.42.0.0/24,10.43.0.0/24", True, "not in one /16"),
        ("10.42.0.0/24,10.43.0.0/24", False, None),
        ("8.8.8.0/24,8.8.9.0/24", True, "not a private range"),
        ("10.42.0.0/29,10.42.1.0/24", True, "/29"),
        ("10.42.0.1/24,10.42.1.0/24", True, "not an IPv4 block"),
    ],
)
def test_subnet_blocks_are_checked(raw, own_vpc, problem):
    """Two private, non-overlapping blocks of /16 to /28, in one /16 for an own VPC."""
    found = subnet_cidrs_problem(raw, own_vpc=own_vpc)
    assert found is None if problem is None else problem in found


# --- ground truth -------------------------------------------------------------------------


def test_the_section_states_rows_for_aws2openstacks_tables():
    """iam_roles rows carry used_by_services from the trust policy; vpc_resources rows the
    resource type and the names of their VPC, subnets and groups."""
    account = section(plan())["account"]
    assert account["rows"]["iam_roles"] == [
        {"role_name": r["name"], "role_arn": r["arn"], "used_by_services": r["used_by_services"]}
        for r in account["iam_roles"]
    ]
    assert [r["used_by_services"] for r in account["rows"]["iam_roles"]] == [
        ["glue"],
        [],
        ["lakeformation"],
    ]
    types = [row["resource_type"] for row in account["rows"]["vpc_resources"]]
    assert types == ["vpc", "subnet", "subnet", "security_group", "vpc_endpoint", "glue_connection"]
    json.dumps(account)  # plain JSON, as the document in the bucket


def test_a_shared_vpc_is_named_by_its_id_and_has_no_endpoint_of_the_stack():
    """With vpcId the VPC is stated by id, not created, without the stack's endpoint."""
    shared = AccountSettings(
        subnet_cidrs=("10.0.1.0/28", "10.0.1.16/28"), vpc_id="vpc-0123456789abcdef0"
    )
    account = section(plan(settings=shared))["account"]
    assert account["vpc"] == {"created": False, "id": "vpc-0123456789abcdef0", "s3_endpoint": None}
    rows = account["rows"]["vpc_resources"]
    assert "vpc_endpoint" not in [row["resource_type"] for row in rows]
    assert {row["vpc"] for row in rows} == {"vpc-0123456789abcdef0"}
