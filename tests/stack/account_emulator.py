"""The account family's resources as the AWS API calls the provider makes for them, to
create (``CREATE``) and to delete (``DELETE``) each one in the emulator.

Inputs that name another resource by an id AWS draws (a VPC, a subnet, a group) carry the
id the mocks gave it; ``Applied.real`` turns it into the emulator's. The provider's default
tags go on every resource that takes tags, as the provider puts them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.stack.program import Registered, main_route_table_id, mock_id

Handler = Callable[["Applied", Registered, dict[str, Any]], None]


def _only(inputs: dict[str, Any], allowed: set[str], type_: str) -> None:
    extra = set(inputs) - allowed - {"__defaults"}
    if extra:
        raise AssertionError(f"{type_}: the emulator does not apply inputs {sorted(extra)}")


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


def _spec(kind: str, tags: dict[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _tag_list(tags)}]


class Applied:
    """What the account's handlers share: clients, tags, and ids the emulator gave."""

    def __init__(self, clients: dict[str, Any], default_tags: dict[str, str]) -> None:
        self.clients = clients
        self.default_tags = default_tags
        self.ids: dict[str, str] = {}
        """A mock id -> the emulator's id for the same resource."""
        self.physical: dict[str, Any] = {}
        """A resource's URN -> what deleting it needs (an id, a name)."""

    def tags(self, inputs: dict[str, Any]) -> dict[str, str]:
        return {**self.default_tags, **inputs.get("tags", {})}

    def real(self, value: Any) -> Any:
        """``value`` with every mock id of a created resource replaced by the real one."""
        if isinstance(value, str):
            return self.ids.get(value, value)
        if isinstance(value, list):
            return [self.real(v) for v in value]
        if isinstance(value, dict):
            return {k: self.real(v) for k, v in value.items()}
        return value

    def __getattr__(self, service: str) -> Any:
        try:
            return self.clients[service]
        except KeyError:
            raise AttributeError(service) from None


# --- IAM --------------------------------------------------------------------------------


def role(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"name", "description", "assumeRolePolicy", "path"}, "Role")
    a.iam.create_role(
        RoleName=i["name"],
        Path=i.get("path", "/"),
        Description=i.get("description", ""),
        AssumeRolePolicyDocument=i["assumeRolePolicy"],
        Tags=_tag_list(a.tags(i)),
    )


def role_policy(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"name", "role", "policy"}, "RolePolicy")
    a.iam.put_role_policy(RoleName=i["role"], PolicyName=i["name"], PolicyDocument=i["policy"])


def role_policy_attachment(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"role", "policyArn"}, "RolePolicyAttachment")
    a.iam.attach_role_policy(RoleName=i["role"], PolicyArn=i["policyArn"])


# --- EC2 --------------------------------------------------------------------------------


def vpc(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"cidrBlock", "enableDnsSupport", "enableDnsHostnames", "tags"}, "Vpc")
    vpc_id = a.ec2.create_vpc(CidrBlock=i["cidrBlock"], TagSpecifications=_spec("vpc", a.tags(i)))[
        "Vpc"
    ]["VpcId"]
    for key in ("enableDnsSupport", "enableDnsHostnames"):
        if key in i:
            a.ec2.modify_vpc_attribute(
                VpcId=vpc_id, **{key[0].upper() + key[1:]: {"Value": i[key]}}
            )
    main = a.ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"][0]["RouteTableId"]
    a.ids[mock_id(r.name)] = a.physical[r.urn] = vpc_id
    a.ids[main_route_table_id(r.name)] = main


def subnet(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"vpcId", "cidrBlock", "availabilityZone", "mapPublicIpOnLaunch", "tags"}, "Subnet")
    assert not i.get("mapPublicIpOnLaunch"), r.name
    subnet_id = a.ec2.create_subnet(
        VpcId=i["vpcId"],
        CidrBlock=i["cidrBlock"],
        AvailabilityZone=i["availabilityZone"],
        TagSpecifications=_spec("subnet", a.tags(i)),
    )["Subnet"]["SubnetId"]
    a.ids[mock_id(r.name)] = a.physical[r.urn] = subnet_id


ALLOW_ALL_EGRESS = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]


def security_group(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"name", "description", "vpcId", "tags"}, "SecurityGroup")
    group_id = a.ec2.create_security_group(
        GroupName=i["name"],
        Description=i["description"],
        VpcId=i["vpcId"],
        TagSpecifications=_spec("security-group", a.tags(i)),
    )["GroupId"]
    # What the provider does to a new group: its default allow-all egress rule goes.
    a.ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=ALLOW_ALL_EGRESS)
    a.ids[mock_id(r.name)] = a.physical[r.urn] = group_id


def _rule_permission(i: dict[str, Any]) -> dict[str, Any]:
    permission: dict[str, Any] = {"IpProtocol": i["ipProtocol"]}
    if i["ipProtocol"] != "-1":
        permission.update(FromPort=int(i["fromPort"]), ToPort=int(i["toPort"]))
    if "referencedSecurityGroupId" in i:
        pair = {"GroupId": i["referencedSecurityGroupId"], "Description": i.get("description", "")}
        permission["UserIdGroupPairs"] = [pair]
    if "cidrIpv4" in i:
        permission["IpRanges"] = [
            {"CidrIp": i["cidrIpv4"], "Description": i.get("description", "")}
        ]
    return permission


_RULE_INPUTS = {
    "securityGroupId",
    "referencedSecurityGroupId",
    "cidrIpv4",
    "ipProtocol",
    "fromPort",
    "toPort",
    "description",
    "tags",
}


def ingress_rule(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, _RULE_INPUTS, "SecurityGroupIngressRule")
    a.ec2.authorize_security_group_ingress(
        GroupId=i["securityGroupId"], IpPermissions=[_rule_permission(i)]
    )
    a.physical[r.urn] = i


def egress_rule(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, _RULE_INPUTS, "SecurityGroupEgressRule")
    a.ec2.authorize_security_group_egress(
        GroupId=i["securityGroupId"], IpPermissions=[_rule_permission(i)]
    )
    a.physical[r.urn] = i


def vpc_endpoint(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"vpcId", "serviceName", "vpcEndpointType", "routeTableIds", "tags"}, "VpcEndpoint")
    endpoint_id = a.ec2.create_vpc_endpoint(
        VpcEndpointType=i["vpcEndpointType"],
        VpcId=i["vpcId"],
        ServiceName=i["serviceName"],
        RouteTableIds=i["routeTableIds"],
        TagSpecifications=_spec("vpc-endpoint", a.tags(i)),
    )["VpcEndpoint"]["VpcEndpointId"]
    a.ids[mock_id(r.name)] = a.physical[r.urn] = endpoint_id


# --- Glue -------------------------------------------------------------------------------


def connection(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(
        i, {"name", "description", "connectionType", "physicalConnectionRequirements"}, "Connection"
    )
    network = i["physicalConnectionRequirements"]
    a.glue.create_connection(
        ConnectionInput={
            "Name": i["name"],
            "Description": i.get("description", ""),
            "ConnectionType": i["connectionType"],
            "ConnectionProperties": {},
            "PhysicalConnectionRequirements": {
                "SubnetId": network["subnetId"],
                "SecurityGroupIdList": network["securityGroupIdLists"],
                "AvailabilityZone": network["availabilityZone"],
            },
        },
        Tags=a.tags(i),
    )


def classifier(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"name", "csvClassifier"}, "Classifier")
    csv = i["csvClassifier"]
    _only(csv, {"delimiter", "containsHeader", "header"}, "csvClassifier")
    a.glue.create_classifier(
        CsvClassifier={
            "Name": i["name"],
            "Delimiter": csv["delimiter"],
            "ContainsHeader": csv["containsHeader"],
            "Header": csv["header"],
        }
    )


def crawler(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(
        i,
        {
            "name",
            "description",
            "role",
            "databaseName",
            "s3Targets",
            "catalogTargets",
            "classifiers",
            "tablePrefix",
            "schemaChangePolicy",
            "recrawlPolicy",
        },
        "Crawler",
    )
    targets: dict[str, Any] = {}
    if i.get("s3Targets"):
        targets["S3Targets"] = [{"Path": t["path"]} for t in i["s3Targets"]]
    if i.get("catalogTargets"):
        targets["CatalogTargets"] = [
            {"DatabaseName": t["databaseName"], "Tables": t["tables"]} for t in i["catalogTargets"]
        ]
    optional = {"TablePrefix": i.get("tablePrefix"), "Classifiers": i.get("classifiers") or None}
    a.glue.create_crawler(
        Name=i["name"],
        Role=i["role"],
        DatabaseName=i["databaseName"],
        Description=i.get("description", ""),
        Targets=targets,
        SchemaChangePolicy={
            "UpdateBehavior": i["schemaChangePolicy"]["updateBehavior"],
            "DeleteBehavior": i["schemaChangePolicy"]["deleteBehavior"],
        },
        RecrawlPolicy={"RecrawlBehavior": i["recrawlPolicy"]["recrawlBehavior"]},
        Tags=a.tags(i),
        **{key: value for key, value in optional.items() if value},
    )


def job(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(
        i,
        {
            "name",
            "description",
            "roleArn",
            "glueVersion",
            "command",
            "defaultArguments",
            "connections",
            "workerType",
            "numberOfWorkers",
            "timeout",
            "maxRetries",
            "executionProperty",
        },
        "Job",
    )
    command = i["command"]
    a.glue.create_job(
        Name=i["name"],
        Description=i.get("description", ""),
        Role=i["roleArn"],
        GlueVersion=i["glueVersion"],
        Command={
            "Name": command["name"],
            "ScriptLocation": command["scriptLocation"],
            "PythonVersion": command["pythonVersion"],
        },
        DefaultArguments=i["defaultArguments"],
        Connections={"Connections": i["connections"]},
        WorkerType=i["workerType"],
        NumberOfWorkers=int(i["numberOfWorkers"]),
        Timeout=int(i["timeout"]),
        MaxRetries=int(i["maxRetries"]),
        ExecutionProperty={"MaxConcurrentRuns": int(i["executionProperty"]["maxConcurrentRuns"])},
        Tags=a.tags(i),
    )


def workflow(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"name", "description", "maxConcurrentRuns"}, "Workflow")
    a.glue.create_workflow(
        Name=i["name"],
        Description=i.get("description", ""),
        MaxConcurrentRuns=int(i["maxConcurrentRuns"]),
        Tags=a.tags(i),
    )


def trigger(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"name", "description", "type", "workflowName", "actions"}, "Trigger")
    a.glue.create_trigger(
        Name=i["name"],
        Description=i.get("description", ""),
        Type=i["type"],
        WorkflowName=i["workflowName"],
        Actions=[{"JobName": action["jobName"]} for action in i["actions"]],
        Tags=a.tags(i),
    )


def registry(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"registryName", "description"}, "Registry")
    a.glue.create_registry(
        RegistryName=i["registryName"], Description=i.get("description", ""), Tags=a.tags(i)
    )


def schema(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(
        i,
        {
            "schemaName",
            "description",
            "registryArn",
            "dataFormat",
            "compatibility",
            "schemaDefinition",
        },
        "Schema",
    )
    a.glue.create_schema(
        RegistryId={"RegistryArn": i["registryArn"]},
        SchemaName=i["schemaName"],
        DataFormat=i["dataFormat"],
        Compatibility=i["compatibility"],
        Description=i.get("description", ""),
        SchemaDefinition=i["schemaDefinition"],
        Tags=a.tags(i),
    )
    a.physical[r.urn] = {"RegistryName": i["registryArn"].rsplit("/", 1)[1]}


# --- Athena -----------------------------------------------------------------------------


def _capitalised(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {
            renames.get(key, key[0].upper() + key[1:]): _capitalised(v, renames)
            for key, v in value.items()
        }
    return value


def workgroup(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"name", "description", "state", "configuration", "forceDestroy"}, "Workgroup")
    configuration = _capitalised(
        i["configuration"],
        {
            "enforceWorkgroupConfiguration": "EnforceWorkGroupConfiguration",
            "publishCloudwatchMetricsEnabled": "PublishCloudWatchMetricsEnabled",
        },
    )
    configuration["BytesScannedCutoffPerQuery"] = int(configuration["BytesScannedCutoffPerQuery"])
    assert i.get("state", "ENABLED") == "ENABLED", r.name
    a.athena.create_work_group(
        Name=i["name"],
        Description=i.get("description", ""),
        Configuration=configuration,
        Tags=_tag_list(a.tags(i)),
    )
    a.physical[r.urn] = bool(i.get("forceDestroy"))


def named_query(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"name", "description", "workgroup", "database", "query"}, "NamedQuery")
    a.physical[r.urn] = a.athena.create_named_query(
        Name=i["name"],
        Description=i.get("description", ""),
        Database=i["database"],
        QueryString=i["query"],
        WorkGroup=i["workgroup"],
    )["NamedQueryId"]


# --- Lake Formation ---------------------------------------------------------------------


def lake_formation_resource(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    _only(i, {"arn", "roleArn", "hybridAccessEnabled"}, "lakeformation.Resource")
    a.lakeformation.register_resource(
        ResourceArn=i["arn"], RoleArn=i["roleArn"], HybridAccessEnabled=i["hybridAccessEnabled"]
    )


def _grant(i: dict[str, Any]) -> dict[str, Any]:
    _only(i, {"principal", "permissions", "database", "table"}, "lakeformation.Permissions")
    if "table" in i:
        table = i["table"]
        resource = {"Table": {"DatabaseName": table["databaseName"], "Name": table["name"]}}
    else:
        resource = {"Database": {"Name": i["database"]["name"]}}
    return {
        "Principal": {"DataLakePrincipalIdentifier": i["principal"]},
        "Resource": resource,
        "Permissions": i["permissions"],
    }


def lake_formation_permissions(a: Applied, r: Registered, i: dict[str, Any]) -> None:
    grant = _grant(i)
    a.lakeformation.grant_permissions(**grant)
    a.physical[r.urn] = grant


CREATE: dict[str, Handler] = {
    "aws:iam/role:Role": role,
    "aws:iam/rolePolicy:RolePolicy": role_policy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": role_policy_attachment,
    "aws:ec2/vpc:Vpc": vpc,
    "aws:ec2/subnet:Subnet": subnet,
    "aws:ec2/securityGroup:SecurityGroup": security_group,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ingress_rule,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": egress_rule,
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpc_endpoint,
    "aws:glue/connection:Connection": connection,
    "aws:glue/classifier:Classifier": classifier,
    "aws:glue/crawler:Crawler": crawler,
    "aws:glue/job:Job": job,
    "aws:glue/workflow:Workflow": workflow,
    "aws:glue/trigger:Trigger": trigger,
    "aws:glue/registry:Registry": registry,
    "aws:glue/schema:Schema": schema,
    "aws:athena/workgroup:Workgroup": workgroup,
    "aws:athena/namedQuery:NamedQuery": named_query,
    "aws:lakeformation/resource:Resource": lake_formation_resource,
    "aws:lakeformation/permissions:Permissions": lake_formation_permissions,
}
"""Per resource type: the calls the provider's create makes."""


DELETE: dict[str, Handler] = {
    "aws:iam/role:Role": lambda a, r, i: a.iam.delete_role(RoleName=i["name"]),
    "aws:iam/rolePolicy:RolePolicy": lambda a, r, i: a.iam.delete_role_policy(
        RoleName=i["role"], PolicyName=i["name"]
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": lambda a, r, i: a.iam.detach_role_policy(
        RoleName=i["role"], PolicyArn=i["policyArn"]
    ),
    "aws:ec2/vpc:Vpc": lambda a, r, i: a.ec2.delete_vpc(VpcId=a.physical[r.urn]),
    "aws:ec2/subnet:Subnet": lambda a, r, i: a.ec2.delete_subnet(SubnetId=a.physical[r.urn]),
    "aws:ec2/securityGroup:SecurityGroup": lambda a, r, i: a.ec2.delete_security_group(
        GroupId=a.physical[r.urn]
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": lambda a, r, i: (
        a.ec2.revoke_security_group_ingress(
            GroupId=i["securityGroupId"], IpPermissions=[_rule_permission(i)]
        )
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": lambda a, r, i: (
        a.ec2.revoke_security_group_egress(
            GroupId=i["securityGroupId"], IpPermissions=[_rule_permission(i)]
        )
    ),
    "aws:ec2/vpcEndpoint:VpcEndpoint": lambda a, r, i: a.ec2.delete_vpc_endpoints(
        VpcEndpointIds=[a.physical[r.urn]]
    ),
    "aws:glue/connection:Connection": lambda a, r, i: a.glue.delete_connection(
        ConnectionName=i["name"]
    ),
    "aws:glue/classifier:Classifier": lambda a, r, i: a.glue.delete_classifier(Name=i["name"]),
    "aws:glue/crawler:Crawler": lambda a, r, i: a.glue.delete_crawler(Name=i["name"]),
    "aws:glue/job:Job": lambda a, r, i: a.glue.delete_job(JobName=i["name"]),
    "aws:glue/workflow:Workflow": lambda a, r, i: a.glue.delete_workflow(Name=i["name"]),
    "aws:glue/trigger:Trigger": lambda a, r, i: a.glue.delete_trigger(Name=i["name"]),
    "aws:glue/registry:Registry": lambda a, r, i: a.glue.delete_registry(
        RegistryId={"RegistryName": i["registryName"]}
    ),
    "aws:glue/schema:Schema": lambda a, r, i: a.glue.delete_schema(
        SchemaId={**a.physical[r.urn], "SchemaName": i["schemaName"]}
    ),
    "aws:athena/workgroup:Workgroup": lambda a, r, i: a.athena.delete_work_group(
        WorkGroup=i["name"], RecursiveDeleteOption=a.physical[r.urn]
    ),
    "aws:athena/namedQuery:NamedQuery": lambda a, r, i: a.athena.delete_named_query(
        NamedQueryId=a.physical[r.urn]
    ),
    "aws:lakeformation/resource:Resource": lambda a, r, i: a.lakeformation.deregister_resource(
        ResourceArn=i["arn"]
    ),
    "aws:lakeformation/permissions:Permissions": lambda a, r, i: a.lakeformation.revoke_permissions(
        **a.physical[r.urn]
    ),
}
"""Per resource type: the call the provider's delete makes."""
