"""The naming rule: Glue-safe, S3-valid, stable, and distinct for distinct stacks."""

from __future__ import annotations

import json
import os
import random
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from components import naming

ROOT = Path(__file__).resolve().parents[2]
GLUE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
DOCKER_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
PULUMI_STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
ACCOUNT = "123456789012"
REGION = "eu-central-1"
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
    "a__b",
    "a_",
    "_a",
]

# Pairs that shared physical names under the previous rule (Glue-safe names kept as they
# were, otherwise a 33-character slug plus 6 hex digits; buckets cut to 16 characters plus
# 6 hex digits of the env). Found by hashing branch- and CI-style names until two met.
PREVIOUS_COLLISIONS = [
    # an already Glue-safe name equal to another stack's hashed env: every name shared
    ("dev-alice", "dev_alice_b5402a"),
    # same env ci_integration_tests_pull_request_e8c06e: bucket, databases, container shared
    ("ci-integration-tests-pull-request-598", "ci-integration-tests-pull-request-2438"),
    # distinct envs, same bucket aws2openstack-feature-jira-429-820eb7-123456789012-eu-central-1
    ("feature-JIRA-4290-fix-import", "feature-JIRA-4297-add-orc"),
]


def physical_names(stack: str) -> dict[str, str]:
    env = naming.env_name(stack)
    return {
        "env": env,
        "bucket": naming.bucket_name(env, ACCOUNT, REGION),
        "analytics": naming.database_name(env, "analytics"),
        "logs": naming.database_name(env, "logs"),
        "container": naming.container_name(env),
        "volume": naming.volume_name(env),
    }


def test_canonical_names_are_kept():
    """Lowercase word names of up to 40 characters are their own env: test -> test_analytics."""
    assert naming.env_name("test") == "test"
    assert naming.database_name(naming.env_name("test"), "analytics") == "test_analytics"
    assert naming.database_name(naming.env_name("test"), "logs") == "test_logs"
    for stack in ("dev_alice", "dev", "ci_run_9999", "x" * 40):
        assert naming.env_name(stack) == stack


@pytest.mark.parametrize(
    "stack",
    ["Dev", "dev-alice", "a__b", "a_", "9lives", "x" * 41, "dev_" + "a" * 16, "dev_" + "b2" * 8],
)
def test_other_names_get_a_digest_of_the_full_name(stack):
    """A name that is not canonical (case, punctuation, length, a digest-like end) is digested."""
    env = naming.env_name(stack)
    assert env != stack
    assert env.endswith("_" + naming.digest(stack))
    assert not naming.is_canonical(stack)


def test_a_word_of_sixteen_non_digest_characters_is_still_canonical():
    """Only an end of '_' plus 16 base32 characters is reserved: '_' plus 16 '1's is kept."""
    assert naming.env_name("dev_" + "1" * 16) == "dev_" + "1" * 16
    assert naming.env_name("dev_" + "a" * 17) == "dev_" + "a" * 17


@pytest.mark.parametrize("stack", STACKS)
def test_env_is_glue_safe_and_bucket_is_valid(stack):
    """Env names are Glue-safe and bounded; buckets are valid S3 names ending account-region."""
    env = naming.env_name(stack)
    assert GLUE_NAME.match(env) and len(env) <= naming.ENV_MAX_LENGTH
    for region in ("eu-central-1", "ap-southeast-2", "us-gov-west-1", "us-east-1"):
        bucket = naming.bucket_name(env, ACCOUNT, region)
        assert BUCKET_NAME.match(bucket), bucket
        assert len(bucket) <= 63 and "--" not in bucket and ".." not in bucket
        assert bucket.endswith(f"-{ACCOUNT}-{region}")
    for name in (naming.container_name(env), naming.volume_name(env)):
        assert DOCKER_NAME.match(name) and len(name) <= 63, name


def test_distinct_stacks_get_distinct_names():
    """Stack names differing only in case or punctuation still get distinct envs and buckets."""
    envs = {stack: naming.env_name(stack) for stack in STACKS}
    assert len(set(envs.values())) == len(STACKS), envs
    buckets = {naming.bucket_name(env, ACCOUNT, REGION) for env in envs.values()}
    assert len(buckets) == len(STACKS)


@pytest.mark.parametrize("pair", PREVIOUS_COLLISIONS, ids=lambda pair: pair[1])
def test_stacks_that_collided_before_share_no_name(pair):
    """The pairs that shared an env or a bucket under the 6-hex-digit rule share no name now."""
    first, second = (physical_names(stack) for stack in pair)
    for kind in first:
        assert first[kind] != second[kind], (kind, first[kind])


def test_a_stack_named_after_another_stacks_env_gets_its_own_names():
    """A stack literally named like another's digested env (dev_alice_<digest>) gets new names."""
    original = naming.env_name("dev-alice")
    impostor = physical_names(original)
    assert impostor["env"] != original
    assert impostor["env"].endswith("_" + naming.digest(original))
    assert set(impostor.values()).isdisjoint(physical_names("dev-alice").values())


def test_a_kept_bucket_slug_never_equals_a_shortened_one():
    """An env whose slug looks exactly like a shortened bucket slug still gets another bucket."""
    long_env = naming.env_name("feature-JIRA-4290-fix-import")
    shortened = naming.bucket_name(long_env, ACCOUNT, REGION)
    slug = shortened.removeprefix("aws2openstack-").removesuffix(f"-{ACCOUNT}-{REGION}")
    lookalike = slug.replace("-", "_")  # an env whose own slug is that shortened slug
    assert naming.resource_slug(lookalike) == slug
    assert naming.bucket_name(lookalike, ACCOUNT, REGION) != shortened


def test_bucket_slugs_are_kept_below_the_room_and_shortened_to_exactly_it():
    """With 23 characters of room, a 22-character slug is kept and 23 or 24 are cut to 23."""
    room = 63 - len("aws2openstack-") - len(f"-{ACCOUNT}-{REGION}")
    assert room == 23
    for length in (room - 1, room, room + 1):
        env = "e" * length
        slug = naming.bucket_name(env, ACCOUNT, REGION).removeprefix("aws2openstack-")
        slug = slug.removesuffix(f"-{ACCOUNT}-{REGION}")
        if length < room:
            assert slug == env
        else:
            assert len(slug) == room and slug.endswith(naming.digest(env, len(slug) - 7))


# Names as the stacks of these names have them in AWS and Docker today: a change here
# renames (replaces) the bucket, the databases, the container and its volume of every
# existing stack of that name.
RECORDED_NAMES = {
    "test": {
        "env": "test",
        "bucket": "aws2openstack-test-123456789012-eu-central-1",
        "analytics": "test_analytics",
        "logs": "test_logs",
        "container": "aws2openstack-test-postgres",
        "volume": "aws2openstack-test-pgdata",
    },
    "Dev-Alice": {
        "env": "dev_alice_vjhbw62o7uld7t7m",
        "bucket": "aws2openstack-dev-al-wswg5wuwhgsmfzyh-123456789012-eu-central-1",
        "analytics": "dev_alice_vjhbw62o7uld7t7m_analytics",
        "logs": "dev_alice_vjhbw62o7uld7t7m_logs",
        "container": "aws2openstack-dev-alice-vjhbw62o7uld7t7m-postgres",
        "volume": "aws2openstack-dev-alice-vjhbw62o7uld7t7m-pgdata",
    },
    "feature/42": {
        "env": "feature_42_5ytvmeltuqkdku5z",
        "bucket": "aws2openstack-featur-4mh5islpa27ng6yv-123456789012-eu-central-1",
        "analytics": "feature_42_5ytvmeltuqkdku5z_analytics",
        "logs": "feature_42_5ytvmeltuqkdku5z_logs",
        "container": "aws2openstack-feature-42-5ytvmeltuqkdku5z-postgres",
        "volume": "aws2openstack-feature-42-5ytvmeltuqkdku5z-pgdata",
    },
}


def test_names_are_stable():
    """A name that must change maps the same way on every call: its label plus a digest."""
    assert naming.env_name("Dev-Alice") == naming.env_name("Dev-Alice")
    assert naming.env_name("Dev-Alice") == "dev_alice_" + naming.digest("Dev-Alice")


@pytest.mark.parametrize("hash_seed", ["0", "1", "4242"])
def test_names_are_the_recorded_ones_in_any_process(hash_seed):
    """In a new process under any PYTHONHASHSEED, every physical name equals the recorded one
    (what existing stacks carry), not only the one this process computed a moment ago."""
    assert {stack: physical_names(stack) for stack in RECORDED_NAMES} == RECORDED_NAMES
    code = (
        "import json, sys\n"
        "from tests.stack.test_naming import physical_names\n"
        "print(json.dumps({s: physical_names(s) for s in json.loads(sys.argv[1])}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(list(RECORDED_NAMES))],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == RECORDED_NAMES


def test_accounts_and_regions_never_share_a_bucket():
    """The same env gets a different bucket name in each account and each region."""
    env = naming.env_name("test")
    names = {
        naming.bucket_name(env, account, region)
        for account in ("123456789012", "210987654321")
        for region in ("eu-central-1", "eu-west-1")
    }
    assert len(names) == 4


def test_a_region_that_leaves_no_room_is_refused():
    """A region so long that no digest fits in 63 characters is an error naming the region."""
    with pytest.raises(ValueError, match="region 'xx-aaaaaaaaaaaaaaaaaaaa-1'"):
        naming.bucket_name("test", ACCOUNT, "xx-aaaaaaaaaaaaaaaaaaaa-1")


@pytest.mark.parametrize("stack", ["", "---", "...", "_"])
def test_a_name_without_letters_or_digits_is_refused(stack):
    """An empty stack name or one of only '-', '.' or '_' raises StackNameError."""
    with pytest.raises(naming.StackNameError, match="no letters or digits"):
        naming.env_name(stack)


USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
WORDS = ["add", "fix", "glue", "catalog", "export", "orc", "iceberg", "retry", "cache", "docs"]
STACK_ALPHABET = string.ascii_letters + string.digits + "_.-"
DIGEST_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def _realistic(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"dev{rng.choice('-_.')}{rng.choice(USERS)}{rng.randrange(1000)}"
    if kind == 1:
        words = "-".join(rng.choices(WORDS, k=rng.randrange(1, 6)))
        return f"feature-{rng.choice(['JIRA', 'jira', 'PLAT'])}-{rng.randrange(10000)}-{words}"
    if kind == 2:
        return f"ci-integration-tests-pull-request-{rng.randrange(100000)}"
    if kind == 3:
        return "_".join(rng.choices(WORDS + USERS, k=rng.randrange(1, 8)))
    if kind == 4:
        return rng.choice(string.ascii_letters) + "".join(
            rng.choices(STACK_ALPHABET, k=rng.randrange(0, 100))
        )
    # a canonical-looking word name cut near the 40-character limit or the bucket room
    name = "_".join(rng.choices(WORDS + USERS, k=12))
    return name[: rng.choice([21, 22, 23, 24, 39, 40, 41])].rstrip("_")


def _adversarial(rng: random.Random, stack: str) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return naming.env_name(stack)  # a stack named after another stack's env
    if kind == 1:
        return stack.swapcase()
    if kind == 2:
        return stack.translate(str.maketrans("-_.", "_.-"))
    if kind == 3:
        fake = "".join(rng.choices(DIGEST_ALPHABET, k=naming.DIGEST_LENGTH))
        return f"{stack.lower()[:23].strip('_.-') or 'x'}_{fake}"
    if kind == 4:
        return naming.resource_slug(naming.env_name(stack))
    return (stack + "-" + str(rng.randrange(10)))[:100]


def test_200000_random_stack_names_share_no_physical_name():
    """200,000 seeded stack names, adversarial ones included, get pairwise distinct names."""
    rng = random.Random(20261201)
    stacks: set[str] = set()
    while len(stacks) < 200_000:
        stack = _realistic(rng)
        stacks.add(stack)
        if rng.random() < 0.4:
            stacks.add(_adversarial(rng, stack))
    assert all(PULUMI_STACK_NAME.match(stack) for stack in stacks)
    seen: dict[str, dict[str, str]] = {kind: {} for kind in ("env", "bucket", "db", "docker")}
    for stack in stacks:
        names = physical_names(stack)
        for kind, name in (
            ("env", names["env"]),
            ("bucket", names["bucket"]),
            ("db", names["analytics"]),
            ("db", names["logs"]),
            ("docker", names["container"]),
            ("docker", names["volume"]),
        ):
            other = seen[kind].setdefault(name, stack)
            assert other == stack, f"{stack!r} and {other!r} share the {kind} name {name!r}"
    assert len(seen["env"]) == len(seen["bucket"]) == len(stacks)
    assert len(seen["db"]) == len(seen["docker"]) == 2 * len(stacks)
