"""Stack outputs derived from the ground truth document (no mocks)."""

from __future__ import annotations

import pytest

from components.config import AwsSettings, StackConfig
from components.outputs import (
    OUTPUT_LIMIT,
    emulator_endpoint,
    output_size,
    stack_outputs,
    tables_output,
)
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


def test_tables_output_counts_the_tables_of_each_database():
    """TESTENV_TABLES: per database its number of tables (each table's facts are in the
    ground truth)."""
    assert tables_output(TRUTH) == {"dev_a_analytics": 2, "dev_a_scale_01": 1}


def test_data_outputs_come_from_the_ground_truth():
    """Bucket, databases, totals and the ground truth's URI are taken from the document,
    which is itself no output."""
    outputs = stack_outputs(config(), TRUTH)
    assert outputs["TESTENV_BUCKET"] == "bucket-x"
    assert outputs["TESTENV_GLUE_DATABASES"] == "dev_a_analytics,dev_a_scale_01"
    assert "TESTENV_GROUND_TRUTH" not in outputs
    assert outputs["TESTENV_TOTALS"] == TRUTH["totals"]
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


def test_an_output_over_the_limit_is_refused_naming_it():
    """A family's plain output over OUTPUT_LIMIT stops the program, naming the output."""
    big = {"TESTENV_HUGE": "x" * (OUTPUT_LIMIT + 1)}
    with pytest.raises(ValueError, match="output TESTENV_HUGE is 4,097 characters"):
        stack_outputs(config(), TRUTH, [big])
    assert output_size({"a": [1, 2]}) == len('{"a":[1,2]}')
