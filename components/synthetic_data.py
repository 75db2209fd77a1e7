"""The generated test data, uploaded as one S3 object per file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.ground_truth import GROUND_TRUTH_KEY, ground_truth, to_json
from datagen.cache import generate_cached
from datagen.catalog import TableSpec


@dataclass
class SyntheticDataArgs:
    stack: str
    env: str
    region: str
    bucket_id: pulumi.Input[str]
    """The bucket the objects go to (the bucket resource's id, for the dependency)."""
    bucket_name: str
    """The same bucket's name as plain text: the Iceberg metadata records it."""
    tables: Sequence[TableSpec]
    rows: int
    seed: int
    cache_dir: Path
    """Where generated files are kept between runs, keyed by every generator input."""
    bucket_ready: pulumi.Resource | None = None
    """Objects are written after this resource (the bucket's last setting)."""


class SyntheticData(pulumi.ComponentResource):
    """Generates the files (or takes them from the cache) and uploads each one, plus
    the ground truth document (``components.ground_truth``).

    ``manifest`` describes every file, table and partition; the Glue catalog is built
    from it. An object's content is a ``FileAsset``: Pulumi compares asset hashes, so
    an unchanged file is never uploaded again.
    """

    def __init__(
        self, name: str, args: SyntheticDataArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("aws2openstack:testenv:SyntheticData", name, None, opts)

        self.files_dir, self.manifest = generate_cached(
            args.cache_dir,
            tables=args.tables,
            rows=args.rows,
            seed=args.seed,
            location=f"s3://{args.bucket_name}",
        )
        object_opts = pulumi.ResourceOptions(
            parent=self, depends_on=[args.bucket_ready] if args.bucket_ready else []
        )
        self.objects = [
            aws.s3.BucketObjectv2(
                f"{name}-{entry.key}",
                bucket=args.bucket_id,
                key=entry.key,
                source=pulumi.FileAsset(str(self.files_dir / entry.key)),
                content_type=entry.content_type,
                opts=object_opts,
            )
            for entry in self.manifest.files
        ]
        self.ground_truth = ground_truth(
            stack=args.stack,
            env=args.env,
            region=args.region,
            bucket=args.bucket_name,
            tables=args.tables,
            manifest=self.manifest,
        )
        self.ground_truth_object = aws.s3.BucketObjectv2(
            f"{name}-ground-truth",
            bucket=args.bucket_id,
            key=GROUND_TRUTH_KEY,
            content=to_json(self.ground_truth),
            content_type="application/json",
            opts=object_opts,
        )
        self.ground_truth_uri = f"s3://{args.bucket_name}/{GROUND_TRUTH_KEY}"
        self.object_count = len(self.objects)
        self.total_bytes = self.manifest.total_bytes
        self.register_outputs({"object_count": self.object_count, "total_bytes": self.total_bytes})

