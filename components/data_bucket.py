"""The S3 bucket that holds the test data: private, encrypted, TLS-only, self-expiring."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class DataBucketArgs:
    bucket_name: str
    """Physical bucket name (``naming.bucket_name``), stable across updates."""
    lifecycle_days: int
    """Objects expire this many days after upload (a safety net for forgotten stacks)."""
    kms_key_id: str | None = None
    """KMS key for default encryption (SSE-KMS); ``None`` means SSE-S3."""
    tls_only_policy: bool = True
    """Attach the policy denying requests without TLS (off only for an offline stack)."""


def tls_only_policy(bucket_arn: str) -> str:
    """A bucket policy that denies every request made without TLS."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        },
        sort_keys=True,
    )


def encryption_rule(kms_key_id: str | None) -> dict:
    if kms_key_id:
        return {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": kms_key_id,
            },
            "bucket_key_enabled": True,
        }
    return {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}


def lifecycle_rules(days: int) -> list[dict]:
    return [
        {
            "id": "expire-test-data",
            "status": "Enabled",
            "filter": {"prefix": ""},
            "expiration": {"days": days},
        },
        {
            "id": "abort-incomplete-uploads",
            "status": "Enabled",
            "filter": {"prefix": ""},
            "abort_incomplete_multipart_upload": {"days_after_initiation": 1},
        },
    ]


class DataBucket(pulumi.ComponentResource):
    """The bucket and its settings, applied one after another.

    S3 answers ``409 OperationAborted`` when several configuration calls reach one
    bucket at once, so each setting depends on the one before it:
    ownership -> public access block -> encryption -> lifecycle -> TLS-only policy.
    ``ready`` is the encryption setting: objects that depend on it are written to a
    bucket whose encryption is already in force, while the lifecycle rule and the
    policy (which do not affect uploads) are applied alongside the uploads.
    """

    def __init__(self, name: str, args: DataBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("aws2openstack:testenv:DataBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.bucket = aws.s3.Bucket(
            f"{name}-bucket", bucket=args.bucket_name, force_destroy=True, opts=child
        )
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=self.bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child,
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[ownership]),
        )
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            rules=[encryption_rule(args.kms_key_id)],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access]),
        )
        lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=self.bucket.id,
            rules=lifecycle_rules(args.lifecycle_days),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[encryption]),
        )
        self.policy = None
        if args.tls_only_policy:
            self.policy = aws.s3.BucketPolicy(
                f"{name}-tls-only",
                bucket=self.bucket.id,
                policy=self.bucket.arn.apply(tls_only_policy),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[lifecycle]),
            )

        self.bucket_name: pulumi.Output[str] = self.bucket.bucket
        self.arn: pulumi.Output[str] = self.bucket.arn
        self.ready: pulumi.Resource = encryption
        self.register_outputs({"bucket_name": self.bucket_name, "arn": self.arn})
