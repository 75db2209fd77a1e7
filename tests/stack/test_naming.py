"""The naming rule: Glue-safe, S3-valid, stable, and distinct for distinct stacks."""

import re

import pytest

from components import naming

GLUE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
STACKS = [
    "test",
    "dev",
    "dev-alice",
    "dev_alice",
    "Dev-Alice",
    "dev.alice",
    "dev-a",
    "dev_a",
    "DEV_A",
    "123",
    "a" * 100,
    "a" * 100 + "b",
    "x" * 40,
    "x" * 41,
    "feature/42",
    "ci-run-9999",
]


def test_glue_safe_names_are_kept():
    """Glue-safe stack names are kept as is, and a database name is the env name plus its role."""
    assert naming.env_name("test") == "test"
    assert naming.database_name(naming.env_name("test"), "analytics") == "test_analytics"
    assert naming.database_name(naming.env_name("test"), "logs") == "test_logs"
    assert naming.env_name("dev_alice") == "dev_alice"


@pytest.mark.parametrize("stack", STACKS)
def test_env_is_glue_safe_and_bucket_is_valid(stack):
    """Env names are Glue-safe and bounded; buckets are valid S3 names ending account-region."""
    env = naming.env_name(stack)
    assert GLUE_NAME.match(env) and len(env) <= naming.ENV_MAX_LENGTH
    for region in ("eu-central-1", "ap-southeast-2", "us-gov-west-1"):
        bucket = naming.bucket_name(env, "123456789012", region)
        assert BUCKET_NAME.match(bucket), bucket
        assert len(bucket) <= 63 and "--" not in bucket and ".." not in bucket
        assert bucket.endswith(f"-123456789012-{region}")


def test_distinct_stacks_get_distinct_names():
    """Stack names differing only in case or punctuation still get distinct envs and buckets."""
    envs = {stack: naming.env_name(stack) for stack in STACKS}
    assert len(set(envs.values())) == len(STACKS), envs
    buckets = {naming.bucket_name(env, "123456789012", "eu-central-1") for env in envs.values()}
    assert len(buckets) == len(STACKS)


def test_names_are_stable():
    """A name that must change maps the same way on every call: its Glue-safe form plus a suffix."""
    assert naming.env_name("Dev-Alice") == naming.env_name("Dev-Alice")
    assert naming.env_name("Dev-Alice").startswith("dev_alice_")


def test_accounts_and_regions_never_share_a_bucket():
    """The same env gets a different bucket name in each account and each region."""
    env = naming.env_name("test")
    names = {
        naming.bucket_name(env, account, region)
        for account in ("123456789012", "210987654321")
        for region in ("eu-central-1", "eu-west-1")
    }
    assert len(names) == 4


@pytest.mark.parametrize("stack", ["", "---", "...", "_"])
def test_a_name_without_letters_or_digits_is_refused(stack):
    """An empty stack name or one of only '-', '.' or '_' raises StackNameError."""
    with pytest.raises(naming.StackNameError, match="no letters or digits"):
        naming.env_name(stack)
