"""Whether the deploying principal may grant Lake Formation permissions (pure).

Granting needs a data lake administrator. The account family asks ``GetCallerIdentity``
and ``GetDataLakeSettings`` (read only: a per-developer stack never writes the account's
settings, whose administrator list a write replaces whole) and decides here; when the
answer is no, the Lake Formation part is left out (docs/account.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class AdminCheck:
    """Whether the deploying principal is a Lake Formation data lake administrator."""

    principal: str
    """The principal as Lake Formation lists it (an IAM user or role ARN)."""
    is_admin: bool
    reason: str = ""
    """Why the Lake Formation part is left out (empty when it is declared)."""


def iam_principal(caller_arn: str) -> str:
    """The IAM user or role ARN of a caller (STS names an assumed role by its session)."""
    parts = caller_arn.split(":", 5)
    if len(parts) != 6:
        return caller_arn
    _, partition, service, _, account, resource = parts
    if service == "sts" and resource.startswith("assumed-role/"):
        return f"arn:{partition}:iam::{account}:role/{resource.split('/')[1]}"
    if service == "sts" and resource.startswith("user/"):
        return f"arn:{partition}:iam::{account}:{resource}"
    return caller_arn


def _same_principal(principal: str, admin: str) -> bool:
    if principal == admin:
        return True
    # A role ARN of the admin list may carry a path that the assumed-role ARN does not.
    head, _, name = principal.partition(":role/")
    admin_head, _, admin_name = admin.partition(":role/")
    return bool(name) and head == admin_head and admin_name.rsplit("/", 1)[-1] == name


def admin_check(caller_arn: str, admins: Sequence[str], error: str | None = None) -> AdminCheck:
    """The check on ``GetDataLakeSettings``' ``DataLakeAdmins`` (``admins``), or on the
    error that call gave (``error``): only an administrator may grant."""
    principal = iam_principal(caller_arn)
    if error is not None:
        return AdminCheck(principal, False, f"GetDataLakeSettings failed for {principal}: {error}")
    if any(_same_principal(principal, admin) for admin in admins):
        return AdminCheck(principal, True)
    return AdminCheck(
        principal,
        False,
        f"{principal} is not a data lake administrator of the account "
        f"({len(admins)} administrator(s) listed by GetDataLakeSettings)",
    )
