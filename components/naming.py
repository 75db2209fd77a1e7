"""Physical names derived from the stack name, by one documented rule.

``env_name`` turns a Pulumi stack name into ``<env>``: the Glue-safe prefix of the
databases (``<env>_analytics``), and, with ``-`` for ``_``, of the bucket, the container
and the volume. Everything here is pure and deterministic, so names are stable across
updates, and the rule is built so that two distinct stack names never share a
physical name.

The rule
--------
*Digest* ``D(x)``: the first ``n`` characters of the lowercase, unpadded RFC 4648
base32 of SHA-256 of the UTF-8 bytes of ``x`` (alphabet ``a-z2-7``, 5 bits a
character); ``n`` is 16 (80 bits) unless stated.

``<env>`` (Glue-safe, at most ``ENV_MAX_LENGTH`` = 40 characters):

- *canonical* stack names are kept: lowercase words ``[a-z][a-z0-9]*(_[a-z0-9]+)*``,
  at most 40 characters, that do **not** end in ``_`` plus 16 digest characters
  (``_[a-z2-7]{16}``). So ``test`` -> ``test`` and ``dev_alice`` -> ``dev_alice``.
- every other name becomes ``<label>_<D(stack)>``: the label is the name lowercased,
  each run of characters outside ``[a-z0-9]`` made one ``_``, trimmed of ``_``, an
  ``s`` put before a leading digit, cut to 23 characters. ``dev-alice`` ->
  ``dev_alice_<16 chars>``. The label is for people to read; the digest decides.

Bucket, for a fixed account ``A`` and region ``R``: ``aws2openstack-<slug>-A-R`` where
``<slug>`` is ``<env>`` with ``-`` for ``_``. With ``L`` = 63 minus the fixed parts
(``L`` = 23 for a 12-digit account and ``eu-central-1``):

- a slug *shorter than* ``L`` is used as it is;
- a slug of ``L`` characters or more is *shortened to exactly* ``L``: its first
  ``L - 17`` characters (trailing ``-`` trimmed), ``-``, and ``D(env)`` with as many
  characters (at least 16) as it takes to reach ``L``.

Databases are ``<env>_<role>``; the container and the volume
``aws2openstack-<slug>-postgres`` and ``aws2openstack-<slug>-pgdata``. The account
family's resources are ``aws2openstack-<env>-<role>`` (``<env>`` has no ``-``, so the first
``-`` after the prefix ends it), its IAM roles ``aws2openstack-<env>-<region>-<role>``,
shortened by the bucket's rule to at most 64 characters (``iam_name``).

Why no two stack names share a name
-----------------------------------
No rule can be injective without a digest: Pulumi allows stack names of up to 100
characters from ``[A-Za-z0-9_.-]`` (``^[A-Za-z0-9_.-]{1,100}$``), more than ``2**600``
names, while there are fewer than ``2**209`` Glue names of at most 40 characters.
So exactness holds wherever it can (canonical names), and everywhere else an 80-bit
digest of the *full* name decides, so two names share a physical name only if
SHA-256 collides in 80 bits: for ``k`` stacks the chance is below
``k**2 / 2**80`` (about ``10**-12`` for a million stacks).

1. ``env_name`` is injective. Canonical envs never end in ``_`` plus 16 digest
   characters and digested envs always do, so the two kinds never meet (``dev-alice``
   -> ``dev_alice_<D>``, while a stack literally named ``dev_alice_<D>`` is not
   canonical and gets its cut label plus its own digest). Two canonical envs are
   equal only if the stack names are. Two digested envs are equal only if their last
   16 characters, the digests of the full stack names, are equal: any part cut from
   the label is still inside the digest, so truncation loses nothing.
2. The bucket is injective over envs. ``_`` -> ``-`` is reversible (an env has no
   ``-``). Kept slugs are shorter than ``L``, shortened ones exactly ``L`` long, so a
   kept slug never equals a shortened one, whatever it looks like. Two shortened slugs
   are equal only if their digests are (the digest is everything after the last ``-``,
   since the alphabet has no ``-``), i.e. ``D(env)`` collides in 80 bits or more.
3. Databases are injective over ``(env, role)``: the role suffixes ``_analytics``,
   ``_logs``, ``_scale_NN``, ``_zoo`` and ``_volume`` are none a suffix of another, so a
   database name determines its role and hence its env. Container and volume names are
   a fixed prefix and suffix around the reversible slug.

Lengths: ``<env>`` <= 40; databases <= 40 + 10 characters (Glue allows 255); buckets
<= 63 and valid S3 names (lowercase letters, digits, single ``-``; letter or digit at
both ends); container and volume names <= 63 and valid Docker names.
"""

from __future__ import annotations

import base64
import hashlib
import re

ENV_MAX_LENGTH = 40
BUCKET_PREFIX = "aws2openstack"
BUCKET_MAX_LENGTH = 63
DIGEST_LENGTH = 16
"""Digest characters (5 bits each) that decide a name that is not kept as it is."""

_LABEL_MAX_LENGTH = ENV_MAX_LENGTH - DIGEST_LENGTH - 1
_CANONICAL = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_DIGESTED = re.compile(rf"_[a-z2-7]{{{DIGEST_LENGTH}}}$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


class StackNameError(ValueError):
    """A stack name that cannot be turned into Glue and S3 names."""


def digest(text: str, length: int = DIGEST_LENGTH) -> str:
    """``length`` lowercase base32 characters of SHA-256 of ``text`` (at most 52)."""
    raw = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()[:length]


def is_canonical(stack: str) -> bool:
    """Whether ``stack`` is kept as its own ``<env>`` (see the module docstring)."""
    return (
        len(stack) <= ENV_MAX_LENGTH
        and _CANONICAL.match(stack) is not None
        and _DIGESTED.search(stack) is None
    )


def env_name(stack: str) -> str:
    """The Glue-safe ``<env>`` for a stack name (see the module docstring)."""
    if is_canonical(stack):
        return stack
    label = _NOT_ALNUM.sub("_", stack.lower()).strip("_")
    if not label:
        raise StackNameError(
            f"stack name {stack!r} has no letters or digits to build Glue and S3 names from"
        )
    if label[0].isdigit():
        label = "s" + label
    label = label[:_LABEL_MAX_LENGTH].rstrip("_")
    return f"{label}_{digest(stack)}"


def database_name(env: str, role: str) -> str:
    """The Glue database of a role: ``<env>_<role>``."""
    return f"{env}_{role}"


def resource_slug(env: str) -> str:
    """``<env>`` with ``-`` for ``_``, for names that allow no underscore (S3, Docker)."""
    return env.replace("_", "-")


def bucket_name(env: str, account_id: str, region: str) -> str:
    """``aws2openstack-<slug>-<account>-<region>``, at most 63 characters.

    Account and region make the name globally unique; a slug that leaves no room is
    shortened to exactly the room left, ending in a digest of the full ``<env>`` (see
    the module docstring for why a kept slug never equals a shortened one).
    """
    suffix = f"-{account_id}-{region}"
    room = BUCKET_MAX_LENGTH - len(BUCKET_PREFIX) - 1 - len(suffix)
    if room < DIGEST_LENGTH + 2:
        raise ValueError(
            f"account {account_id!r} and region {region!r} leave {room} characters of the "
            f"{BUCKET_MAX_LENGTH}-character bucket name; expected a 12-digit account id and "
            "an AWS region such as eu-central-1"
        )
    slug = resource_slug(env)
    if len(slug) < room:
        return f"{BUCKET_PREFIX}-{slug}{suffix}"
    head = slug[: room - DIGEST_LENGTH - 1].rstrip("-")
    return f"{BUCKET_PREFIX}-{head}-{digest(env, room - len(head) - 1)}{suffix}"


def container_name(env: str) -> str:
    """The PostgreSQL container of a stack: ``aws2openstack-<env>-postgres``."""
    return f"aws2openstack-{resource_slug(env)}-postgres"


def volume_name(env: str) -> str:
    """The PostgreSQL data volume of a stack: ``aws2openstack-<env>-pgdata``."""
    return f"aws2openstack-{resource_slug(env)}-pgdata"


ACCOUNT_PREFIX = "aws2openstack"
IAM_NAME_MAX_LENGTH = 64


def account_name(env: str, role: str) -> str:
    """A resource of the account family (crawler, job, ...): ``aws2openstack-<env>-<role>``.

    ``<env>`` holds no ``-``, so the first ``-`` after the prefix ends it: two stacks, or two
    roles, never share a name. At most 14 + 40 + 1 + ``len(role)`` characters.
    """
    return f"{ACCOUNT_PREFIX}-{env}-{role}"


def iam_name(env: str, region: str, role: str) -> str:
    """An IAM role of the stack: ``aws2openstack-<env>-<region>-<role>``, at most 64 characters.

    IAM is global, so the region keeps a stack's roles in two regions apart. When that
    would pass 64 characters, ``<env>`` is cut and ``_`` plus a digest of the whole ``<env>``
    fills its room exactly: a kept ``<env>`` is shorter than the room, a cut one exactly as
    long, so the two never meet (the bucket's argument, module docstring).
    """
    suffix = f"-{region}-{role}"
    room = IAM_NAME_MAX_LENGTH - len(ACCOUNT_PREFIX) - 1 - len(suffix)
    if room < DIGEST_LENGTH + 2:
        raise ValueError(
            f"region {region!r} and role {role!r} leave {room} characters of the "
            f"{IAM_NAME_MAX_LENGTH}-character IAM name"
        )
    if len(env) < room:
        return f"{ACCOUNT_PREFIX}-{env}{suffix}"
    head = env[: room - DIGEST_LENGTH - 1].rstrip("_")
    return f"{ACCOUNT_PREFIX}-{head}_{digest(env, room - len(head) - 1)}{suffix}"


def network_name(env: str) -> str:
    """The stack's private Docker network (the database and the target lakehouse)."""
    return f"aws2openstack-{resource_slug(env)}-net"


def target_container_name(env: str, role: str) -> str:
    """A container of the target lakehouse: ``role`` is objects, rest, metastore or trino."""
    return f"aws2openstack-{resource_slug(env)}-{role}"
