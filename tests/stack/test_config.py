"""Config validation: each bad value stops the program before any resource is declared."""

from __future__ import annotations

import pulumi
import pytest

from components import config as stack_config
from tests.stack.program import PROJECT, ROOT, ProgramMocks, run_program


def run_rejected(config, *, stack="test", aws_config=None):
    """Run the program with ``config``; return the RunError message and the records."""
    records: list = []
    with pytest.raises(pulumi.RunError) as raised:
        run_program(config, stack=stack, aws_config=aws_config, records=records)
    return str(raised.value), records


@pytest.mark.parametrize(
    ("config", "key", "fix"),
    [
        ({"rows": "0"}, "rows", "pulumi config set rows"),
        ({"rows": "5000001"}, "rows", "pulumi config set rows"),
        ({"rows": "many"}, "rows", "pulumi config set rows"),
        ({"lifecycleDays": "0"}, "lifecycleDays", "pulumi config set lifecycleDays"),
        ({"tables": "sales_data,no_such_table"}, "tables", "pulumi config set tables"),
        ({"profile": "huge"}, "profile", "pulumi config set profile"),
        ({"seed": "-1"}, "seed", "pulumi config set seed"),
        ({"monthlyPartitions": "0"}, "monthlyPartitions", "pulumi config set monthlyPartitions"),
        ({"dailyPartitions": "400"}, "dailyPartitions", "pulumi config set dailyPartitions"),
        (
            {"scaleDatabases": "2", "tablesPerDatabase": "0"},
            "tablesPerDatabase",
            "pulumi config set tablesPerDatabase",
        ),
        ({"kmsKeyId": "not a key"}, "kmsKeyId", "pulumi config set kmsKeyId"),
        ({"database": "maybe"}, "database", "pulumi config set database"),
        ({"postgresPort": "80"}, "postgresPort", "pulumi config set postgresPort"),
        ({"postgresUser": "Robert'); DROP"}, "postgresUser", "pulumi config set postgresUser"),
        ({"tlsOnlyPolicy": "yes"}, "tlsOnlyPolicy", "pulumi config set tlsOnlyPolicy"),
        ({"zoo": "yes"}, "zoo", "pulumi config set zoo false"),
        ({"account": "maybe"}, "account", "pulumi config set account false"),
        ({"account": "true"}, "zoo", "pulumi config set zoo true"),
        (
            {"account": "true", "zoo": "true", "tables": "sales_data,events_raw"},
            "tables",
            "pulumi config set tables sales_data,events_raw,customer_data",
        ),
        ({"account": "true", "zoo": "true", "vpcId": "vpc-1"}, "vpcId", "pulumi config set vpcId"),
        (
            {"account": "true", "zoo": "true", "vpcId": "vpc-0123456789abcdef0"},
            "subnetCidrs",
            "pulumi config set subnetCidrs 10.0.128.0/28,10.0.128.16/28",
        ),
        (
            {"account": "true", "zoo": "true", "subnetCidrs": "10.42.0.0/24,10.42.0.0/24"},
            "subnetCidrs",
            "pulumi config set subnetCidrs",
        ),
    ],
)
def test_each_bad_value_is_named_with_its_fix_and_nothing_is_declared(
    program_env, config, key, fix
):
    """Each invalid value fails naming its key, what is expected and the fix; nothing declared."""
    message, records = run_rejected(config)
    assert f"{PROJECT}:{key} is " in message
    assert "expected" in message
    assert fix in message
    assert records == []


def test_every_bad_value_is_reported_at_once(program_env):
    """Three invalid values are listed together in one error, and no resource is declared."""
    message, records = run_rejected({"rows": "0", "lifecycleDays": "0", "tables": "nope"})
    assert message.count("\n  - ") == 3
    assert records == []


def test_a_bad_region_names_the_aws_key(program_env):
    """An unknown aws:region is named with its value and the config set fix; nothing is declared."""
    message, records = run_rejected({}, aws_config={"aws:region": "moon-1"})
    assert "aws:region is 'moon-1'" in message
    assert "pulumi config set aws:region eu-central-1" in message
    assert records == []


def test_a_stack_name_without_letters_or_digits_is_rejected(program_env):
    """A stack name without letters or digits is refused with a rename hint, declaring nothing."""
    message, records = run_rejected({}, stack="---")
    assert "pulumi stack rename" in message
    assert records == []


def test_profiles_set_defaults_and_explicit_knobs_win(program_env):
    """Profiles set rows, tables, partitions; explicit rows, tablesPerDatabase, partitions win."""

    def load(values, stack="test"):
        return stack_config.load(
            config=_Config(values), aws_config=_Config({"region": "eu-central-1"}), stack=stack
        )

    small = load({})
    assert (small.profile, small.rows, len(small.tables)) == ("small", 1000, 5)
    medium = load({"profile": "medium"})
    assert medium.rows == 100_000
    assert {t.partitioning.count for t in medium.tables if t.partitioning} == {12, 30}
    large = load({"profile": "large"})
    assert len(large.tables) == 5 + 3 * 150
    assert len({t.role for t in large.tables}) == 5
    assert {t.kind for t in large.tables if t.role == "scale_01"} == {t.kind for t in small.tables}
    assert load({"profile": "medium", "rows": "2000"}).rows == 2000
    assert len(load({"profile": "large", "tablesPerDatabase": "120"}).tables) == 5 + 3 * 120
    tuned = load({"profile": "medium", "monthlyPartitions": "2"})
    assert {t.partitioning.count for t in tuned.tables if t.partitioning} == {2, 30}


def test_defaults_are_those_declared_in_pulumi_yaml():
    """Every Pulumi.yaml key declares a type and a description; the lifecycleDays default is 7."""
    declared = stack_config.declared_keys(ROOT / "Pulumi.yaml")
    for key, spec in declared.items():
        assert spec.get("type") in ("string", "integer", "boolean"), key
        assert spec.get("description"), key
    assert stack_config.project_defaults(ROOT / "Pulumi.yaml")["lifecycleDays"] == 7


class _Config:
    """The subset of ``pulumi.Config`` that ``config.load`` uses, over a dict."""

    def __init__(self, values):
        self._values = values

    def get(self, key):
        return self._values.get(key)

    def get_secret(self, key):
        return self._values.get(key)

    def get_object(self, key):
        return self._values.get(key)

    def get_bool(self, key):
        value = self._values.get(key)
        return None if value is None else value == "true"

    def get_int(self, key):
        value = self._values.get(key)
        return None if value is None else int(value)


class ExpiredCredentials(ProgramMocks):
    def call(self, args):
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            raise Exception(
                "operation error STS: GetCallerIdentity, https response error "
                "StatusCode: 403, api error ExpiredToken: The security token "
                "included in the request is expired"
            )
        return super().call(args)


def test_expired_credentials_are_explained_before_any_aws_resource(program_env, free_port, caplog):
    """Expired credentials log an sso login hint for the profile; only the provider is declared."""
    records: list = []
    with pytest.raises(Exception, match="ExpiredToken"):  # the provider's own error ends the run
        run_program(
            {"postgresPort": free_port},
            aws_config={"aws:profile": "team-dev"},
            records=records,
            mocks=ExpiredCredentials(),
        )
    assert [r.type for r in records] == ["pulumi:providers:aws"]
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(
        "the AWS credentials have expired" in m and "aws sso login --profile team-dev" in m
        for m in logged
    ), logged
