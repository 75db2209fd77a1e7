"""A config value stored as a secret never appears in an error, a log or an exception."""

from __future__ import annotations

import json
import logging

import pulumi
import pytest

from components.config import declared_keys
from tests.stack.program import PROJECT, run_program

# A value that is invalid for each key; the marker text must never be shown.
_SECRET = "Hunter2-S3CRET!#"
_INVALID_AWS = {
    "aws:region": _SECRET,
    "aws:endpoints": "{" + _SECRET,
    "aws:maxRetries": _SECRET,
    "aws:s3UsePathStyle": _SECRET,
    "aws:insecure": _SECRET,
}
_PROJECT_KEYS = sorted(declared_keys())


# Keys read only when their family is on: set with the family, so that they are read.
_FAMILY_OF = {
    "vpcId": {"account": "true", "zoo": "true"},
    "subnetCidrs": {"account": "true", "zoo": "true"},
    "targetPortBase": {"target": "true"},
}


def _run_with_secret(key: str, value: str, caplog, capsys) -> tuple[str, str]:
    config = {} if key.startswith("aws:") else {**_FAMILY_OF.get(key, {}), key: value}
    aws_config = {key: value} if key.startswith("aws:") else None
    full_key = key if key.startswith("aws:") else f"{PROJECT}:{key}"
    records: list = []
    with caplog.at_level(logging.DEBUG), pytest.raises(pulumi.RunError) as raised:
        run_program(config, aws_config=aws_config, secret_keys=[full_key], records=records)
    captured = capsys.readouterr()
    logs = caplog.text + captured.out + captured.err
    assert records == [], f"{key}: resources were declared before the error"
    return str(raised.value) + repr(raised.value.args), logs


@pytest.mark.parametrize("key", _PROJECT_KEYS)
def test_a_secret_project_value_is_never_shown(program_env, caplog, capsys, key):
    """Each project key set with --secret to a bad value: named in the error, value hidden."""
    message, logs = _run_with_secret(key, _SECRET, caplog, capsys)
    assert f"{PROJECT}:{key}" in message
    assert "[secret]" in message  # as README.md documents it
    assert "Hunter2" not in message and "S3CRET" not in message, message
    assert "Hunter2" not in logs and "S3CRET" not in logs


@pytest.mark.parametrize("key", sorted(_INVALID_AWS))
def test_a_secret_aws_value_is_never_shown(program_env, caplog, capsys, key):
    """aws: keys set with --secret to a bad value: named in the error, value hidden."""
    message, logs = _run_with_secret(key, _INVALID_AWS[key], caplog, capsys)
    assert key in message
    assert "Hunter2" not in message and "S3CRET" not in message, message
    assert "Hunter2" not in logs and "S3CRET" not in logs


def test_a_plain_bad_value_is_still_shown(program_env):
    """The same bad value not stored as a secret is quoted, so the user sees what is wrong."""
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"rows": _SECRET})
    assert _SECRET in str(raised.value)


def test_secret_keys_handed_over_in_the_environment_are_hidden_too(program_env, monkeypatch):
    """Secret keys in PULUMI_CONFIG_SECRET_KEYS (the engine's other channel) are hidden."""
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps([f"{PROJECT}:owner"]))
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"owner": _SECRET})
    assert f"{PROJECT}:owner is [secret]" in str(raised.value)
    assert "Hunter2" not in str(raised.value)
