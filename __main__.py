"""aws2openstack test environment: one stack per developer.

Deploys an S3 bucket of deterministic synthetic test data, the AWS Glue databases, tables
and partitions that describe it, and the stack's other families (``families/``): the core
tables, the table zoo (``zoo: true``), the account around them (``account: true``: IAM,
VPC, Glue jobs and crawlers, Athena, Lake Formation) and a local PostgreSQL container
migrated to Alembic head (``database``). Configuration is read and validated before any resource is
declared (``components/config.py``).
"""

import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import config as stack_config
from components import naming, preflight
from components.data_bucket import DataBucket, DataBucketArgs
from components.glue_catalog import GlueCatalog, GlueCatalogArgs
from components.ground_truth import ground_truth, to_json
from components.outputs import stack_outputs
from components.synthetic_data import SyntheticData, SyntheticDataArgs
from datagen.cache import generate_cached
from families import FAMILIES, Stack

PROJECT_DIR = Path(__file__).resolve().parent
CACHE_DIR = Path(os.environ.get("TESTENV_CACHE_DIR") or PROJECT_DIR / ".cache" / "datagen")

cfg = stack_config.load()
preflight.run(cfg, CACHE_DIR)
families = [family for family in FAMILIES if family.enabled(cfg)]

provider = aws.Provider(
    "aws",
    region=cfg.aws.region,
    default_tags={"tags": cfg.tags},
    **cfg.aws.provider_args,
)
aws_opts = pulumi.ResourceOptions(providers={"aws": provider})
account_id = preflight.account_id(provider, cfg.aws.provider_args.get("profile"))
bucket_name = naming.bucket_name(cfg.env, account_id, cfg.aws.region)

bucket = DataBucket(
    "data",
    DataBucketArgs(
        bucket_name=bucket_name,
        lifecycle_days=cfg.lifecycle_days,
        kms_key_id=cfg.kms_key_id,
        tls_only_policy=cfg.tls_only_policy,
    ),
    opts=aws_opts,
)
# One way: the families' tables -> generated files and their manifest -> objects,
# catalog, ground truth.
tables = tuple(spec for family in families for spec in family.tables(cfg))
files_dir, manifest = generate_cached(
    CACHE_DIR, tables=tables, rows=cfg.rows, seed=cfg.seed, location=f"s3://{bucket_name}"
)
catalog = GlueCatalog(
    "glue",
    GlueCatalogArgs(env=cfg.env, tables=tables, manifest=manifest, account_id=account_id),
    opts=aws_opts,
)
stack = Stack(
    cfg=cfg,
    account_id=account_id,
    bucket_name=bucket_name,
    bucket=bucket,
    tables=tables,
    manifest=manifest,
    aws_opts=aws_opts,
    aws_provider=provider,
    catalog=catalog,
    components=(components := {}),
)
truth = ground_truth(
    stack=cfg.stack,
    env=cfg.env,
    region=cfg.aws.region,
    bucket=bucket_name,
    seed=manifest.seed,
    sections=[family.truth(stack) for family in families],
)
data = SyntheticData(
    "testdata",
    SyntheticDataArgs(
        bucket_id=bucket.bucket.id,
        files_dir=files_dir,
        manifest=manifest,
        ground_truth=to_json(truth),
        bucket_ready=bucket.ready,
    ),
    opts=aws_opts,
)
for family in families:
    # In registry order: a family may build on what the ones before it declared.
    components[family.name] = family.declare(stack)

outputs = stack_outputs(
    cfg, truth, [family.outputs(stack, components[family.name]) for family in families]
)
for key, value in outputs.items():
    pulumi.export(key, value)
