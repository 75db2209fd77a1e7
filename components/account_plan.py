"""The account family's plan: every name, ARN, prefix, query and policy it declares.

Pure: computed from the configuration, the account id, the bucket, the manifest, the
region's availability zones and the Lake Formation check, before any resource exists.
``components.account_resources`` declares it; ``families.account.truth`` describes it in
the ground truth; the two cannot disagree because neither computes a name of its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from components import account_policies as policies
from components import naming
from components.account_policies import Scope
from components.account_queries import ATHENA_CTAS_PREFIX, NamedQuery, named_queries
from components.config import AccountSettings
from components.lake_formation_check import AdminCheck
from datagen.catalog import TABLES_BY_NAME, ZOO_ROLE
from datagen.kinds import avro_crawler, crawler_csv, csv_header, tsv
from datagen.manifest import Manifest

SCRIPTS_PREFIX = "_testenv/glue/scripts/"
SCRIPT_KEY = f"{SCRIPTS_PREFIX}sales_by_region.py"
JOB_OUTPUT_PREFIX = "_testenv/glue/output/"
JOB_TEMP_PREFIX = "_testenv/glue/temp/"
ATHENA_RESULTS_PREFIX = "_testenv/athena/results/"
GLUE_VERSION = "5.0"
"""Spark 3.5 and Python 3.11; the job's script uses nothing newer."""
JOB_WORKER_TYPE = "G.1X"
JOB_WORKERS = 2  # the fewest a G.1X job may have
JOB_TIMEOUT_MINUTES = 10
BYTES_SCANNED_CUTOFF = 1024**3
"""Athena cancels a query of the workgroup past 1 GiB scanned: at most $0.005 a query."""
ATHENA_ENGINE = "Athena engine version 3"
CRAWLER_TABLE_PREFIX = "crawled_"
"""What a run of the S3 crawler would name its tables: never one the stack registered."""


def aws_partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def key_prefix(uri: str, bucket: str) -> str:
    """``s3://<bucket>/zoo/tsv/`` -> ``zoo/tsv/``."""
    head = f"s3://{bucket}/"
    if not uri.startswith(head):
        raise ValueError(f"{uri!r} is not in bucket {bucket!r}")
    return uri[len(head) :]


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    arn: str
    description: str
    trust_policy: dict[str, Any]
    inline_policy_name: str
    inline_policy: dict[str, Any]
    managed_policy_arns: tuple[str, ...] = ()
    used_by_services: tuple[str, ...] = ()
    """The services its trust policy lets assume it (``glue.amazonaws.com`` -> ``glue``)."""
    used_by: tuple[str, ...] = ()
    """What runs as it or names it, as ``<kind>:<name>``."""


@dataclass(frozen=True)
class Subnet:
    name: str
    cidr: str
    availability_zone: str


@dataclass(frozen=True)
class Network:
    vpc_name: str
    subnets: tuple[Subnet, ...]
    security_group_name: str
    security_group_description: str
    s3_service: str
    vpc_id: str | None = None
    """A shared VPC's id (config ``vpcId``); ``None``: the stack's own."""
    vpc_cidr: str | None = None
    endpoint_name: str | None = None
    """The S3 gateway endpoint on the own VPC's main route table; ``None`` in a shared VPC."""


@dataclass(frozen=True)
class Crawler:
    key: str
    name: str
    arn: str
    description: str
    database: str
    tables: tuple[str, ...]
    """The registered tables it covers, ``<database>.<table>``."""
    s3_targets: tuple[str, ...] = ()
    catalog_targets: tuple[tuple[str, tuple[str, ...]], ...] = ()
    classifiers: tuple[str, ...] = ()
    table_prefix: str = ""


@dataclass(frozen=True)
class Named:
    name: str
    arn: str | None
    """``None`` for what has no ARN (a classifier)."""
    description: str = ""


@dataclass(frozen=True)
class AccountPlan:
    env: str
    region: str
    account_id: str
    scope: Scope
    roles: tuple[Role, ...]
    network: Network
    connection: Named
    classifier: Named
    classifier_header: tuple[str, ...]
    classifier_delimiter: str
    crawlers: tuple[Crawler, ...]
    job: Named
    job_arguments: dict[str, str]
    job_reads: tuple[str, ...]
    job_writes: str
    script_location: str
    workflow: Named
    trigger: Named
    registry: Named
    schema: Named
    schema_definition: str
    schema_table: str
    workgroup: Named
    results_location: str
    queries: tuple[NamedQuery, ...]
    lake_formation: AdminCheck
    lake_formation_location: str
    lake_formation_grants: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    """``(<database>`` or ``<database>.<table>``, permissions) for the analyst role."""

    def role(self, key: str) -> Role:
        return next(role for role in self.roles if role.key == key)


def account_plan(
    *,
    env: str,
    region: str,
    account_id: str,
    bucket: str,
    manifest: Manifest,
    settings: AccountSettings,
    availability_zones: Sequence[str],
    lake_formation: AdminCheck,
    kms_key_id: str | None = None,
) -> AccountPlan:
    """Everything the account family declares, for one stack (docs/account.md)."""
    if len(availability_zones) < len(settings.subnet_cidrs):
        raise ValueError(
            f"region {region} offers {len(availability_zones)} availability zone(s) to this "
            f"account; the Glue subnets need {len(settings.subnet_cidrs)}"
        )
    partition = aws_partition(region)
    scope = Scope(partition, region, account_id, bucket, kms_key_id)

    def name(role: str) -> str:
        return naming.account_name(env, role)

    analytics = naming.database_name(env, TABLES_BY_NAME["sales_data"].role)
    zoo = naming.database_name(env, ZOO_ROLE)

    def location(role: str, table: str) -> str:
        return manifest.table(f"{role}/{table}").location

    def prefix(uri: str) -> str:
        return key_prefix(uri, bucket)

    network = Network(
        vpc_name=name("vpc"),
        subnets=tuple(
            Subnet(name(f"private-{i + 1}"), cidr, zone)
            for i, (cidr, zone) in enumerate(
                zip(settings.subnet_cidrs, sorted(availability_zones), strict=False)
            )
        ),
        security_group_name=name("glue-connection"),
        security_group_description="Glue connection of aws2openstack test stack " + env,
        s3_service=f"com.amazonaws.{region}.s3",
        vpc_id=settings.vpc_id,
        vpc_cidr=settings.vpc_cidr,
        endpoint_name=None if settings.vpc_id else name("s3-endpoint"),
    )
    classifier = Named(name("tab-separated"), None, "Tab-separated text without a header.")
    files_crawler = Crawler(
        key="files",
        name=name("zoo-files-crawler"),
        arn=scope.glue(f"crawler/{name('zoo-files-crawler')}"),
        description="Crawls two zoo prefixes of delimited text; a run adds crawled_* tables.",
        database=zoo,
        tables=tuple(f"{zoo}.{t}" for t in (tsv.TABLE, csv_header.TABLE)),
        s3_targets=tuple(location(ZOO_ROLE, t) for t in (tsv.TABLE, csv_header.TABLE)),
        classifiers=(classifier.name,),
        table_prefix=CRAWLER_TABLE_PREFIX,
    )
    catalog_tables = (avro_crawler.TABLE, crawler_csv.TABLE)
    catalog_crawler = Crawler(
        key="catalog",
        name=name("zoo-catalog-crawler"),
        arn=scope.glue(f"crawler/{name('zoo-catalog-crawler')}"),
        description="Re-crawls the zoo's two crawler-made tables; a run only logs changes.",
        database=zoo,
        tables=tuple(f"{zoo}.{t}" for t in catalog_tables),
        catalog_targets=((zoo, catalog_tables),),
    )
    crawlers = (files_crawler, catalog_crawler)
    sales = location(TABLES_BY_NAME["sales_data"].role, "sales_data")
    script_location = f"s3://{bucket}/{SCRIPT_KEY}"
    job_writes = f"s3://{bucket}/{JOB_OUTPUT_PREFIX}sales_by_region/"
    job = Named(
        name("sales-by-region"),
        scope.glue(f"job/{name('sales-by-region')}"),
        "Sums sales_data per region and status into Parquet (PySpark, job bookmarks on).",
    )
    job_arguments = {
        "--job-language": "python",
        "--job-bookmark-option": "job-bookmark-enable",
        "--TempDir": f"s3://{bucket}/{JOB_TEMP_PREFIX}",
        "--source": sales,
        "--target": job_writes,
    }
    connection = Named(
        name("network"),
        scope.glue(f"connection/{name('network')}"),
        "NETWORK connection: the Glue job's network interfaces in the stack's private subnet.",
    )
    workgroup = Named(
        name("analysts"),
        f"arn:{partition}:athena:{region}:{account_id}:workgroup/{name('analysts')}",
        "Athena workgroup of the stack's analyst: enforced settings, results in the bucket.",
    )
    queries = named_queries(env, bucket, manifest)
    glue_reads = [
        SCRIPTS_PREFIX,
        prefix(sales),
        *(prefix(uri) for uri in files_crawler.s3_targets),
        *(prefix(location(ZOO_ROLE, t)) for t in catalog_tables),
    ]
    glue_writes = [JOB_OUTPUT_PREFIX, JOB_TEMP_PREFIX]
    data_prefixes = [prefix(database.location) for database in manifest.databases]
    databases = [naming.database_name(env, database.role) for database in manifest.databases]
    creates = [tuple(t.split(".", 1)) for q in queries for t in q.creates]

    def role_name(role: str) -> str:
        return naming.iam_name(env, region, role)

    def role_arn(role: str) -> str:
        return f"arn:{partition}:iam::{account_id}:role/{role_name(role)}"

    roles = [
        Role(
            key="glue",
            name=role_name("glue"),
            arn=role_arn("glue"),
            description=f"Glue crawlers and jobs of aws2openstack test stack {env}",
            trust_policy=policies.trust_policy(services=["glue.amazonaws.com"]),
            inline_policy_name=name("glue-data"),
            inline_policy=policies.glue_data_policy(scope, glue_reads, glue_writes),
            managed_policy_arns=(policies.GLUE_SERVICE_ROLE_POLICY.format(partition=partition),),
            used_by_services=("glue",),
            used_by=(
                *(f"glue_crawler:{crawler.name}" for crawler in crawlers),
                f"glue_job:{job.name}",
            ),
        ),
        Role(
            key="analyst",
            name=role_name("analyst"),
            arn=role_arn("analyst"),
            description=f"Athena analyst of aws2openstack test stack {env}",
            trust_policy=policies.trust_policy(
                accounts=[f"arn:{partition}:iam::{account_id}:root"]
            ),
            inline_policy_name=name("analyst"),
            inline_policy=policies.analyst_policy(
                scope,
                workgroup=workgroup.name,
                databases=databases,
                read_prefixes=data_prefixes,
                write_prefixes=[ATHENA_RESULTS_PREFIX, ATHENA_CTAS_PREFIX],
                creates=creates,
            ),
            used_by=tuple(
                f"lake_formation_permissions:{target}"
                for target in (
                    (analytics, f"{analytics}.sales_data") if lake_formation.is_admin else ()
                )
            ),
        ),
    ]
    if lake_formation.is_admin:
        roles.append(
            Role(
                key="lake_formation",
                name=role_name("lakeformation"),
                arn=role_arn("lakeformation"),
                description=f"Lake Formation's access to the data of aws2openstack stack {env}",
                trust_policy=policies.trust_policy(services=["lakeformation.amazonaws.com"]),
                inline_policy_name=name("lakeformation-data"),
                inline_policy=policies.lake_formation_data_policy(scope, data_prefixes),
                used_by_services=("lakeformation",),
                used_by=(f"lake_formation_resource:{scope.bucket_arn}",),
            )
        )
    return AccountPlan(
        env=env,
        region=region,
        account_id=account_id,
        scope=scope,
        roles=tuple(roles),
        network=network,
        connection=connection,
        classifier=classifier,
        classifier_header=tuple(column for column, _ in tsv.COLUMNS),
        classifier_delimiter=tsv.SERDE_PARAMETERS["field.delim"],
        crawlers=crawlers,
        job=job,
        job_arguments=job_arguments,
        job_reads=(f"{analytics}.sales_data",),
        job_writes=job_writes,
        script_location=script_location,
        workflow=Named(
            name("sales-by-region"),
            scope.glue(f"workflow/{name('sales-by-region')}"),
            "Runs the sales-by-region job when started by hand (no schedule).",
        ),
        trigger=Named(
            name("sales-by-region-on-demand"),
            scope.glue(f"trigger/{name('sales-by-region-on-demand')}"),
            "Starts the sales-by-region job; ON_DEMAND: only when started by hand.",
        ),
        registry=Named(
            name("schemas"),
            scope.glue(f"registry/{name('schemas')}"),
            "Schema registry of aws2openstack test stack " + env,
        ),
        schema=Named(
            avro_crawler.TABLE,
            scope.glue(f"schema/{name('schemas')}/{avro_crawler.TABLE}"),
            "The Avro schema of the zoo table avro_crawled.",
        ),
        schema_definition=json.dumps(avro_crawler.SCHEMA, separators=(",", ":")),
        schema_table=f"{zoo}.{avro_crawler.TABLE}",
        workgroup=workgroup,
        results_location=f"s3://{bucket}/{ATHENA_RESULTS_PREFIX}",
        queries=queries,
        lake_formation=lake_formation,
        lake_formation_location=scope.bucket_arn,
        lake_formation_grants=(
            ((analytics, ("DESCRIBE",)), (f"{analytics}.sales_data", ("DESCRIBE", "SELECT")))
            if lake_formation.is_admin
            else ()
        ),
    )
