"""Stack outputs derived from the ground truth document (no mocks)."""

from __future__ import annotations

from components.config import AwsSettings, StackConfig
from components.outputs import emulator_endpoint, stack_outputs, tables_output
from tests.stack.manifests import TABLES, truth

TRUTH = truth()


def config(endpoints: list | None = None) -> StackConfig:
    provider_args = {"endpoints": endpoints} if endpoints else {}
    return StackConfig(
        stack="dev-a",
        env="dev_a",
        profile="small",
        rows=5,
        seed=42,
        tables=TABLES,
        lifecycle_days=7,
        kms_key_id=None,
        tls_only_policy=True,
        owner="a",
        aws=AwsSettings(region="eu-west-1", provider_args=provider_args),
        database=None,
    )


def test_tables_output_lists_every_table_per_database():
    """TESTENV_TABLES: per database and table the format, location, rows and partition count."""
    assert tables_output(TRUTH) == {
        "dev_a_analytics": {
            "sales_data": {
                "format": "parquet",
                "location": "s3://bucket-x/analytics/sales_data/",
                "rows": 5,
                "partitions": 2,
            },
            "customer_data": {
                "format": "iceberg",
                "location": "s3://bucket-x/analytics/customer_data/",
                "rows": 5,
                "partitions": 0,
            },
        },
        "dev_a_scale_01": {
            "sales_data": {
                "format": "parquet",
                "location": "s3://bucket-x/scale_01/sales_data/",
                "rows": 5,
                "partitions": 2,
            }
        },
    }


def test_data_outputs_come_from_the_ground_truth():
    """Bucket, databases and the ground truth itself are taken from the document."""
    outputs = stack_outputs(config(), TRUTH)
    assert outputs["TESTENV_BUCKET"] == "bucket-x"
    assert outputs["TESTENV_GLUE_DATABASES"] == "dev_a_analytics,dev_a_scale_01"
    assert outputs["TESTENV_GROUND_TRUTH"] is TRUTH
    assert outputs["TESTENV_GROUND_TRUTH_URI"] == "s3://bucket-x/_testenv/ground-truth.json"
    assert (outputs["AWS_REGION"], outputs["TESTENV_ENV"], outputs["TESTENV_PROFILE"]) == (
        "eu-west-1",
        "dev_a",
        "small",
    )
    assert "DATABASE_URL" not in outputs and "AWS_ENDPOINT_URL" not in outputs


def test_an_emulator_stack_exports_its_endpoint():
    """A provider pointed at an emulator exports AWS_ENDPOINT_URL (S3's, else Glue's)."""
    outputs = stack_outputs(config([{"s3": "http://127.0.0.1:5000"}]), TRUTH)
    assert outputs["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"
    assert emulator_endpoint([{"glue": "http://g"}]) == "http://g"
    assert emulator_endpoint(None) is None
