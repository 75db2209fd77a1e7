"""The volume family's ground-truth section and Glue shapes (pure, no mocks)."""

from __future__ import annotations

import json

from components import findings, volume_shapes
from components.glue_workers import Workers, estimate
from datagen import volume
from families.volume.truth import section

BUCKET = "aws2openstack-dev-123456789012-eu-central-1"
PLAN = volume.plan_for(100, 42)
WORKERS = Workers("G.1X", 10)


def _section() -> dict:
    return section("dev", BUCKET, PLAN, WORKERS, estimate(PLAN.rows, WORKERS))["volume"]


def test_the_section_names_the_database_job_and_the_runs_truth():
    """``volume``: <env>_volume, the job, where the run's truth is, the plan's facts."""
    truth = _section()
    assert truth["database"] == "dev_volume"
    assert truth["job"] == "aws2openstack-dev-volume"
    assert truth["run_truth"] == f"s3://{BUCKET}/volume/data/_truth.json"
    assert (truth["seed"], truth["rows_per_table"], truth["days"]) == (42, PLAN.rows, PLAN.days)
    assert truth["estimate"]["workers"] == "G.1X:10"
    json.dumps(truth)


def test_each_table_has_its_partitions_rows_and_findings():
    """events: Parquet, one partition per day whose rows add up to the table's; the
    assessor finds PARQUET / NEEDS_CONVERSION. events_iceberg: READY, no partitions."""
    events, iceberg = _section()["tables"]
    assert events["name"] == "events" and events["partition_keys"] == ["day"]
    assert [p["values"] for p in events["partitions"]] == [[d] for d in PLAN.day_values]
    assert sum(p["rows"] for p in events["partitions"]) == events["rows"] == PLAN.rows
    assert events["partitions"][0]["location"] == (
        f"s3://{BUCKET}/volume/data/events/day={PLAN.day_values[0]}/"
    )
    assert events["expected"]["format"] == findings.PARQUET
    assert events["expected"]["readiness"] == findings.NEEDS_CONVERSION
    assert [c["name"] for c in events["columns"]] == [name for name, _ in volume.COLUMNS]
    assert iceberg["expected"]["format"] == findings.ICEBERG
    assert iceberg["expected"]["readiness"] == findings.READY
    assert iceberg["partitions"] == [] and iceberg["columns"][-1] == {
        "name": "day",
        "type": "string",
    }
    assert iceberg["metadata_location"].endswith("/events_iceberg/metadata/v1.metadata.json")


def test_the_parquet_table_is_shaped_like_the_core_parquet_tables():
    """The same formats, SerDe and classification as the core Parquet kind's tables."""
    from datagen.kinds import kind_for

    kind = kind_for("parquet")
    glue = volume_shapes.parquet_table(PLAN, volume.layout(BUCKET))
    descriptor = glue.table_input["StorageDescriptor"]
    assert descriptor["InputFormat"] == kind.input_format
    assert descriptor["SerdeInfo"]["SerializationLibrary"] == kind.serde
    assert glue.table_input["Parameters"] == {
        "migration_readiness": "ready",
        "EXTERNAL": "TRUE",
        "classification": "parquet",
    }
    assert len(glue.partitions) == PLAN.days


def _statements(policy: str) -> dict[str, dict]:
    return {s["Sid"]: s for s in json.loads(policy)["Statement"]}


def test_the_job_role_is_least_privilege_on_its_prefix():
    """It reads its script, writes and lists only below volume/data/, writes /aws-glue/
    logs; no wildcard action and no other bucket; KMS only through S3 when encrypted."""
    statements = _statements(
        volume_shapes.job_policy(BUCKET, "eu-central-1", "123456789012", kms_encrypted=False)
    )
    assert set(statements) == {"ReadScript", "WriteOutput", "ListOutput", "Logs"}
    assert statements["ReadScript"]["Resource"] == [
        f"arn:aws:s3:::{BUCKET}/volume/job/volume_job.py"
    ]
    assert statements["WriteOutput"]["Resource"] == [f"arn:aws:s3:::{BUCKET}/volume/data/*"]
    assert statements["ListOutput"]["Condition"] == {
        "StringLike": {"s3:prefix": ["volume/data", "volume/data/*"]}
    }
    assert statements["Logs"]["Resource"] == [
        "arn:aws:logs:eu-central-1:123456789012:log-group:/aws-glue/*"
    ]
    for statement in statements.values():
        assert all("*" not in action for action in statement["Action"]), statement
    encrypted = _statements(volume_shapes.job_policy(BUCKET, "eu-central-1", "123456789012", True))
    assert encrypted["BucketKey"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.eu-central-1.amazonaws.com"}
    }


def test_only_glue_of_this_account_assumes_the_role():
    trust = json.loads(volume_shapes.trust_policy("123456789012"))["Statement"][0]
    assert trust["Principal"] == {"Service": "glue.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert "Condition" not in json.loads(volume_shapes.trust_policy(None))["Statement"][0]


def test_names_carry_the_env_within_their_limits():
    env = "x" * 40
    assert len(volume_shapes.role_name(env)) <= 64
    assert volume_shapes.job_name("dev_alice") == "aws2openstack-dev-alice-volume"
    assert volume_shapes.database_name("dev_alice") == "dev_alice_volume"
