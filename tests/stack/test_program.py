"""The whole program under Pulumi mocks: resources, names, tags, security, graph, outputs."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from pulumi.runtime import rpc

from components import naming
from datagen.manifest import Manifest
from tests.stack.program import ProgramRun, graph_depth, run_program, unwrap

S3 = "aws:s3/"
BUCKET = "aws:s3/bucket:Bucket"
OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
DATABASE = "aws:glue/catalogDatabase:CatalogDatabase"
TABLE = "aws:glue/catalogTable:CatalogTable"
PARTITION = "aws:glue/partition:Partition"
PROVIDER = "pulumi:providers:aws"


@pytest.fixture
def small_run(program_env, free_port) -> ProgramRun:
    return run_program({"postgresPort": free_port})


def default_tags(run: ProgramRun) -> dict[str, str]:
    """The provider's default tags (provider inputs travel as JSON text)."""
    value = unwrap(run.one(PROVIDER).inputs)["defaultTags"]
    return (json.loads(value) if isinstance(value, str) else value)["tags"]


def physical_names(run: ProgramRun) -> set[str]:
    names = {unwrap(r.inputs)["bucket"] for r in run.of_type(BUCKET)}
    names |= {unwrap(r.inputs)["name"] for r in run.of_type(DATABASE)}
    names |= {unwrap(r.inputs)["name"] for r in run.of_type("docker:index/container:Container")}
    names |= {unwrap(r.inputs)["name"] for r in run.of_type("docker:index/volume:Volume")}
    return names


def generated_manifest(run: ProgramRun) -> Manifest:
    """The manifest of the files the run's objects upload (beside them in the cache)."""
    obj = next(unwrap(o.inputs) for o in run.of_type(OBJECT) if "source" in unwrap(o.inputs))
    files_dir = Path(obj["source"]["path"][: -len(obj["key"])])
    return Manifest.load(files_dir / "manifest.json")


def test_small_stack_resource_counts(small_run):
    """Small: a bucket and each setting, 2 databases, 5 tables, 9 partitions, an object per file."""
    counts = small_run.count_by_type()
    assert counts[PROVIDER] == 1
    assert counts[BUCKET] == 1
    for setting in (
        "bucketOwnershipControls:BucketOwnershipControls",
        "bucketPublicAccessBlock:BucketPublicAccessBlock",
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "bucketPolicy:BucketPolicy",
    ):
        assert counts[S3 + setting] == 1, setting
    assert counts[DATABASE] == 2
    assert counts[TABLE] == 5
    assert counts[PARTITION] == 9  # 3 partitioned tables x 3 partitions
    keys = {unwrap(o.inputs)["key"] for o in small_run.of_type(OBJECT)}
    manifest = generated_manifest(small_run)
    assert keys == {f.key for f in manifest.files} | {"_testenv/ground-truth.json"}
    assert counts[OBJECT] == len(manifest.files) + 1


def test_databases_and_tables_of_the_test_stack(small_run):
    """The test stack declares test_analytics and test_logs with their five tables, each ready."""
    assert {unwrap(r.inputs)["name"] for r in small_run.of_type(DATABASE)} == {
        "test_analytics",
        "test_logs",
    }
    tables = {
        (unwrap(r.inputs)["databaseName"], unwrap(r.inputs)["name"])
        for r in small_run.of_type(TABLE)
    }
    assert tables == {
        ("test_analytics", "sales_data"),
        ("test_analytics", "customer_data"),
        ("test_analytics", "metrics_orc"),
        ("test_logs", "events_raw"),
        ("test_logs", "access_logs"),
    }
    for table in small_run.of_type(TABLE):
        assert unwrap(table.inputs)["parameters"]["migration_readiness"] == "ready"


def test_two_stacks_share_no_physical_name(program_env, free_port):
    """Stacks test and dev-alice share no bucket, database, container or volume name."""
    first = run_program({"postgresPort": free_port}, stack="test")
    second = run_program({"postgresPort": free_port}, stack="dev-alice")
    assert physical_names(first) and physical_names(second)
    assert physical_names(first).isdisjoint(physical_names(second))
    assert unwrap(second.one(BUCKET).inputs)["bucket"] == naming.bucket_name(
        naming.env_name("dev-alice"), "123456789012", "eu-central-1"
    )


def test_every_aws_resource_uses_the_tagged_provider(small_run, monkeypatch):
    """One eu-central-1 provider carries the project's default tags; every AWS resource uses it."""
    provider = small_run.one(PROVIDER)
    tags = default_tags(small_run)
    assert tags["Project"] == "aws2openstack"
    assert tags["Environment"] == "test"
    assert tags["ManagedBy"] == "pulumi"
    assert tags["Lifecycle"] == "ephemeral"
    assert tags["Owner"]
    assert unwrap(provider.inputs)["region"] == "eu-central-1"
    for resource in small_run.resources:
        if resource.type.startswith("aws:"):
            assert resource.provider.startswith(provider.urn + "::"), resource.name


def test_owner_tag_comes_from_config(program_env, free_port):
    """The Owner default tag is the configured owner."""
    run = run_program({"postgresPort": free_port, "owner": "alice@example.com"})
    assert default_tags(run)["Owner"] == "alice@example.com"


def test_bucket_is_private_encrypted_tls_only_and_expiring(small_run):
    """The bucket blocks public access, enforces ownership, uses AES256, expires, denies non-TLS."""
    bucket = unwrap(small_run.one(BUCKET).inputs)
    assert bucket["forceDestroy"] is True
    assert len(bucket["bucket"]) <= 63

    block = unwrap(small_run.one(S3 + "bucketPublicAccessBlock:BucketPublicAccessBlock").inputs)
    assert all(
        block[k] is True
        for k in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    )
    ownership = unwrap(small_run.one(S3 + "bucketOwnershipControls:BucketOwnershipControls").inputs)
    assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"

    sse = unwrap(
        small_run.one(
            S3 + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
        ).inputs
    )
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"

    rules = unwrap(
        small_run.one(S3 + "bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
    )["rules"]
    assert any(r.get("expiration", {}).get("days") == 7 and r["status"] == "Enabled" for r in rules)
    assert any(
        r.get("abortIncompleteMultipartUpload", {}).get("daysAfterInitiation") == 1 for r in rules
    )

    policy = json.loads(unwrap(small_run.one(S3 + "bucketPolicy:BucketPolicy").inputs)["policy"])
    statement = policy["Statement"][0]
    arn = f"arn:aws:s3:::{bucket['bucket']}"
    assert statement["Effect"] == "Deny" and statement["Principal"] == "*"
    assert statement["Action"] == "s3:*"
    assert sorted(statement["Resource"]) == [arn, f"{arn}/*"]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_kms_key_and_lifecycle_days_come_from_config(program_env, free_port):
    """A configured KMS key gives aws:kms and a bucket key; configured lifecycleDays sets expiry."""
    key = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    run = run_program({"postgresPort": free_port, "kmsKeyId": key, "lifecycleDays": 30})
    sse = unwrap(
        run.one(
            S3 + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
        ).inputs
    )
    default = sse["rules"][0]["applyServerSideEncryptionByDefault"]
    assert default == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key}
    assert sse["rules"][0]["bucketKeyEnabled"] is True
    rules = unwrap(
        run.one(S3 + "bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
    )["rules"]
    assert any(r.get("expiration", {}).get("days") == 30 for r in rules)


def test_tls_only_policy_can_be_left_off_for_the_emulator(program_env, free_port):
    """With tlsOnlyPolicy false (endpoints on 127.0.0.1) no bucket policy, every file uploaded."""
    run = run_program(
        {"postgresPort": free_port, "tlsOnlyPolicy": "false"},
        aws_config={"aws:endpoints": '[{"s3": "http://127.0.0.1:5000"}]'},
    )
    assert not run.of_type(S3 + "bucketPolicy:BucketPolicy")
    assert run.count_by_type()[OBJECT] == len(generated_manifest(run).files) + 1


def test_bucket_settings_are_applied_one_after_another(small_run):
    """Each bucket setting depends on the bucket and on the setting declared before it."""
    chain = [
        small_run.one(S3 + t)
        for t in (
            "bucketOwnershipControls:BucketOwnershipControls",
            "bucketPublicAccessBlock:BucketPublicAccessBlock",
            "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "bucketPolicy:BucketPolicy",
        )
    ]
    bucket = small_run.one(BUCKET)
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.depends_on(before), f"{after.name} does not wait for {before.name}"
    assert all(setting.depends_on(bucket) for setting in chain)


def test_graph_tables_on_databases_partitions_on_tables_objects_on_bucket(small_run):
    """Tables wait on databases, partitions on tables, objects on bucket+SSE; Glue on no object."""
    databases = {unwrap(r.inputs)["name"]: r for r in small_run.of_type(DATABASE)}
    tables = {}
    for table in small_run.of_type(TABLE):
        inputs = unwrap(table.inputs)
        assert table.depends_on(databases[inputs["databaseName"]]), table.name
        assert "databaseName" in table.property_dependencies
        tables[(inputs["databaseName"], inputs["name"])] = table
    for partition in small_run.of_type(PARTITION):
        inputs = unwrap(partition.inputs)
        assert partition.depends_on(tables[(inputs["databaseName"], inputs["tableName"])])
    bucket = small_run.one(BUCKET)
    encryption = small_run.one(
        S3 + "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    for obj in small_run.of_type(OBJECT):
        assert obj.depends_on(bucket) and obj.depends_on(encryption), obj.name
    objects = {r.urn for r in small_run.of_type(OBJECT)}
    catalog = small_run.of_type(TABLE) + small_run.of_type(PARTITION) + small_run.of_type(DATABASE)
    for resource in catalog:
        assert not (resource.dependencies & objects), f"{resource.name} waits for uploads"


def test_components_parent_their_children(small_run):
    """Every AWS resource except the provider has a project component as its parent."""
    for resource in small_run.resources:
        if resource.type.startswith("aws:") and resource.type != PROVIDER:
            assert "aws2openstack:testenv:" in resource.parent, resource.name


def test_objects_carry_the_generated_files(small_run):
    """Each object uploads its generated file; the ground-truth object holds the document of
    this stack's bucket, every other object's key among the document's objects."""
    truth = small_run.ground_truth
    keys = {o["key"] for d in truth["databases"] for t in d["tables"] for o in t["objects"]}
    for obj in small_run.of_type(OBJECT):
        inputs = unwrap(obj.inputs)
        if inputs["key"] == "_testenv/ground-truth.json":
            assert json.loads(inputs["content"])["bucket"] == small_run.outputs["TESTENV_BUCKET"]
            assert inputs["contentType"] == "application/json"
            continue
        assert inputs["key"] in keys, inputs["key"]
        source = inputs["source"]
        assert source[rpc._special_sig_key] == rpc._special_asset_sig
        path = Path(source["path"])
        assert path.is_file() and path.as_posix().endswith(inputs["key"])
        assert inputs["contentType"]


def test_iceberg_table_names_its_metadata_in_this_stacks_bucket(small_run):
    """The Iceberg table's metadata_location is an uploaded .metadata.json in the stack's bucket."""
    bucket = unwrap(small_run.one(BUCKET).inputs)["bucket"]
    iceberg = next(
        unwrap(t.inputs)
        for t in small_run.of_type(TABLE)
        if unwrap(t.inputs)["name"] == "customer_data"
    )
    location = iceberg["parameters"]["metadata_location"]
    assert iceberg["parameters"]["table_type"] == "ICEBERG"
    assert location.startswith(f"s3://{bucket}/analytics/customer_data/metadata/")
    assert location.endswith(".metadata.json")
    keys = {unwrap(o.inputs)["key"] for o in small_run.of_type(OBJECT)}
    assert location.removeprefix(f"s3://{bucket}/") in keys


def test_outputs_work_as_an_env_file(small_run):
    """Outputs are env-var names giving region, bucket, table counts, the ground truth's URI
    and a secret DB URL."""
    for name in small_run.outputs:
        assert re.match(r"^[A-Z_][A-Z0-9_]*$", name), name
    out = small_run.outputs
    assert out["AWS_REGION"] == out["AWS_DEFAULT_REGION"] == "eu-central-1"
    assert out["TESTENV_BUCKET"] == unwrap(small_run.one(BUCKET).inputs)["bucket"]
    assert out["TESTENV_GLUE_DATABASES"] == "test_analytics,test_logs"
    assert out["TESTENV_TABLES"] == {"test_analytics": 3, "test_logs": 2}
    assert out["TESTENV_TOTALS"] == small_run.ground_truth["totals"]
    assert "TESTENV_GROUND_TRUTH" not in out
    assert (
        out["TESTENV_GROUND_TRUTH_URI"]
        == f"s3://{out['TESTENV_BUCKET']}/_testenv/ground-truth.json"
    )
    assert "DATABASE_URL" in small_run.secret_outputs
    assert out["DATABASE_URL"].startswith("postgresql")
    assert {"POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_CONTAINER", "PSQL_COMMAND"} <= set(out)
    assert "mock-Password" not in out["PSQL_COMMAND"]


def test_aws_only_stack_declares_no_docker_resources(monkeypatch, cache_dir, tmp_path):
    """With database false: no docker or random resource, no DATABASE_URL, still 5 tables."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-docker.sock")  # no daemon needed
    monkeypatch.setenv("TESTENV_CACHE_DIR", str(cache_dir))
    run = run_program({"database": "false"})
    assert not [r for r in run.resources if r.type.startswith(("docker:", "random:"))]
    assert "DATABASE_URL" not in run.outputs
    assert run.count_by_type()[TABLE] == 5


def _inputs_with_content(run: ProgramRun) -> dict[str, object]:
    """Every resource's inputs, with each file asset replaced by its content hash."""

    def resolve(value):
        if isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_asset_sig:
            return hashlib.sha256(Path(value["path"]).read_bytes()).hexdigest()
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    return {r.urn: resolve(r.inputs) for r in run.resources}


def test_a_second_run_declares_identical_inputs(program_env, free_port, tmp_path, monkeypatch):
    """Regenerating the files in a fresh cache declares the same resources with identical inputs."""
    monkeypatch.setenv("TESTENV_CACHE_DIR", str(tmp_path / "first"))
    first = _inputs_with_content(run_program({"postgresPort": free_port}))
    monkeypatch.setenv("TESTENV_CACHE_DIR", str(tmp_path / "second"))  # regenerate every file
    second = _inputs_with_content(run_program({"postgresPort": free_port}))
    assert first.keys() == second.keys()
    differing = [
        urn
        for urn in first
        if json.dumps(first[urn], sort_keys=True).replace(str(tmp_path / "first"), "")
        != json.dumps(second[urn], sort_keys=True).replace(str(tmp_path / "second"), "")
    ]
    assert differing == []


def test_the_database_part_does_not_wait_for_aws(small_run):
    """No docker, random or component resource of the database part depends on any AWS resource."""
    aws = {r.urn for r in small_run.resources if r.type.startswith("aws:")}
    local = [
        r
        for r in small_run.resources
        if r.type.startswith(("docker:", "random:", "pulumi-python:"))
    ]
    assert local, "the database part is declared"
    for resource in local:
        waits_for = resource.dependencies | set().union(*resource.property_dependencies.values())
        assert not (waits_for & aws), f"{resource.name} waits for AWS"


def test_the_longest_chain_is_the_bucket_settings(small_run):
    """The longest dependency chain is the bucket followed by its five settings, six deep."""
    depth = graph_depth(small_run)
    assert depth["depth"] == 6
    assert depth["chain"] == [
        "Bucket",
        "BucketOwnershipControls",
        "BucketPublicAccessBlock",
        "BucketServerSideEncryptionConfiguration",
        "BucketLifecycleConfiguration",
        "BucketPolicy",
    ]


def test_the_docs_document_every_output_and_config_key(program_env, free_port):
    """Every stack output (offline ones included) is named in docs/outputs.md, every config
    key in docs/configuration.md."""
    from components.config import declared_keys
    from tests.stack.test_offline_stack import local_stack_config

    docs = Path(__file__).resolve().parents[2] / "docs"
    outputs_doc = (docs / "outputs.md").read_text()
    configuration_doc = (docs / "configuration.md").read_text()
    project, aws = local_stack_config(free_port)
    outputs = set(run_program({"postgresPort": free_port}).outputs)
    outputs |= set(run_program(project, stack="local", aws_config=aws).outputs)
    outputs |= set(run_program({"account": "true", "zoo": "true", "database": "false"}).outputs)
    assert sorted(name for name in outputs if f"`{name}`" not in outputs_doc) == []
    assert sorted(key for key in declared_keys() if f"`{key}`" not in configuration_doc) == []
