"""The account family applied to the emulator (moto 5.2.5 plus ``scripts/_moto_server``'s
calls), read back by an independent boto3 inventory, destroyed, and applied again."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from moto.athena.responses import AthenaResponse
from moto.glue.responses import GlueResponse

from components.lake_formation_check import admin_check
from scripts import _moto_server
from tests.families.account.conftest import ACCOUNT
from tests.families.account.inventory import Inventory, leftovers
from tests.stack import aws_emulator
from tests.stack.program import run_program

STACK_TAG_KEYS = {"Project", "Environment", "ManagedBy", "Lifecycle", "Owner"}


def normalized(value: Any) -> Any:
    """Lists of objects in a fixed order (the API's order is not the plan's)."""
    if isinstance(value, dict):
        return {key: normalized(v) for key, v in value.items()}
    if isinstance(value, list):
        items = [normalized(v) for v in value]
        if all(isinstance(v, dict) for v in items):
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        return items
    return value


def comparable(truth: dict[str, Any]) -> dict[str, Any]:
    """The truth's account section without what no inventory reads from the account: who
    deployed it (the mocks' caller, not the emulator's), and the hybrid access flag, which
    moto does not keep (``test_moto_keeps_no_hybrid_access_flag``)."""
    section = copy.deepcopy(truth["account"])
    for key in ("principal", "reason"):
        section["lake_formation"].pop(key)
    for resource in section["lake_formation"]["resources"]:
        resource["hybrid_access_enabled"] = None
    return section


@pytest.fixture
def deployed(account_run, moto_endpoint):
    run = account_run
    applied = aws_emulator.apply(run, moto_endpoint.url, moto_endpoint.region)
    truth = run.ground_truth
    inventory = Inventory(applied.account.clients, truth["env"], truth["bucket"], truth["region"])
    return run, applied, inventory


def test_every_account_resource_reads_back_equal_to_the_ground_truth(deployed):
    """An inventory by boto3 of roles, network, Glue, Athena and Lake Formation equals the
    ground truth's account section (relations included: roles' users, crawlers' tables,
    the schema's table, the queries' tables)."""
    run, _, inventory = deployed
    read = inventory.read()
    truth = comparable(run.ground_truth)
    assert set(read) == set(truth)
    for key in truth:
        assert normalized(read[key]) == normalized(truth[key]), key


def test_the_inventory_finds_relations_not_just_names(deployed):
    """Spot checks that the comparison is about relations: the job's role and connection,
    the connection's subnet, the crawlers' tables, the view query's base table."""
    _, _, inventory = deployed
    read = inventory.read()
    (job,) = read["glue_jobs"]
    assert job["role"].endswith("-glue") and job["connections"] == ["aws2openstack-test-network"]
    assert job["reads"] == ["test_analytics.sales_data"]
    (connection,) = read["glue_connections"]
    assert connection["subnet"] == "aws2openstack-test-private-1"
    assert connection["used_by"] == ["glue_job:aws2openstack-test-sales-by-region"]
    tables = {c["name"]: c["tables"] for c in read["glue_crawlers"]}
    assert tables["aws2openstack-test-zoo-files-crawler"] == ["test_zoo.csv_header", "test_zoo.tsv"]
    view = next(q for q in read["athena_named_queries"] if q["name"].endswith("big-orders-by-name"))
    assert view["reads"] == ["test_zoo.big_orders_view"] and view["base_tables"] == ["test_zoo.tsv"]
    (schema,) = read["glue_schemas"]
    assert schema["table"] == "test_zoo.avro_crawled"


def test_moto_keeps_no_hybrid_access_flag(deployed):
    """moto 5.2.5 drops RegisterResource's HybridAccessEnabled, so the flag is checked where
    it is declared: the registration carries hybridAccessEnabled true."""
    run, _, inventory = deployed
    (location,) = inventory.read()["lake_formation"]["resources"]
    assert location["hybrid_access_enabled"] is None
    (declared,) = run.of_type("aws:lakeformation/resource:Resource")
    assert declared.inputs["hybridAccessEnabled"] is True


def test_every_taggable_account_resource_carries_the_stacks_tags(deployed):
    """Roles, VPC, subnets, group, endpoint, Glue and Athena resources carry the provider's
    default tags (Project, Environment, ManagedBy, Lifecycle, Owner), as the emulator puts
    them where the provider would; moto 5.2.5 answers GetTags of a schema registry with
    none (it keeps a registry's tags elsewhere), so the registry is read as untagged."""
    run, applied, inventory = deployed
    c = applied.account.clients
    truth = run.ground_truth["account"]
    tagged: dict[str, set[str]] = {}
    for role in truth["iam_roles"]:
        tags = c["iam"].get_role(RoleName=role["name"])["Role"]["Tags"]
        tagged[role["name"]] = {t["Key"] for t in tags}
    ours = [{"Name": "tag:Name", "Values": ["aws2openstack-test-*"]}]
    for vpc in c["ec2"].describe_vpcs(Filters=ours)["Vpcs"]:
        tagged[vpc["VpcId"]] = {t["Key"] for t in vpc["Tags"]}
    for subnet in c["ec2"].describe_subnets(Filters=ours)["Subnets"]:
        tagged[subnet["SubnetId"]] = {t["Key"] for t in subnet["Tags"]}
    for group in c["ec2"].describe_security_groups(Filters=ours)["SecurityGroups"]:
        tagged[group["GroupName"]] = {t["Key"] for t in group["Tags"]}
    for endpoint in c["ec2"].describe_vpc_endpoints(Filters=ours)["VpcEndpoints"]:
        tagged[endpoint["VpcEndpointId"]] = {t["Key"] for t in endpoint["Tags"]}
    arns = [
        entry["arn"]
        for key in (
            "glue_connections",
            "glue_crawlers",
            "glue_jobs",
            "glue_workflows",
            "glue_triggers",
            "glue_registries",
            "glue_schemas",
        )
        for entry in truth[key]
    ]
    for arn in arns:
        tagged[arn] = set(c["glue"].get_tags(ResourceArn=arn)["Tags"])
    (registry,) = truth["glue_registries"]
    assert tagged.pop(registry["arn"]) == set()
    for workgroup in truth["athena_workgroups"]:
        tags = c["athena"].list_tags_for_resource(ResourceARN=workgroup["arn"])["Tags"]
        tagged[workgroup["name"]] = {t["Key"] for t in tags}
    assert len(tagged) == 3 + 1 + 2 + 1 + 1 + 7 + 1
    assert {name: keys for name, keys in tagged.items() if not STACK_TAG_KEYS <= keys} == {}


def test_destroy_leaves_nothing_and_a_second_up_reads_back_the_same(deployed):
    """Deleting in reverse order removes every resource of the stack (the emulator has the
    deletes moto lacks); applying again gives the same inventory."""
    run, applied, inventory = deployed
    truth = run.ground_truth
    first = normalized(inventory.read())
    assert aws_emulator.destroy(applied) == []
    remaining = leftovers(applied.account.clients, truth["env"], truth["bucket"])
    assert {kind: names for kind, names in remaining.items() if names} == {}
    assert applied.glue.get_databases()["DatabaseList"] == []
    assert applied.s3.list_buckets()["Buckets"] == []
    again = aws_emulator.apply(run, inventory.c["glue"].meta.endpoint_url, truth["region"])
    assert (
        normalized(
            Inventory(again.account.clients, truth["env"], truth["bucket"], truth["region"]).read()
        )
        == first
    )


def test_moto_alone_cannot_delete_a_connection_saved_queries_or_a_classifier(deployed, monkeypatch):
    """Without the emulator's added calls (plain moto 5.2.5) a destroy leaves the Glue
    connection, the classifier and the four saved queries behind, and the next up fails on
    the connection that is still there."""
    run, applied, _ = deployed
    truth = run.ground_truth
    monkeypatch.delattr(GlueResponse, "delete_connection")
    monkeypatch.delattr(GlueResponse, "delete_classifier")
    monkeypatch.delattr(AthenaResponse, "delete_named_query")
    failed = dict(aws_emulator.destroy(applied))
    assert sorted(failed) == [
        "account-athena-query-ctas",
        "account-athena-query-join",
        "account-athena-query-partition-filter",
        "account-athena-query-view",
        "account-glue-classifier",
        "account-glue-connection",
    ]
    assert all("500" in error for error in failed.values()), failed
    remaining = leftovers(applied.account.clients, truth["env"], truth["bucket"])
    assert {kind: names for kind, names in remaining.items() if names} == {
        "glue_connections": ["aws2openstack-test-network"],
        "glue_classifiers": ["aws2openstack-test-tab-separated"],
        "athena_named_queries": sorted(q["name"] for q in truth["account"]["athena_named_queries"]),
    }
    with pytest.raises(Exception, match="AlreadyExistsException"):
        aws_emulator.apply(run, applied.glue.meta.endpoint_url, truth["region"])


def test_moto_5_2_5_lacks_every_call_the_emulator_adds():
    """Each call ``scripts/_moto_server.py`` adds is one moto does not answer itself: when a
    moto release does, this fails and the copy can go."""
    assert _moto_server.missing_in_moto() == [
        "GlueResponse.create_classifier",
        "GlueResponse.get_classifier",
        "GlueResponse.get_classifiers",
        "GlueResponse.delete_classifier",
        "GlueResponse.delete_connection",
        "GlueResponse.list_schemas",
        "AthenaResponse.delete_named_query",
        "FakeConnection.as_dict",
    ]


def test_the_data_lake_admin_check_reads_the_emulators_settings(moto_endpoint):
    """``admin_check`` on moto's own GetCallerIdentity and GetDataLakeSettings: not an
    administrator in a fresh account, one once the account's settings list the caller."""
    clients = aws_emulator.account_clients(moto_endpoint.url, moto_endpoint.region)
    caller = clients["sts"].get_caller_identity()["Arn"]

    def check():
        settings = clients["lakeformation"].get_data_lake_settings()["DataLakeSettings"]
        admins = [a["DataLakePrincipalIdentifier"] for a in settings["DataLakeAdmins"]]
        return admin_check(caller, admins)

    before = check()
    assert not before.is_admin and before.principal in before.reason
    # The test acts as the account's owner here; the stack itself never writes settings.
    clients["lakeformation"].put_data_lake_settings(
        DataLakeSettings={"DataLakeAdmins": [{"DataLakePrincipalIdentifier": before.principal}]}
    )
    assert check().is_admin


def test_a_shared_vpc_gets_only_the_stacks_subnets_and_group(program_env, moto_endpoint):
    """With vpcId, the stack adds two subnets and its group to that VPC and no VPC or
    endpoint of its own; the inventory equals the ground truth, VPC by id."""
    clients = aws_emulator.account_clients(moto_endpoint.url, moto_endpoint.region)
    shared = clients["ec2"].create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    run = run_program({**ACCOUNT, "vpcId": shared, "subnetCidrs": "10.0.128.0/28,10.0.128.16/28"})
    applied = aws_emulator.apply(run, moto_endpoint.url, moto_endpoint.region)
    truth = run.ground_truth
    read = Inventory(applied.account.clients, truth["env"], truth["bucket"], truth["region"]).read()
    assert (
        read["vpc"]
        == truth["account"]["vpc"]
        == {
            "created": False,
            "id": shared,
            "s3_endpoint": None,
        }
    )
    assert normalized(read) == normalized(comparable(truth))
    assert aws_emulator.destroy(applied) == []
    assert [v["VpcId"] for v in clients["ec2"].describe_vpcs(VpcIds=[shared])["Vpcs"]] == [shared]
