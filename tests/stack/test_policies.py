"""Every IAM and bucket policy the stack declares passes an IAM policy linter (parliament).

moto stores any policy document it is given ("Effect": "Maybe" and a made-up action
included), so reading a policy back from the emulator says nothing about its validity:
the linter checks grammar, actions, resource ARNs and condition keys against IAM's own
definitions (``tests/support/policy_lint.py``).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from components.data_bucket import tls_only_policy
from tests.stack.program import run_program, unwrap
from tests.support import policy_lint
from tests.support.policy_lint import IDENTITY, RESOURCE, TRUST, declared_policies, policy_findings

BUCKET_ARN = "arn:aws:s3:::aws2openstack-test-123456789012-eu-central-1"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def test_every_policy_the_stack_declares_passes_the_linter(program_env, free_port):
    """Each policy document among the inputs of every resource of the stack (zoo included)
    has no linter finding; the TLS-only bucket policy is among them, as a resource policy."""
    run = run_program({"profile": "small", "zoo": "true", "postgresPort": free_port})
    resources = [
        SimpleNamespace(type=r.type, name=r.name, inputs=unwrap(r.inputs)) for r in run.resources
    ]
    policies = declared_policies(resources)
    assert [(p.resource.split()[0], p.path, p.kind) for p in policies] == [
        (BUCKET_POLICY, "policy", RESOURCE)
    ], "a new policy: check that its kind is right (policy_lint.policy_kind)"
    for policy in policies:
        assert policy_findings(policy.document, policy.kind) == [], (policy.resource, policy.path)


def _broken(change) -> str:
    policy = json.loads(tls_only_policy(BUCKET_ARN))
    change(policy, policy["Statement"][0])
    return json.dumps(policy)


BROKEN = {
    "effect_maybe": (
        lambda p, s: s.update(Effect="Maybe"),
        "MALFORMED: Unknown Effect used",
    ),
    "bogus_action": (lambda p, s: s.update(Action="s3:Frobnicate"), "UNKNOWN_ACTION"),
    "bogus_service": (lambda p, s: s.update(Action="s4:*"), "UNKNOWN_PREFIX"),
    "object_action_on_the_bucket": (
        lambda p, s: s.update(Effect="Allow", Action="s3:GetObject", Resource=BUCKET_ARN),
        "RESOURCE_MISMATCH",
    ),
    "no_version": (lambda p, s: p.pop("Version"), "NO_VERSION"),
    "no_principal": (lambda p, s: s.pop("Principal"), "MALFORMED: statement 0"),
    "bool_condition_not_a_bool": (
        lambda p, s: s.update(Condition={"Bool": {"aws:SecureTransport": "maybe"}}),
        "MISMATCHED_TYPE",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_bucket_policy_is_caught(case):
    """The stack's own bucket policy with one thing broken gets the finding that names it."""
    change, finding = BROKEN[case]
    found = policy_findings(_broken(change), RESOURCE)
    assert any(line.startswith(finding) for line in found), found


def test_a_document_that_is_not_json_is_caught():
    """A policy that does not parse is a MALFORMED_JSON finding, not an exception."""
    assert policy_findings('{"Version": "2012-10-17", "Statement": [', IDENTITY)[0].startswith(
        "MALFORMED_JSON"
    )


GLUE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "glue.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
GLUE_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
            "Resource": [
                "arn:aws:glue:eu-central-1:123456789012:catalog",
                "arn:aws:glue:eu-central-1:123456789012:database/test_analytics",
                "arn:aws:glue:eu-central-1:123456789012:table/test_analytics/*",
            ],
        },
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/*"},
    ],
}


def test_role_policies_of_a_family_are_found_and_linted_by_kind():
    """A role's trust policy, inline policy and a separate role policy are found with their
    kinds; the sound ones pass, and a trust policy with a Resource does not."""
    resources = [
        SimpleNamespace(
            type="aws:iam/role:Role",
            name="account-glue-role",
            inputs={
                "assumeRolePolicy": json.dumps(GLUE_TRUST),
                "inlinePolicies": [{"name": "read", "policy": json.dumps(GLUE_READ)}],
            },
        ),
        SimpleNamespace(
            type="aws:iam/rolePolicy:RolePolicy",
            name="account-glue-read",
            inputs={"role": "account-glue-role", "policy": json.dumps(GLUE_READ)},
        ),
    ]
    policies = declared_policies(resources)
    assert [(p.path, p.kind) for p in policies] == [
        ("assumeRolePolicy", TRUST),
        ("inlinePolicies[0].policy", IDENTITY),
        ("policy", IDENTITY),
    ]
    for policy in policies:
        assert policy_findings(policy.document, policy.kind) == [], policy.path
    with_resource = {**GLUE_TRUST, "Statement": [{**GLUE_TRUST["Statement"][0], "Resource": "*"}]}
    found = policy_findings(with_resource, TRUST)
    assert "MALFORMED: statement 0 of a trust policy has a Resource" in found, found
    # Glue checks the catalog and the database as well as the table: a table ARN alone is
    # not enough for glue:GetTable, and the linter knows it.
    table_only = {**GLUE_READ, "Statement": [dict(GLUE_READ["Statement"][0])]}
    table_only["Statement"][0]["Resource"] = GLUE_READ["Statement"][0]["Resource"][2]
    assert policy_findings(table_only, IDENTITY)[0].startswith("RESOURCE_MISMATCH")


def test_the_linter_runs_from_its_own_definitions():
    """parliament's IAM definitions are the file in its wheel, read without any network."""
    parliament = policy_lint._parliament()
    assert parliament.iam_definition_path.endswith("iam_definition.json")
    services = {service["prefix"] for service in parliament.iam_definition}
    assert {"s3", "glue", "iam", "sts", "athena", "lakeformation"} <= services


def test_every_policy_of_the_account_and_volume_families_passes_the_linter(program_env, free_port):
    """With the account and the volume tables on, every role's trust and inline policy and
    the bucket policy are found among the declared inputs, each of its kind, and none has
    a linter finding."""
    run = run_program(
        {
            "profile": "small",
            "zoo": "true",
            "account": "true",
            "volumeGb": "1",
            "postgresPort": free_port,
        }
    )
    resources = [
        SimpleNamespace(type=r.type, name=r.name, inputs=unwrap(r.inputs)) for r in run.resources
    ]
    policies = declared_policies(resources)
    kinds = [policy.kind for policy in policies]
    # The account's three roles and the volume job's role: a trust policy each, their inline
    # policies, and the bucket's resource policy.
    assert kinds.count(TRUST) == 4, [(p.resource, p.path) for p in policies]
    assert kinds.count(IDENTITY) >= 4 and kinds.count(RESOURCE) == 1, kinds
    findings = {
        f"{p.resource} {p.path}": policy_findings(p.document, p.kind)
        for p in policies
        if policy_findings(p.document, p.kind)
    }
    assert findings == {}
