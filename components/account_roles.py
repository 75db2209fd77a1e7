"""The account family's IAM roles: each with its trust policy, one inline policy and the
AWS-managed policies it names (``components.account_plan.Role``).

IAM is global: the names carry ``<env>`` and the region (``naming.iam_name``), and every
role gets the stack's tags from the provider's default tags.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.account_plan import Role


@dataclass
class AccountRolesArgs:
    roles: Sequence[Role]
    """The roles of the plan (``AccountPlan.roles``)."""


def policy_json(document: dict) -> str:
    """A policy document as IAM stores it here: sorted keys, so it is stable across runs."""
    return json.dumps(document, sort_keys=True)


class AccountRoles(pulumi.ComponentResource):
    """One ``iam.Role`` per planned role, with its inline policy and managed attachments."""

    roles: dict[str, aws.iam.Role]
    """By the plan's role key (``glue``, ``analyst``, ``lake_formation``)."""
    grants: dict[str, list[pulumi.Resource]]
    """By role key: the policies that give the role its permissions. Whatever runs as a role
    depends on them, so it starts with its permissions and is removed before they are."""

    def __init__(
        self, name: str, args: AccountRolesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aws2openstack:testenv:AccountRoles", name, None, opts)
        self.roles = {}
        self.grants = {}
        for role in args.roles:
            resource = aws.iam.Role(
                f"{name}-{role.key}",
                name=role.name,
                description=role.description,
                assume_role_policy=policy_json(role.trust_policy),
                opts=pulumi.ResourceOptions(parent=self),
            )
            inline = aws.iam.RolePolicy(
                f"{name}-{role.key}-inline",
                name=role.inline_policy_name,
                role=resource.name,
                policy=policy_json(role.inline_policy),
                opts=pulumi.ResourceOptions(parent=self),
            )
            attachments = [
                aws.iam.RolePolicyAttachment(
                    f"{name}-{role.key}-{arn.rsplit('/', 1)[-1]}",
                    role=resource.name,
                    policy_arn=arn,
                    opts=pulumi.ResourceOptions(parent=self),
                )
                for arn in role.managed_policy_arns
            ]
            self.roles[role.key] = resource
            self.grants[role.key] = [inline, *attachments]
        self.arns = {key: role.arn for key, role in self.roles.items()}
        self.register_outputs({"arns": self.arns})
