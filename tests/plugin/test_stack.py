"""The typed outputs (Testenv), DATABASE_URL's masking and where the outputs come from,
without AWS or Pulumi."""

from __future__ import annotations

import json

import pytest

from aws2openstack_testenv.stack import (
    DatabaseUrl,
    Source,
    Testenv,
    TestenvError,
    offline_env,
    resolve_source,
)

OUTPUTS = {
    "AWS_REGION": "eu-central-1",
    "TESTENV_STACK": "dev-alice",
    "TESTENV_BUCKET": "aws2openstack-dev-alice-123456789012-eu-central-1",
    "TESTENV_GLUE_DATABASES": "dev_alice_analytics,dev_alice_logs",
    "TESTENV_TABLES": {
        "dev_alice_analytics": {
            "sales_data": {
                "format": "parquet",
                "location": "s3://b/s/",
                "rows": 10,
                "partitions": 3,
            }
        },
        "dev_alice_logs": {},
    },
    "TESTENV_GROUND_TRUTH_URI": "s3://b/_testenv/ground-truth.json",
    "DATABASE_URL": "postgresql://testenv:p%40ss:word@127.0.0.1:55432/testenv",
}
FILE = Source("file", "--testenv-outputs", "out.json")


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (
            "postgresql://testenv:p%40ss:word@127.0.0.1:55432/testenv",
            "postgresql://testenv:***@127.0.0.1:55432/testenv",
        ),
        ("postgresql://testenv@127.0.0.1/testenv", "postgresql://testenv@127.0.0.1/testenv"),
        ("postgresql:///testenv?host=/run", "postgresql:///testenv?host=/run"),
    ],
)
def test_database_url_hides_only_the_password(url, masked):
    """repr() and .masked show *** for the password; str() and == are the whole URL."""
    value = DatabaseUrl(url)
    assert value == url and str(value) == url and f"{value}" == url
    assert value.masked == masked and repr(value) == f"DatabaseUrl({masked!r})"


def test_outputs_become_typed_values():
    """Testenv.from_outputs: region, bucket, databases, tables, URI, a masked database URL."""
    env = Testenv.from_outputs(OUTPUTS, FILE)
    assert (env.stack, env.region, env.bucket) == (
        "dev-alice",
        "eu-central-1",
        "aws2openstack-dev-alice-123456789012-eu-central-1",
    )
    assert env.databases == ("dev_alice_analytics", "dev_alice_logs")
    assert env.table("dev_alice_analytics", "sales_data").partitions == 3
    assert not env.offline and env.endpoint is None
    assert isinstance(env.database_url, DatabaseUrl)
    assert "p%40ss" not in repr(env)


def test_outputs_of_an_env_file_arrive_as_text():
    """TESTENV_TABLES as JSON text (an env file) reads like the structured output."""
    as_text = {**OUTPUTS, "TESTENV_TABLES": json.dumps(OUTPUTS["TESTENV_TABLES"])}
    assert Testenv.from_outputs(as_text, FILE).tables == Testenv.from_outputs(OUTPUTS, FILE).tables


def test_outputs_of_something_else_are_refused():
    """Outputs without TESTENV_BUCKET name the source and how to get the right ones."""
    with pytest.raises(TestenvError, match=r"--testenv-outputs out.json holds no TESTENV_BUCKET"):
        Testenv.from_outputs({"AWS_REGION": "eu-central-1"}, FILE)


def test_an_option_wins_over_the_variables(monkeypatch):
    """Options first, then TESTENV_PYTEST_STACK, TESTENV_PYTEST_OUTPUTS, then an env file."""
    for name in ("TESTENV_PYTEST_STACK", "TESTENV_PYTEST_OUTPUTS", "TESTENV_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    assert resolve_source(None, None) is None
    monkeypatch.setenv("TESTENV_BUCKET", "b")
    assert resolve_source(None, None) == Source("environment", "", "")
    monkeypatch.setenv("TESTENV_PYTEST_OUTPUTS", "o.json")
    assert str(resolve_source(None, None)) == "TESTENV_PYTEST_OUTPUTS=o.json"
    monkeypatch.setenv("TESTENV_PYTEST_STACK", "dev-bob")
    assert str(resolve_source(None, None)) == "TESTENV_PYTEST_STACK=dev-bob"
    assert str(resolve_source(None, "x.json")) == "--testenv-outputs x.json"
    assert str(resolve_source("dev-carol", "x.json")) == "--testenv-stack dev-carol"


def test_an_offline_stack_is_known_by_its_passphrase_file(monkeypatch, tmp_path):
    """A stack with a passphrase under TESTENV_STATE_DIR/stacks is read from the offline
    backend there; any other from your Pulumi login."""
    monkeypatch.setenv("TESTENV_STATE_DIR", str(tmp_path))
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "local.passphrase").write_text("x")
    assert offline_env("local") == {
        "PULUMI_BACKEND_URL": f"file://{tmp_path / 'pulumi'}",
        "PULUMI_CONFIG_PASSPHRASE_FILE": str(tmp_path / "stacks" / "local.passphrase"),
    }
    assert offline_env("dev-alice") == {}


def test_the_tables_come_from_the_ground_truth():
    """with_truth: the ground truth's tables (facts and partition count), after the
    databases the outputs name; TESTENV_TABLES as counts lists no table."""
    counted = {**OUTPUTS, "TESTENV_TABLES": {"dev_alice_analytics": 1, "dev_alice_logs": 0}}
    env = Testenv.from_outputs(counted, FILE)
    assert env.tables == ()
    truth = {
        "databases": [
            {
                "name": "dev_alice_analytics",
                "tables": [
                    {
                        "name": "sales_data",
                        "format": "parquet",
                        "location": "s3://b/s/",
                        "rows": 10,
                        "partitions": [{}, {}, {}],
                    }
                ],
            },
            {"name": "dev_alice_zoo", "tables": []},
        ]
    }
    with_tables = env.with_truth(truth)
    assert with_tables.tables == Testenv.from_outputs(OUTPUTS, FILE).tables
    assert with_tables.databases == ("dev_alice_analytics", "dev_alice_logs", "dev_alice_zoo")
