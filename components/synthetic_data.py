"""The generated test data, uploaded as one S3 object per file, plus the ground truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.ground_truth import GROUND_TRUTH_KEY
from datagen.manifest import Manifest


@dataclass
class SyntheticDataArgs:
    bucket_id: pulumi.Input[str]
    """The bucket the objects go to (the bucket resource's id, for the dependency)."""
    files_dir: Path
    """The folder of generated files (``datagen.cache.generate_cached``)."""
    manifest: Manifest
    """The folder's manifest: every file is uploaded under its key."""
    ground_truth: str
    """The ground truth document as JSON text (``components.ground_truth``)."""
    bucket_ready: pulumi.Resource | None = None
    """Objects are written after this resource (the bucket's last setting)."""


class SyntheticData(pulumi.ComponentResource):
    """Uploads every generated file and the ground truth document.

    An object's content is a ``FileAsset``: Pulumi compares asset hashes, so an
    unchanged file is never uploaded again.
    """

    def __init__(
        self, name: str, args: SyntheticDataArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("aws2openstack:testenv:SyntheticData", name, None, opts)
        object_opts = pulumi.ResourceOptions(
            parent=self, depends_on=[args.bucket_ready] if args.bucket_ready else []
        )
        self.objects = [
            aws.s3.BucketObjectv2(
                f"{name}-{entry.key}",
                bucket=args.bucket_id,
                key=entry.key,
                source=pulumi.FileAsset(str(args.files_dir / entry.key)),
                content_type=entry.content_type,
                opts=object_opts,
            )
            for entry in args.manifest.files
        ]
        self.ground_truth_object = aws.s3.BucketObjectv2(
            f"{name}-ground-truth",
            bucket=args.bucket_id,
            key=GROUND_TRUTH_KEY,
            content=args.ground_truth,
            content_type="application/json",
            opts=object_opts,
        )
        self.object_count = len(self.objects)
        self.total_bytes = args.manifest.total_bytes
        self.register_outputs({"object_count": self.object_count, "total_bytes": self.total_bytes})
