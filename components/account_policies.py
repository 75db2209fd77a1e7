"""Every IAM policy document of the account family, as pure functions (docs/account.md).

Each function returns the document as a dict; ``documents(plan.roles)`` gives every
document a plan (``components.account_plan``) declares, by name, so a policy linter (or a
reviewer) can go through them all. The grants are least privilege on the stack's own
bucket: objects by key prefix, listing by ``s3:prefix`` condition, Athena on the stack's
workgroup, Glue on the stack's databases.
What Glue itself needs of the catalog, logs and network interfaces comes from the
AWS-managed ``AWSGlueServiceRole`` the Glue role has as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

VERSION = "2012-10-17"
GLUE_SERVICE_ROLE_POLICY = "arn:{partition}:iam::aws:policy/service-role/AWSGlueServiceRole"
ATHENA_QUERY_ACTIONS = (
    "athena:BatchGetNamedQuery",
    "athena:GetNamedQuery",
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:GetWorkGroup",
    "athena:ListNamedQueries",
    "athena:ListQueryExecutions",
    "athena:StartQueryExecution",
    "athena:StopQueryExecution",
)
GLUE_READ_ACTIONS = (
    "glue:BatchGetPartition",
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:GetTable",
    "glue:GetTables",
)
OBJECT_READ = ("s3:GetObject",)
OBJECT_WRITE = ("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject")


@dataclass(frozen=True)
class Scope:
    """Where the stack's ARNs live."""

    partition: str
    region: str
    account_id: str
    bucket: str
    kms_key_id: str | None = None
    """The bucket's SSE-KMS key (config ``kmsKeyId``), ``None`` for SSE-S3."""

    @property
    def bucket_arn(self) -> str:
        return f"arn:{self.partition}:s3:::{self.bucket}"

    def objects(self, prefixes: Iterable[str]) -> list[str]:
        return [f"{self.bucket_arn}/{prefix}*" for prefix in prefixes]

    def glue(self, resource: str) -> str:
        return f"arn:{self.partition}:glue:{self.region}:{self.account_id}:{resource}"


def trust_policy(*, services: Sequence[str] = (), accounts: Sequence[str] = ()) -> dict[str, Any]:
    """Who may assume a role: AWS services (``glue.amazonaws.com``) or whole accounts."""
    principal: dict[str, list[str]] = {}
    if services:
        principal["Service"] = sorted(services)
    if accounts:
        principal["AWS"] = sorted(accounts)
    return {
        "Version": VERSION,
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }


def _list_bucket(scope: Scope, prefixes: Sequence[str], sid: str) -> list[dict[str, Any]]:
    """Listing only below ``prefixes``; the bucket's region for any client that asks (an
    ``s3:prefix`` condition on it would deny it: that request has no prefix)."""
    listed = sorted({p for prefix in prefixes for p in (prefix, f"{prefix}*")})
    return [
        {
            "Sid": "BucketLocation",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation"],
            "Resource": scope.bucket_arn,
        },
        {
            "Sid": sid,
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": scope.bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": listed}},
        },
    ]


def _kms(scope: Scope) -> list[dict[str, Any]]:
    """Decrypt and encrypt with the bucket's key, only through S3 in the stack's region."""
    if not scope.kms_key_id:
        return []
    key = scope.kms_key_id
    if not key.startswith("arn:") or ":alias/" in key:
        # An id or an alias names no key ARN: any key of the account, used through S3.
        key = f"arn:{scope.partition}:kms:{scope.region}:{scope.account_id}:key/*"
    return [
        {
            "Sid": "BucketKeyThroughS3",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": key,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{scope.region}.amazonaws.com"}},
        }
    ]


def glue_data_policy(
    scope: Scope, read_prefixes: Sequence[str], write_prefixes: Sequence[str]
) -> dict[str, Any]:
    """The Glue role's own S3 access: read what its crawlers and job read (and the job's
    script), write only the job's output and temporary prefixes."""
    return {
        "Version": VERSION,
        "Statement": [
            *_list_bucket(scope, [*read_prefixes, *write_prefixes], "ListOwnPrefixes"),
            {
                "Sid": "ReadCrawledAndSourceData",
                "Effect": "Allow",
                "Action": list(OBJECT_READ),
                "Resource": scope.objects(read_prefixes),
            },
            {
                "Sid": "WriteJobOutput",
                "Effect": "Allow",
                "Action": list(OBJECT_WRITE),
                "Resource": scope.objects(write_prefixes),
            },
            *_kms(scope),
        ],
    }


def analyst_policy(
    scope: Scope,
    *,
    workgroup: str,
    databases: Sequence[str],
    read_prefixes: Sequence[str],
    write_prefixes: Sequence[str],
    creates: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """The Athena analyst: queries in the stack's workgroup, the catalog of its databases,
    its data read-only, query results and the CTAS table's files written, and the tables
    ``creates`` (database, table) made by the saved CTAS query."""
    catalog = scope.glue("catalog")
    create_databases = sorted({database for database, _ in creates})
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "QueryInOwnWorkgroup",
                "Effect": "Allow",
                "Action": list(ATHENA_QUERY_ACTIONS),
                "Resource": f"arn:{scope.partition}:athena:{scope.region}:{scope.account_id}:"
                f"workgroup/{workgroup}",
            },
            {
                "Sid": "ReadOwnCatalog",
                "Effect": "Allow",
                "Action": list(GLUE_READ_ACTIONS),
                "Resource": [
                    catalog,
                    *(scope.glue(f"database/{d}") for d in databases),
                    *(scope.glue(f"table/{d}/*") for d in databases),
                ],
            },
            {
                "Sid": "CreateTheCtasTable",
                "Effect": "Allow",
                "Action": ["glue:CreateTable"],
                "Resource": [
                    catalog,
                    *(scope.glue(f"database/{d}") for d in create_databases),
                    *(scope.glue(f"table/{d}/{t}") for d, t in creates),
                ],
            },
            *_list_bucket(scope, [*read_prefixes, *write_prefixes], "ListOwnPrefixes"),
            {
                "Sid": "ReadOwnData",
                "Effect": "Allow",
                "Action": list(OBJECT_READ),
                "Resource": scope.objects(read_prefixes),
            },
            {
                "Sid": "WriteResults",
                "Effect": "Allow",
                "Action": [*OBJECT_WRITE, "s3:ListMultipartUploadParts"],
                "Resource": scope.objects(write_prefixes),
            },
            {
                # Lake Formation vends table credentials through this one action; it has no
                # resource-level permissions.
                "Sid": "LakeFormationDataAccess",
                "Effect": "Allow",
                "Action": ["lakeformation:GetDataAccess"],
                "Resource": "*",
            },
            *_kms(scope),
        ],
    }


def lake_formation_data_policy(scope: Scope, prefixes: Sequence[str]) -> dict[str, Any]:
    """The role Lake Formation reads and writes the registered location with: the data
    prefixes of the stack's databases, nothing else of the bucket."""
    return {
        "Version": VERSION,
        "Statement": [
            *_list_bucket(scope, prefixes, "ListDataPrefixes"),
            {
                "Sid": "ReadWriteData",
                "Effect": "Allow",
                "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                "Resource": scope.objects(prefixes),
            },
            *_kms(scope),
        ],
    }


class RoleDocuments(Protocol):
    """What ``documents`` reads of a role (``components.account_plan.Role``)."""

    name: str
    trust_policy: dict[str, Any]
    inline_policy_name: str
    inline_policy: dict[str, Any]


def documents(roles: Iterable[RoleDocuments]) -> dict[str, dict[str, Any]]:
    """Every policy document of ``roles``, by ``<role name>/trust`` (a trust policy: no
    ``Resource``, by design) and ``<role name>/<inline policy name>``."""
    found = {}
    for role in roles:
        found[f"{role.name}/trust"] = role.trust_policy
        found[f"{role.name}/{role.inline_policy_name}"] = role.inline_policy
    return found
