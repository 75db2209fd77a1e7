"""An inventory of a stack's account, read through boto3 alone, in the ground truth's shape.

It knows the stack only by its names' prefix (``aws2openstack-<env>-``) and its bucket; every
relation (what runs as which role, which tables a crawler covers, which table a schema
describes, what a saved query reads) is found from what AWS answers, the way an assessment
tool would, not taken from the plan. Equal to the ``account`` section of the ground truth,
it confirms the section describes what was created.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any

_QUOTED_TABLE = re.compile(r'"([^"]+)"\."([^"]+)"')
_CREATE = re.compile(r'CREATE TABLE\s+"([^"]+)"\."([^"]+)"', re.IGNORECASE)
_PRESTO_VIEW = re.compile(r"^/\* Presto View: (.*) \*/$", re.DOTALL)


def _tag(tags: Iterable[dict[str, str]], key: str) -> str | None:
    return next((t["Value"] for t in tags or [] if t["Key"] == key), None)


def _service(principal: str) -> str:
    return principal.removesuffix(".amazonaws.com")


class Inventory:
    def __init__(self, clients: dict[str, Any], env: str, bucket: str, region: str) -> None:
        self.c = clients
        self.prefix = f"aws2openstack-{env}-"
        self.bucket = bucket
        self.region = region
        self.account = clients["sts"].get_caller_identity()["Account"]

    def ours(self, name: str | None) -> bool:
        return bool(name) and name.startswith(self.prefix)

    def glue_arn(self, kind: str, name: str) -> str | None:
        """The ARN by AWS's rule, if the emulator knows the resource by it (its tags)."""
        arn = f"arn:aws:glue:{self.region}:{self.account}:{kind}/{name}"
        return arn if self.c["glue"].get_tags(ResourceArn=arn)["Tags"] else None

    # --- catalog ----------------------------------------------------------------------

    def tables(self) -> dict[str, dict[str, Any]]:
        """Every table of every database, by ``<database>.<table>``."""
        glue = self.c["glue"]
        found = {}
        for database in glue.get_databases()["DatabaseList"]:
            pages = glue.get_paginator("get_tables").paginate(DatabaseName=database["Name"])
            for page in pages:
                for table in page["TableList"]:
                    found[f"{database['Name']}.{table['Name']}"] = table
        return found

    # --- the whole account ------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        glue, athena, lf = self.c["glue"], self.c["athena"], self.c["lakeformation"]
        tables = self.tables()
        network = self.network()
        crawlers = [c for c in glue.get_crawlers()["Crawlers"] if self.ours(c["Name"])]
        jobs = [j for j in glue.get_jobs()["Jobs"] if self.ours(j["Name"])]
        triggers = [t for t in glue.get_triggers()["Triggers"] if self.ours(t["Name"])]
        workflows = [w for w in glue.list_workflows()["Workflows"] if self.ours(w)]
        connections = [c for c in glue.get_connections()["ConnectionList"] if self.ours(c["Name"])]
        registries = [
            r for r in glue.list_registries()["Registries"] if self.ours(r["RegistryName"])
        ]
        workgroups = [
            w["Name"] for w in athena.list_work_groups()["WorkGroups"] if self.ours(w["Name"])
        ]
        roles = self.roles()
        role_arns = {role["arn"] for role in roles}
        bucket_arn = f"arn:aws:s3:::{self.bucket}"
        locations = [
            r for r in lf.list_resources()["ResourceInfoList"] if r["ResourceArn"] == bucket_arn
        ]
        grants = [
            p
            for p in lf.list_permissions()["PrincipalResourcePermissions"]
            if p["Principal"]["DataLakePrincipalIdentifier"] in role_arns
        ]
        jobs_of = {t["WorkflowName"]: [a["JobName"] for a in t["Actions"]] for t in triggers}
        used_by: dict[str, list[str]] = {arn: [] for arn in role_arns}
        for crawler in crawlers:
            used_by[crawler["Role"]].append(f"glue_crawler:{crawler['Name']}")
        for job in jobs:
            used_by[job["Role"]].append(f"glue_job:{job['Name']}")
        for location in locations:
            used_by[location["RoleArn"]].append(f"lake_formation_resource:{bucket_arn}")
        for grant in grants:
            used_by[grant["Principal"]["DataLakePrincipalIdentifier"]].append(
                f"lake_formation_permissions:{_target(grant['Resource'])}"
            )
        for role in roles:
            role["used_by"] = sorted(used_by[role["arn"]])
        queries = [
            self.named_query(query_id, tables)
            for workgroup in workgroups
            for query_id in athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"]
        ]
        return {
            "iam_roles": roles,
            **{key: network[key] for key in ("vpc", "subnets", "security_groups")},
            "glue_connections": [self.connection(c, network, jobs) for c in connections],
            "glue_classifiers": [
                self.classifier(c)
                for c in glue.get_classifiers()["Classifiers"]
                if self.ours(c.get("CsvClassifier", {}).get("Name"))
            ],
            "glue_crawlers": [self.crawler(c, tables) for c in crawlers],
            "glue_jobs": [self.job(j, tables, jobs_of) for j in jobs],
            "glue_workflows": [
                {
                    "name": name,
                    "arn": self.glue_arn("workflow", name),
                    "triggers": sorted(t["Name"] for t in triggers if t["WorkflowName"] == name),
                    "jobs": sorted(jobs_of.get(name, [])),
                }
                for name in workflows
            ],
            "glue_triggers": [
                {
                    "name": t["Name"],
                    "arn": self.glue_arn("trigger", t["Name"]),
                    "type": t["Type"],
                    "schedule": t.get("Schedule"),
                    "workflow": t.get("WorkflowName"),
                    "jobs": [a["JobName"] for a in t["Actions"]],
                }
                for t in triggers
            ],
            "glue_registries": [
                {
                    "name": r["RegistryName"],
                    "arn": r["RegistryArn"],
                    "schemas": [s["SchemaName"] for s in self.schemas_of(r["RegistryName"])],
                }
                for r in registries
            ],
            "glue_schemas": [
                self.schema(s, tables)
                for r in registries
                for s in self.schemas_of(r["RegistryName"])
            ],
            "athena_workgroups": [self.workgroup(name) for name in workgroups],
            "athena_named_queries": queries,
            "lake_formation": {
                "declared": bool(locations or grants),
                "resources": [
                    {
                        "arn": r["ResourceArn"],
                        "role_arn": r["RoleArn"],
                        "hybrid_access_enabled": r.get("HybridAccessEnabled"),
                    }
                    for r in locations
                ],
                "permissions": [
                    {
                        "principal": g["Principal"]["DataLakePrincipalIdentifier"],
                        "resource": _resource(g["Resource"]),
                        "permissions": sorted(g["Permissions"]),
                    }
                    for g in grants
                ],
            },
            "rows": {
                "iam_roles": [
                    {
                        "role_name": r["name"],
                        "role_arn": r["arn"],
                        "used_by_services": r["used_by_services"],
                    }
                    for r in roles
                ],
                "vpc_resources": network["rows"]
                + [
                    {
                        "resource_type": "glue_connection",
                        "name": c["Name"],
                        "vpc": network["vpc_of"][c["PhysicalConnectionRequirements"]["SubnetId"]],
                        "subnets": [
                            network["names"][c["PhysicalConnectionRequirements"]["SubnetId"]]
                        ],
                        "security_groups": [
                            network["names"][g]
                            for g in c["PhysicalConnectionRequirements"]["SecurityGroupIdList"]
                        ],
                        "metadata": {"type": c.get("ConnectionType")},
                    }
                    for c in connections
                ],
            },
        }

    # --- IAM --------------------------------------------------------------------------

    def roles(self) -> list[dict[str, Any]]:
        iam = self.c["iam"]
        found = []
        for listed in iam.list_roles()["Roles"]:
            name = listed["RoleName"]
            if not self.ours(name):
                continue
            role = iam.get_role(RoleName=name)["Role"]
            trust = role["AssumeRolePolicyDocument"]
            services = [
                service
                for statement in trust["Statement"]
                for service in _as_list(statement.get("Principal", {}).get("Service"))
            ]
            found.append(
                {
                    "name": name,
                    "arn": role["Arn"],
                    "trust_policy": trust,
                    "managed_policy_arns": [
                        p["PolicyArn"]
                        for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
                    ],
                    "inline_policies": {
                        policy: iam.get_role_policy(RoleName=name, PolicyName=policy)[
                            "PolicyDocument"
                        ]
                        for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]
                    },
                    "used_by_services": sorted(_service(s) for s in services),
                }
            )
        return found

    # --- network ----------------------------------------------------------------------

    def network(self) -> dict[str, Any]:
        ec2 = self.c["ec2"]
        ours = [{"Name": "tag:Name", "Values": [f"{self.prefix}*"]}]
        subnets = ec2.describe_subnets(Filters=ours)["Subnets"]
        vpc_id = subnets[0]["VpcId"]
        vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
        vpc_name = _tag(vpc.get("Tags"), "Name")
        created = self.ours(vpc_name)
        groups = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, *ours]
        )["SecurityGroups"]
        endpoints = ec2.describe_vpc_endpoints(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, *ours]
        )["VpcEndpoints"]
        main = ec2.describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )["RouteTables"][0]["RouteTableId"]
        names = {s["SubnetId"]: _tag(s["Tags"], "Name") for s in subnets}
        names.update({g["GroupId"]: g["GroupName"] for g in groups})
        vpc_ref = vpc_name if created else vpc_id
        endpoint = None
        if endpoints:
            only = endpoints[0]
            endpoint = {
                "name": _tag(only["Tags"], "Name"),
                "service": only["ServiceName"],
                "type": only["VpcEndpointType"],
                "route_tables": ["main" if r == main else r for r in only["RouteTableIds"]],
            }

        def attribute(name: str) -> bool:
            answer = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=name)
            return answer[name[0].upper() + name[1:]]["Value"]

        if created:
            vpc_entry = {
                "created": True,
                "name": vpc_name,
                "cidr": vpc["CidrBlock"],
                "dns_support": attribute("enableDnsSupport"),
                "dns_hostnames": attribute("enableDnsHostnames"),
                "s3_endpoint": endpoint,
            }
        else:
            vpc_entry = {"created": False, "id": vpc_id, "s3_endpoint": endpoint}

        def row(kind, name, subnet_names, group_names, **metadata):
            return {
                "resource_type": kind,
                "name": name,
                "vpc": vpc_ref,
                "subnets": subnet_names,
                "security_groups": group_names,
                "metadata": metadata,
            }

        subnet_names = [names[s["SubnetId"]] for s in subnets]
        group_names = [g["GroupName"] for g in groups]
        rows = [row("vpc", vpc_ref, subnet_names, group_names, created=created)]
        rows += [
            row(
                "subnet",
                names[s["SubnetId"]],
                [names[s["SubnetId"]]],
                [],
                cidr=s["CidrBlock"],
                availability_zone=s["AvailabilityZone"],
            )
            for s in subnets
        ]
        rows += [row("security_group", g, [], [g]) for g in group_names]
        rows += [
            row("vpc_endpoint", _tag(e["Tags"], "Name"), [], [], service=e["ServiceName"])
            for e in endpoints
        ]
        return {
            "vpc": vpc_entry,
            "subnets": [
                {
                    "name": names[s["SubnetId"]],
                    "cidr": s["CidrBlock"],
                    "availability_zone": s["AvailabilityZone"],
                }
                for s in subnets
            ],
            "security_groups": [
                {
                    "name": g["GroupName"],
                    "description": g["Description"],
                    "ingress": [_rule(p, g["GroupId"], "source") for p in g["IpPermissions"]],
                    "egress": [
                        _rule(p, g["GroupId"], "destination") for p in g["IpPermissionsEgress"]
                    ],
                }
                for g in groups
            ],
            "names": names,
            "vpc_of": {s["SubnetId"]: vpc_ref for s in subnets},
            "rows": rows,
        }

    # --- Glue -------------------------------------------------------------------------

    def connection(self, c: dict[str, Any], network: dict[str, Any], jobs: list) -> dict:
        requirements = c["PhysicalConnectionRequirements"]
        return {
            "name": c["Name"],
            "arn": self.glue_arn("connection", c["Name"]),
            "type": c.get("ConnectionType"),
            "subnet": network["names"][requirements["SubnetId"]],
            "availability_zone": requirements["AvailabilityZone"],
            "security_groups": [network["names"][g] for g in requirements["SecurityGroupIdList"]],
            "vpc": network["vpc_of"][requirements["SubnetId"]],
            "used_by": sorted(
                f"glue_job:{j['Name']}"
                for j in jobs
                if c["Name"] in j.get("Connections", {}).get("Connections", [])
            ),
        }

    @staticmethod
    def classifier(c: dict[str, Any]) -> dict[str, Any]:
        csv = c["CsvClassifier"]
        return {
            "name": csv["Name"],
            "type": "csv",
            "delimiter": csv["Delimiter"],
            "contains_header": csv["ContainsHeader"],
            "header": csv["Header"],
        }

    def crawler(self, c: dict[str, Any], tables: dict[str, dict]) -> dict[str, Any]:
        targets = c["Targets"]
        paths = [t["Path"] for t in targets.get("S3Targets", [])]
        catalog = [
            {"database": t["DatabaseName"], "tables": t["Tables"]}
            for t in targets.get("CatalogTargets", [])
        ]
        covered = {
            key
            for key, table in tables.items()
            for path in paths
            if table.get("StorageDescriptor", {}).get("Location", "").startswith(path)
        }
        covered |= {f"{t['database']}.{name}" for t in catalog for name in t["tables"]}
        policy = c["SchemaChangePolicy"]
        return {
            "name": c["Name"],
            "arn": self.glue_arn("crawler", c["Name"]),
            "role": c["Role"].rsplit("/", 1)[1],
            "role_arn": c["Role"],
            "database": c["DatabaseName"],
            "schedule": (c.get("Schedule") or {}).get("ScheduleExpression"),
            "s3_targets": paths,
            "catalog_targets": catalog,
            "classifiers": c.get("Classifiers", []),
            "table_prefix": c.get("TablePrefix", ""),
            "schema_change_policy": {
                "update_behavior": policy["UpdateBehavior"],
                "delete_behavior": policy["DeleteBehavior"],
            },
            "tables": sorted(covered & set(tables)),
        }

    def job(self, j: dict[str, Any], tables: dict[str, dict], jobs_of: dict) -> dict[str, Any]:
        arguments = j["DefaultArguments"]
        return {
            "name": j["Name"],
            "arn": self.glue_arn("job", j["Name"]),
            "role": j["Role"].rsplit("/", 1)[1],
            "role_arn": j["Role"],
            "connections": j["Connections"]["Connections"],
            "glue_version": j["GlueVersion"],
            "command": j["Command"]["Name"],
            "script_location": j["Command"]["ScriptLocation"],
            "default_arguments": arguments,
            "job_bookmarks": arguments.get("--job-bookmark-option"),
            "worker_type": j["WorkerType"],
            "number_of_workers": j["NumberOfWorkers"],
            "timeout_minutes": j["Timeout"],
            "reads": sorted(
                key
                for key, table in tables.items()
                if table.get("StorageDescriptor", {}).get("Location") == arguments.get("--source")
            ),
            "writes": arguments.get("--target"),
            "workflows": sorted(w for w, names in jobs_of.items() if j["Name"] in names),
        }

    def schemas_of(self, registry: str) -> list[dict[str, Any]]:
        return self.c["glue"].list_schemas(RegistryId={"RegistryName": registry})["Schemas"]

    def schema(self, listed: dict[str, Any], tables: dict[str, dict]) -> dict[str, Any]:
        glue = self.c["glue"]
        schema_id = {"RegistryName": listed["RegistryName"], "SchemaName": listed["SchemaName"]}
        schema = glue.get_schema(SchemaId=schema_id)
        definition = glue.get_schema_version(
            SchemaId=schema_id, SchemaVersionNumber={"LatestVersion": True}
        )["SchemaDefinition"]
        described = [
            key
            for key, table in tables.items()
            if _avro_literal(table) is not None
            and json.loads(_avro_literal(table)) == json.loads(definition)
        ]
        return {
            "name": schema["SchemaName"],
            "arn": schema["SchemaArn"],
            "registry": schema["RegistryName"],
            "data_format": schema["DataFormat"],
            "compatibility": schema["Compatibility"],
            "definition": definition,
            "table": described[0] if len(described) == 1 else described,
        }

    # --- Athena -----------------------------------------------------------------------

    def workgroup(self, name: str) -> dict[str, Any]:
        athena = self.c["athena"]
        configuration = athena.get_work_group(WorkGroup=name)["WorkGroup"]["Configuration"]
        result = configuration["ResultConfiguration"]
        arn = f"arn:aws:athena:{self.region}:{self.account}:workgroup/{name}"
        tagged = athena.list_tags_for_resource(ResourceARN=arn)["Tags"]
        return {
            "name": name,
            "arn": arn if tagged else None,
            "enforce_workgroup_configuration": configuration["EnforceWorkGroupConfiguration"],
            "output_location": result["OutputLocation"],
            "encryption": result["EncryptionConfiguration"]["EncryptionOption"],
            "bytes_scanned_cutoff_per_query": configuration["BytesScannedCutoffPerQuery"],
            "engine_version": configuration["EngineVersion"]["SelectedEngineVersion"],
            "named_queries": sorted(
                athena.get_named_query(NamedQueryId=query_id)["NamedQuery"]["Name"]
                for query_id in athena.list_named_queries(WorkGroup=name)["NamedQueryIds"]
            ),
        }

    def named_query(self, query_id: str, tables: dict[str, dict]) -> dict[str, Any]:
        query = self.c["athena"].get_named_query(NamedQueryId=query_id)["NamedQuery"]
        text = query["QueryString"]
        creates = {".".join(m) for m in _CREATE.findall(text)}
        reads = {".".join(m) for m in _QUOTED_TABLE.findall(text)} - creates
        return {
            "name": query["Name"],
            "workgroup": query["WorkGroup"],
            "database": query["Database"],
            "query": text,
            "reads": sorted(reads),
            "base_tables": sorted({base for read in reads for base in _base(read, tables)}),
            "creates": sorted(creates),
        }


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _rule(permission: dict[str, Any], group_id: str, peer: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"protocol": permission["IpProtocol"]}
    if permission["IpProtocol"] != "-1":
        rule.update(from_port=permission["FromPort"], to_port=permission["ToPort"])
    pairs = permission.get("UserIdGroupPairs") or []
    ranges = permission.get("IpRanges") or []
    if pairs:
        rule[peer] = "self" if pairs[0]["GroupId"] == group_id else pairs[0]["GroupId"]
    elif ranges:
        rule[peer] = ranges[0]["CidrIp"]
    return rule


def _target(resource: dict[str, Any]) -> str:
    if "Table" in resource:
        return f"{resource['Table']['DatabaseName']}.{resource['Table']['Name']}"
    return resource["Database"]["Name"]


def _resource(resource: dict[str, Any]) -> dict[str, str]:
    if "Table" in resource:
        return {"database": resource["Table"]["DatabaseName"], "table": resource["Table"]["Name"]}
    return {"database": resource["Database"]["Name"]}


def _avro_literal(table: dict[str, Any]) -> str | None:
    descriptor = table.get("StorageDescriptor") or {}
    serde = (descriptor.get("SerdeInfo") or {}).get("Parameters") or {}
    return serde.get("avro.schema.literal") or (table.get("Parameters") or {}).get(
        "avro.schema.literal"
    )


def _base(key: str, tables: dict[str, dict]) -> set[str]:
    """The tables whose data ``key`` scans: itself, or a Presto view's base tables."""
    table = tables.get(key, {})
    view = _PRESTO_VIEW.match(table.get("ViewOriginalText") or "")
    if table.get("TableType") != "VIRTUAL_VIEW" or not view:
        return {key}
    sql = json.loads(base64.b64decode(view.group(1)))["originalSql"]
    return {".".join(m) for m in _QUOTED_TABLE.findall(sql)}


def leftovers(clients: dict[str, Any], env: str, bucket: str) -> dict[str, list[str]]:
    """What of the stack's account is still in the emulator, by kind (empty lists: nothing)."""
    prefix = f"aws2openstack-{env}-"
    iam, ec2, glue, athena = clients["iam"], clients["ec2"], clients["glue"], clients["athena"]
    ours = [{"Name": "tag:Name", "Values": [f"{prefix}*"]}]
    workgroups = [w["Name"] for w in athena.list_work_groups()["WorkGroups"]]
    # moto lists a deleted workgroup's saved queries by its name: ask for ours by name too.
    workgroups += [f"{prefix}analysts"]
    return {
        "iam_roles": [
            r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix)
        ],
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs(Filters=ours)["Vpcs"]],
        "subnets": [s["SubnetId"] for s in ec2.describe_subnets(Filters=ours)["Subnets"]],
        "security_groups": [
            g["GroupName"]
            for g in ec2.describe_security_groups()["SecurityGroups"]
            if g["GroupName"].startswith(prefix)
        ],
        # A deleted endpoint is listed a while longer, as "deleted" (AWS does so too).
        "vpc_endpoints": [
            e["VpcEndpointId"]
            for e in ec2.describe_vpc_endpoints(Filters=ours)["VpcEndpoints"]
            if e["State"].lower() != "deleted"
        ],
        "glue_connections": [
            c["Name"]
            for c in glue.get_connections()["ConnectionList"]
            if c["Name"].startswith(prefix)
        ],
        "glue_classifiers": [
            next(iter(c.values()))["Name"]
            for c in glue.get_classifiers()["Classifiers"]
            if next(iter(c.values()))["Name"].startswith(prefix)
        ],
        "glue_crawlers": [
            c["Name"] for c in glue.get_crawlers()["Crawlers"] if c["Name"].startswith(prefix)
        ],
        "glue_jobs": [j["Name"] for j in glue.get_jobs()["Jobs"] if j["Name"].startswith(prefix)],
        "glue_triggers": [
            t["Name"] for t in glue.get_triggers()["Triggers"] if t["Name"].startswith(prefix)
        ],
        "glue_workflows": [w for w in glue.list_workflows()["Workflows"] if w.startswith(prefix)],
        "glue_registries": [
            r["RegistryName"]
            for r in glue.list_registries()["Registries"]
            if r["RegistryName"].startswith(prefix)
        ],
        "athena_workgroups": [w for w in workgroups[:-1] if w.startswith(prefix)],
        "athena_named_queries": sorted(
            query["Name"]
            for query_id in {
                query_id
                for workgroup in workgroups
                for query_id in athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"]
            }
            for query in [athena.get_named_query(NamedQueryId=query_id)["NamedQuery"]]
            if query["Name"].startswith(prefix)
        ),
        "lake_formation_resources": [
            r["ResourceArn"]
            for r in clients["lakeformation"].list_resources()["ResourceInfoList"]
            if r["ResourceArn"] == f"arn:aws:s3:::{bucket}"
        ],
        "lake_formation_permissions": [
            json.dumps(p["Resource"], sort_keys=True)
            for p in clients["lakeformation"].list_permissions()["PrincipalResourcePermissions"]
            if p["Principal"]["DataLakePrincipalIdentifier"].rsplit("/", 1)[-1].startswith(prefix)
        ],
    }
