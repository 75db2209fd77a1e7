"""Physical names derived from the stack name, by one documented rule.

``env_name`` turns a Pulumi stack name into ``<env>``, the Glue-safe prefix of the
databases (``<env>_analytics``); ``bucket_name`` turns ``<env>``, the AWS account and
the region into a globally unique S3 bucket name. Both are pure and deterministic, so
names are stable across updates, and distinct stacks never share a physical name:

- a stack name that is already Glue-safe (``^[a-z][a-z0-9_]*$``, at most 40 characters)
  is used as it is: ``test`` -> ``test``;
- any other name is lowercased, every run of characters outside ``[a-z0-9]`` becomes one
  ``_``, a leading digit gets an ``s`` in front, the result is cut to 33 characters, and
  ``_`` plus the first 6 hex digits of the SHA-256 of the original name are appended:
  ``Dev-Alice`` -> ``dev_alice_<hash>``. The hash keeps ``dev-a``, ``dev_a`` and ``Dev-A``
  apart.
"""

from __future__ import annotations

import hashlib
import re

ENV_MAX_LENGTH = 40
BUCKET_PREFIX = "aws2openstack"
BUCKET_MAX_LENGTH = 63

_GLUE_SAFE = re.compile(r"^[a-z][a-z0-9_]*$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


class StackNameError(ValueError):
    """A stack name that cannot be turned into Glue and S3 names."""


def _short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def env_name(stack: str) -> str:
    """The Glue-safe ``<env>`` for a stack name (see the module docstring)."""
    if _GLUE_SAFE.match(stack) and len(stack) <= ENV_MAX_LENGTH:
        return stack
    slug = _NOT_ALNUM.sub("_", stack.lower()).strip("_")
    if not slug:
        raise StackNameError(
            f"stack name {stack!r} has no letters or digits to build Glue and S3 names from"
        )
    if slug[0].isdigit():
        slug = "s" + slug
    slug = slug[: ENV_MAX_LENGTH - 7].rstrip("_")
    return f"{slug}_{_short_hash(stack)}"


def database_name(env: str, role: str) -> str:
    """The Glue database of a role: ``<env>_<role>``."""
    return f"{env}_{role}"


def resource_slug(env: str) -> str:
    """``<env>`` with ``-`` for ``_``, for names that allow no underscore (S3, Docker)."""
    return env.replace("_", "-")


def bucket_name(env: str, account_id: str, region: str) -> str:
    """``aws2openstack-<env>-<account>-<region>``, at most 63 characters.

    Account and region make the name globally unique; when the whole name would exceed
    63 characters, ``<env>`` is cut and a hash of the full ``<env>`` keeps it unique.
    """
    suffix = f"-{account_id}-{region}"
    slug = resource_slug(env)
    name = f"{BUCKET_PREFIX}-{slug}{suffix}"
    if len(name) <= BUCKET_MAX_LENGTH:
        return name
    room = BUCKET_MAX_LENGTH - len(BUCKET_PREFIX) - len(suffix) - 2 - 6
    return f"{BUCKET_PREFIX}-{slug[:room].rstrip('-')}-{_short_hash(env)}{suffix}"


def container_name(env: str) -> str:
    """The PostgreSQL container of a stack: ``aws2openstack-<env>-postgres``."""
    return f"aws2openstack-{resource_slug(env)}-postgres"


def volume_name(env: str) -> str:
    """The PostgreSQL data volume of a stack: ``aws2openstack-<env>-pgdata``."""
    return f"aws2openstack-{resource_slug(env)}-pgdata"
