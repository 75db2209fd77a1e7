"""Every IAM policy document the stack declares, checked by an IAM policy linter.

The linter is parliament (duo-labs, PyPI): it parses a policy, checks its grammar (Version,
Effect, Principal, Action, Resource, Condition), and checks each action, resource ARN format
and condition key against the IAM definitions that ship inside its wheel, so it runs
offline. What it reports is a finding such as ``MALFORMED``, ``UNKNOWN_ACTION``,
``UNKNOWN_PREFIX``, ``RESOURCE_MISMATCH`` or ``MISMATCHED_TYPE``; a document passes when
there is none.

Three kinds of document, told apart by where the stack declares them (``policy_kind``):

- identity policies (a role's inline or attached policy): linted as they are;
- resource policies (a bucket policy): linted as they are, and each statement must name
  a ``Principal`` or ``NotPrincipal`` (parliament checks a principal only when there is one);
- trust policies (a role's ``assumeRolePolicy``): a statement has a principal and no
  ``Resource``, which parliament takes for an identity policy missing its resource, so a
  statement with a ``Resource`` is a finding, and the rest is linted with the role as each
  statement's ``Resource`` (``ASSUMED_ROLE``).

A family that declares IAM roles or policies needs nothing more: ``declared_policies``
finds every policy document among any resource's inputs.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

IDENTITY = "identity"
RESOURCE = "resource"
TRUST = "trust"

RESOURCE_POLICY_TYPES = frozenset(
    {
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:glue/resourcePolicy:ResourcePolicy",
        "aws:kms/key:Key",
        "aws:kms/keyPolicy:KeyPolicy",
        "aws:sqs/queuePolicy:QueuePolicy",
        "aws:sns/topicPolicy:TopicPolicy",
    }
)
"""Resource types whose ``policy`` input is a resource policy (it names its principals)."""

TRUST_POLICY_INPUTS = frozenset({"assumeRolePolicy"})
"""Input names that hold a trust policy (who may assume a role)."""

ASSUMED_ROLE = "arn:aws:iam::*:role/*"
"""The resource a trust policy's statements are about (the role itself), as linted."""


@dataclass(frozen=True)
class DeclaredPolicy:
    """One policy document among a registered resource's inputs."""

    resource: str
    """The resource's type and name, for failure messages."""
    path: str
    """Where in the inputs the document sits (``policy``, ``inlinePolicies[0].policy``)."""
    kind: str
    document: str


def policy_kind(resource_type: str, input_name: str) -> str:
    """Which kind of policy the input ``input_name`` of a ``resource_type`` holds."""
    if input_name in TRUST_POLICY_INPUTS:
        return TRUST
    if resource_type in RESOURCE_POLICY_TYPES:
        return RESOURCE
    return IDENTITY


def _as_policy(value: Any) -> str | None:
    """``value`` as a policy document's JSON text, or ``None`` when it is not one."""
    if isinstance(value, Mapping) and "Statement" in value:
        return json.dumps(value)
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        if isinstance(parsed, dict) and "Statement" in parsed:
            return value
    return None


def _documents(value: Any, path: str, name: str) -> Iterator[tuple[str, str, str]]:
    document = _as_policy(value)
    if document is not None:
        yield path, name, document
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _documents(item, f"{path}.{key}" if path else key, key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _documents(item, f"{path}[{index}]", name)


def declared_policies(resources: Iterable[Any]) -> list[DeclaredPolicy]:
    """Every policy document in the inputs of ``resources`` (records with ``type``, ``name``
    and ``inputs``, secrets unwrapped), wherever it sits."""
    return [
        DeclaredPolicy(
            f"{resource.type} {resource.name}", path, policy_kind(resource.type, name), document
        )
        for resource in resources
        for path, name, document in _documents(resource.inputs, "", "")
    ]


def _parliament():
    # parliament imports pkg_resources, which warns about its own deprecation on import.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import parliament

    return parliament


def _statements(policy: Mapping[str, Any]) -> list[Any]:
    statements = policy.get("Statement")
    return statements if isinstance(statements, list) else [statements]


def policy_findings(document: str | Mapping[str, Any], kind: str = IDENTITY) -> list[str]:
    """What the linter finds in ``document``, one line each (``ISSUE: detail``); empty when
    the document passes."""
    if kind not in (IDENTITY, RESOURCE, TRUST):
        raise ValueError(f"unknown policy kind {kind!r}: one of identity, resource, trust")
    text = document if isinstance(document, str) else json.dumps(document)
    own: list[str] = []
    try:
        policy = json.loads(text)
    except ValueError:
        policy = None  # parliament reports MALFORMED_JSON with the position
    if isinstance(policy, dict) and kind in (RESOURCE, TRUST):
        statements = _statements(policy)
        for index, statement in enumerate(statements):
            if not isinstance(statement, dict):
                continue
            if "Principal" not in statement and "NotPrincipal" not in statement:
                own.append(f"MALFORMED: statement {index} of a {kind} policy names no Principal")
            if kind == TRUST and ("Resource" in statement or "NotResource" in statement):
                own.append(f"MALFORMED: statement {index} of a trust policy has a Resource")
        if kind == TRUST:
            policy["Statement"] = [
                {"Resource": ASSUMED_ROLE, **s} if isinstance(s, dict) else s for s in statements
            ]
            text = json.dumps(policy)
    linted = _parliament().analyze_policy_string(text)
    return own + [f"{finding.issue}: {finding.detail}".rstrip(": ") for finding in linted.findings]
