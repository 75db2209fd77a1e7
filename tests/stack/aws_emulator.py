"""Applies the AWS resources a program run registered to a local AWS emulator (moto),
and destroys them again.

This plays the part of the AWS provider: each recorded registration becomes the AWS
API call the provider would make, with the recorded inputs (the account family's calls:
``tests.stack.account_emulator``). Any input it does not know how to pass on is an
error, so nothing the program declares is silently dropped. ``destroy`` deletes in the
reverse of the registration order, which is the order Pulumi's dependencies allow.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from pulumi.runtime import rpc

from tests.stack import account_emulator
from tests.stack.program import ProgramRun, Registered, unwrap

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


ACCOUNT_SERVICES = ("iam", "ec2", "glue", "athena", "lakeformation", "sts")


def clients(endpoint: str, region: str) -> tuple[Any, Any]:
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region, **CREDENTIALS)
    glue = boto3.client("glue", endpoint_url=endpoint, region_name=region, **CREDENTIALS)
    return s3, glue


def account_clients(endpoint: str, region: str) -> dict[str, Any]:
    """One client per service of the account family; a call moto does not answer (HTTP
    500) fails at once instead of being retried."""
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return {
        service: boto3.client(
            service, endpoint_url=endpoint, region_name=region, config=config, **CREDENTIALS
        )
        for service in ACCOUNT_SERVICES
    }


def default_tags(run: ProgramRun) -> dict[str, str]:
    """The tags the stack's provider puts on every resource that takes tags."""
    tags = unwrap(run.one("pulumi:providers:aws").inputs).get("defaultTags", {})
    if isinstance(tags, str):
        tags = json.loads(tags)
    return dict(tags.get("tags", {}))


def _only(inputs: dict[str, Any], allowed: set[str], type_: str) -> None:
    extra = set(inputs) - allowed - {"__defaults"}
    if extra:
        raise AssertionError(f"{type_}: the emulator does not apply inputs {sorted(extra)}")


def _columns(columns: list[dict[str, str]]) -> list[dict[str, str]]:
    out = []
    for column in columns:
        _only(column, {"name", "type", "comment", "parameters"}, "column")
        item = {"Name": column["name"], "Type": column["type"]}
        if "comment" in column:
            item["Comment"] = column["comment"]
        if "parameters" in column:
            item["Parameters"] = column["parameters"]
        out.append(item)
    return out


def storage_descriptor(sd: dict[str, Any]) -> dict[str, Any]:
    """A recorded ``storageDescriptor`` input as Glue's ``StorageDescriptor``."""
    _only(
        sd,
        {
            "location",
            "columns",
            "inputFormat",
            "outputFormat",
            "compressed",
            "numberOfBuckets",
            "serDeInfo",
            "storedAsSubDirectories",
            "parameters",
            "bucketColumns",
            "sortColumns",
        },
        "storageDescriptor",
    )
    out: dict[str, Any] = {
        "Location": sd.get("location", ""),
        "Columns": _columns(sd.get("columns", [])),
    }
    simple = {
        "inputFormat": "InputFormat",
        "outputFormat": "OutputFormat",
        "compressed": "Compressed",
        "storedAsSubDirectories": "StoredAsSubDirectories",
        "parameters": "Parameters",
        "bucketColumns": "BucketColumns",
    }
    for key, api_key in simple.items():
        if key in sd:
            out[api_key] = sd[key]
    if "numberOfBuckets" in sd:
        out["NumberOfBuckets"] = int(sd["numberOfBuckets"])
    if "serDeInfo" in sd:
        serde = sd["serDeInfo"]
        _only(serde, {"serializationLibrary", "parameters", "name"}, "serDeInfo")
        out["SerdeInfo"] = {
            key: serde[name]
            for name, key in (("serializationLibrary", "SerializationLibrary"), ("name", "Name"))
            if name in serde
        }
        if serde:
            out["SerdeInfo"]["Parameters"] = serde.get("parameters", {})
    if "sortColumns" in sd:
        out["SortColumns"] = [
            {"Column": c["column"], "SortOrder": int(c["sortOrder"])} for c in sd["sortColumns"]
        ]
    return out


@dataclass
class AppliedStack:
    s3: Any
    glue: Any
    bucket: str
    policies: dict[str, str] = field(default_factory=dict)
    """Bucket policies, applied by ``apply_policies`` once the objects are written."""
    account: account_emulator.Applied | None = None
    """The account family's clients and the ids the emulator gave its resources."""
    applied: list[tuple[Registered, dict[str, Any]]] = field(default_factory=list)
    """Every resource applied, in order, with the inputs it was applied with."""

    def apply_policies(self) -> None:
        for bucket, policy in self.policies.items():
            self.s3.put_bucket_policy(Bucket=bucket, Policy=policy)

    def remove_policies(self) -> None:
        for bucket in self.policies:
            self.s3.delete_bucket_policy(Bucket=bucket)


def apply(run: ProgramRun, endpoint: str, region: str) -> AppliedStack:
    """Apply every AWS resource of ``run`` in registration (= dependency) order.

    moto ignores the ``aws:SecureTransport`` condition, so a TLS-only policy denies
    every request there, the upload's too; policies are therefore recorded and put on
    by ``AppliedStack.apply_policies`` after the objects.
    """
    s3, glue = clients(endpoint, region)
    account = account_emulator.Applied(account_clients(endpoint, region), default_tags(run))
    applied = AppliedStack(s3=s3, glue=glue, bucket="", account=account)
    handlers: dict[str, Callable[[dict[str, Any]], None]] = {}

    def bucket(i):
        _only(i, {"bucket", "forceDestroy"}, "Bucket")
        s3.create_bucket(
            Bucket=i["bucket"], CreateBucketConfiguration={"LocationConstraint": region}
        )
        applied.bucket = i["bucket"]

    def ownership(i):
        _only(i, {"bucket", "rule"}, "BucketOwnershipControls")
        s3.put_bucket_ownership_controls(
            Bucket=i["bucket"],
            OwnershipControls={"Rules": [{"ObjectOwnership": i["rule"]["objectOwnership"]}]},
        )

    def public_access(i):
        keys = {
            "blockPublicAcls": "BlockPublicAcls",
            "blockPublicPolicy": "BlockPublicPolicy",
            "ignorePublicAcls": "IgnorePublicAcls",
            "restrictPublicBuckets": "RestrictPublicBuckets",
        }
        _only(i, {"bucket", *keys}, "BucketPublicAccessBlock")
        s3.put_public_access_block(
            Bucket=i["bucket"],
            PublicAccessBlockConfiguration={api: i[key] for key, api in keys.items()},
        )

    def encryption(i):
        _only(i, {"bucket", "rules"}, "BucketServerSideEncryptionConfiguration")
        rules = []
        for rule in i["rules"]:
            default = rule["applyServerSideEncryptionByDefault"]
            api_default = {"SSEAlgorithm": default["sseAlgorithm"]}
            if "kmsMasterKeyId" in default:
                api_default["KMSMasterKeyID"] = default["kmsMasterKeyId"]
            api_rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": api_default}
            if "bucketKeyEnabled" in rule:
                api_rule["BucketKeyEnabled"] = rule["bucketKeyEnabled"]
            rules.append(api_rule)
        s3.put_bucket_encryption(
            Bucket=i["bucket"], ServerSideEncryptionConfiguration={"Rules": rules}
        )

    def lifecycle(i):
        _only(i, {"bucket", "rules"}, "BucketLifecycleConfiguration")
        rules = []
        for rule in i["rules"]:
            api_rule: dict[str, Any] = {
                "ID": rule["id"],
                "Status": rule["status"],
                "Filter": {"Prefix": rule["filter"].get("prefix", "")},
            }
            if "expiration" in rule:
                api_rule["Expiration"] = {"Days": int(rule["expiration"]["days"])}
            if "abortIncompleteMultipartUpload" in rule:
                api_rule["AbortIncompleteMultipartUpload"] = {
                    "DaysAfterInitiation": int(
                        rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"]
                    )
                }
            rules.append(api_rule)
        s3.put_bucket_lifecycle_configuration(
            Bucket=i["bucket"], LifecycleConfiguration={"Rules": rules}
        )

    def policy(i):
        _only(i, {"bucket", "policy"}, "BucketPolicy")
        applied.policies[i["bucket"]] = i["policy"]

    def bucket_object(i):
        _only(i, {"bucket", "key", "source", "content", "contentType"}, "BucketObjectv2")
        if "content" in i:
            body = i["content"].encode("utf-8")
        else:
            source = i["source"]
            assert source.get(rpc._special_sig_key) == rpc._special_asset_sig, source
            body = Path(source["path"]).read_bytes()
        s3.put_object(Bucket=i["bucket"], Key=i["key"], Body=body, ContentType=i["contentType"])

    def database(i):
        _only(i, {"name", "description", "locationUri"}, "CatalogDatabase")
        glue.create_database(
            DatabaseInput={
                "Name": i["name"],
                "Description": i["description"],
                "LocationUri": i["locationUri"],
            }
        )

    def table(i):
        _only(
            i,
            {
                "name",
                "databaseName",
                "description",
                "tableType",
                "parameters",
                "partitionKeys",
                "storageDescriptor",
                "viewOriginalText",
                "viewExpandedText",
                "targetTable",
            },
            "CatalogTable",
        )
        # A zoo table passes only what its TableInput has (a resource link: name and target).
        table_input: dict[str, Any] = {"Name": i["name"]}
        simple = {
            "description": "Description",
            "tableType": "TableType",
            "parameters": "Parameters",
            "viewOriginalText": "ViewOriginalText",
            "viewExpandedText": "ViewExpandedText",
        }
        table_input.update({api: i[key] for key, api in simple.items() if key in i})
        if "partitionKeys" in i or "storageDescriptor" in i:
            table_input["PartitionKeys"] = _columns(i.get("partitionKeys", []))
        if "storageDescriptor" in i:
            table_input["StorageDescriptor"] = storage_descriptor(i["storageDescriptor"])
        if "targetTable" in i:
            target = i["targetTable"]
            _only(target, {"catalogId", "databaseName", "name", "region"}, "targetTable")
            table_input["TargetTable"] = {
                api: target[key]
                for key, api in (
                    ("catalogId", "CatalogId"),
                    ("databaseName", "DatabaseName"),
                    ("name", "Name"),
                    ("region", "Region"),
                )
                if key in target
            }
        glue.create_table(DatabaseName=i["databaseName"], TableInput=table_input)

    def partition(i):
        _only(
            i,
            {"databaseName", "tableName", "partitionValues", "parameters", "storageDescriptor"},
            "Partition",
        )
        glue.create_partition(
            DatabaseName=i["databaseName"],
            TableName=i["tableName"],
            PartitionInput={
                "Values": i["partitionValues"],
                "Parameters": i.get("parameters", {}),
                "StorageDescriptor": storage_descriptor(i["storageDescriptor"]),
            },
        )

    handlers.update(
        {
            "aws:s3/bucket:Bucket": bucket,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ownership,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": public_access,
            "aws:s3/bucketServerSideEncryptionConfiguration:"
            "BucketServerSideEncryptionConfiguration": encryption,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": lifecycle,
            "aws:s3/bucketPolicy:BucketPolicy": policy,
            "aws:s3/bucketObjectv2:BucketObjectv2": bucket_object,
            "aws:glue/catalogDatabase:CatalogDatabase": database,
            "aws:glue/catalogTable:CatalogTable": table,
            "aws:glue/partition:Partition": partition,
        }
    )
    for resource in run.resources:
        if not resource.type.startswith("aws:") or resource.type == "pulumi:providers:aws":
            continue
        inputs = account.real(unwrap(resource.inputs))
        if resource.type in account_emulator.CREATE:
            account_emulator.CREATE[resource.type](account, resource, inputs)
        elif resource.type in handlers:
            handlers[resource.type](inputs)
        else:
            raise AssertionError(f"the emulator cannot apply {resource.type} ({resource.name})")
        applied.applied.append((resource, inputs))
    return applied


def destroy(applied: AppliedStack) -> list[tuple[str, str]]:
    """Delete every applied resource, last created first; each one that the emulator
    refuses to delete stays, and is returned as ``(name, error)``."""
    s3, glue = applied.s3, applied.glue
    core: dict[str, Callable[[dict[str, Any]], Any]] = {
        "aws:s3/bucket:Bucket": lambda i: _delete_bucket(s3, i["bucket"]),
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls": lambda i: (
            s3.delete_bucket_ownership_controls(Bucket=i["bucket"])
        ),
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": lambda i: (
            s3.delete_public_access_block(Bucket=i["bucket"])
        ),
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
            lambda i: s3.delete_bucket_encryption(Bucket=i["bucket"])
        ),
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": lambda i: (
            s3.delete_bucket_lifecycle(Bucket=i["bucket"])
        ),
        "aws:s3/bucketPolicy:BucketPolicy": lambda i: s3.delete_bucket_policy(Bucket=i["bucket"]),
        "aws:s3/bucketObjectv2:BucketObjectv2": lambda i: s3.delete_object(
            Bucket=i["bucket"], Key=i["key"]
        ),
        "aws:glue/catalogDatabase:CatalogDatabase": lambda i: glue.delete_database(Name=i["name"]),
        "aws:glue/catalogTable:CatalogTable": lambda i: glue.delete_table(
            DatabaseName=i["databaseName"], Name=i["name"]
        ),
        "aws:glue/partition:Partition": lambda i: glue.delete_partition(
            DatabaseName=i["databaseName"],
            TableName=i["tableName"],
            PartitionValues=i["partitionValues"],
        ),
    }
    failed = []
    for resource, inputs in reversed(applied.applied):
        try:
            if resource.type in account_emulator.DELETE:
                account_emulator.DELETE[resource.type](applied.account, resource, inputs)
            else:
                core[resource.type](inputs)
        except Exception as err:  # what the emulator answered is the finding
            failed.append((resource.name, f"{type(err).__name__}: {str(err)[:200]}"))
    return failed


def _delete_bucket(s3: Any, bucket: str) -> None:
    """``forceDestroy``: the objects go first, then the bucket."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)
