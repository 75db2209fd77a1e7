"""Input that used to be ignored or accepted in silence is now refused with its fix."""

from __future__ import annotations

import pulumi
import pytest

from components import config as stack_config
from tests.stack.program import PROJECT, run_program

LOCAL = (
    '[{"s3": "http://127.0.0.1:5000", "glue": "http://localhost:5000", "sts": "http://[::1]:5000"}]'
)
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def rejected(config, aws_config=None) -> str:
    records: list = []
    with pytest.raises(pulumi.RunError) as raised:
        run_program(config, aws_config=aws_config, records=records)
    assert records == [], "resources were declared before the error"
    return str(raised.value)


@pytest.mark.parametrize(
    ("typo", "meant"), [("rowz", "rows"), ("postgresport", "postgresPort"), ("Rows", "rows")]
)
def test_an_unknown_project_key_is_refused_with_a_suggestion(program_env, typo, meant):
    """A misspelt key in the project namespace fails naming it and suggesting the real key."""
    message = rejected({typo: "10"})
    assert f"{PROJECT}:{typo} is not a key of this project" in message
    assert f"Did you mean {meant}?" in message
    assert f"pulumi config rm {typo}" in message


def test_an_unknown_key_without_a_close_match_lists_the_known_keys(program_env):
    """A key like nothing declared is refused, listing the keys that exist."""
    message = rejected({"zzzqqq": "1"})
    assert f"{PROJECT}:zzzqqq is not a key of this project" in message
    assert "known keys:" in message and "postgresUser" in message


@pytest.mark.parametrize(
    "endpoints",
    [
        None,
        '[{"s3": "https://s3.eu-central-1.amazonaws.com"}]',
        '[{"s3": "http://127.0.0.1:5000", "glue": "https://glue.eu-central-1.amazonaws.com"}]',
        '[{"s3": "http://localhost.example.com:5000"}]',
    ],
)
def test_tls_only_policy_off_is_refused_against_real_aws(program_env, endpoints):
    """tlsOnlyPolicy=false without every endpoint on 127.0.0.1/localhost/::1 is refused."""
    aws = {"aws:endpoints": endpoints} if endpoints else None
    message = rejected({"tlsOnlyPolicy": "false"}, aws_config=aws)
    assert f"{PROJECT}:tlsOnlyPolicy is false" in message
    assert "pulumi config set tlsOnlyPolicy true" in message


def test_local_endpoints_allow_the_policy_off():
    """Endpoints on 127.0.0.1, localhost and ::1 count as a local emulator."""
    import json

    assert stack_config.endpoints_are_local(json.loads(LOCAL))
    assert not stack_config.endpoints_are_local([])


@pytest.mark.parametrize("user", ["pg_admin", "pg_"])
def test_a_postgres_user_starting_with_pg_is_refused(program_env, free_port, user):
    """postgresUser pg_*: PostgreSQL reserves those role names; refused before the container."""
    message = rejected({"postgresUser": user, "postgresPort": free_port})
    assert f"{PROJECT}:postgresUser is '{user}'" in message
    assert "pg_" in message and "pulumi config set postgresUser testuser" in message


@pytest.mark.parametrize("name", ["Admin", "1user", "a" * 64, "user-name", "", "ütf8"])
def test_postgres_names_follow_the_identifier_rules(program_env, free_port, name):
    """postgresDatabase and postgresUser: 1..63 of a-z 0-9 _, starting with a letter or _."""
    for key in ("postgresDatabase", "postgresUser"):
        message = rejected({key: name, "postgresPort": free_port})
        assert f"{PROJECT}:{key} is " in message


@pytest.mark.parametrize(
    "key_id",
    [
        "alias////",
        "alias/",
        "alias/a//b",
        "alias/aws/ebs",
        f"arn:aws:kms:us-east-1:111122223333:key/{KEY_ID}",
        "arn:aws:kms:us-east-1:111122223333:alias/my-key",
        "arn:aws:kms:eu-central-1:111122223333:key/not-a-key-id",
        "arn:aws:kms:eu-central-1:1111:key/" + KEY_ID,
        KEY_ID.upper().replace("-", "") + "x",
    ],
)
def test_kms_ids_of_other_forms_or_regions_are_refused(program_env, key_id):
    """kmsKeyId: an ARN of another region, alias//// or an AWS managed non-S3 key: refused."""
    message = rejected({"kmsKeyId": key_id})
    assert f"{PROJECT}:kmsKeyId is " in message
    assert "pulumi config set kmsKeyId arn:aws:kms:eu-central-1:" in message


@pytest.mark.parametrize(
    "key_id",
    [
        "",
        KEY_ID,
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "alias/my-key",
        "alias/team/data_key-1",
        "alias/aws/s3",
        f"arn:aws:kms:eu-central-1:111122223333:key/{KEY_ID}",
        "arn:aws:kms:eu-central-1:111122223333:alias/my-key",
    ],
)
def test_documented_kms_forms_in_the_stack_region_are_accepted(key_id):
    """Key id, multi-region id, alias, alias/aws/s3 and ARNs in the stack's region pass."""
    assert stack_config.kms_key_problem(key_id, "eu-central-1") is None
