"""Stack configuration: read once, validated before any resource is declared.

Every default is declared once, in the ``config:`` block of ``Pulumi.yaml`` (type,
default, description); this module reads that block for the defaults (so tests and the
CLI see the same values as ``pulumi up``) and the profile table below for the knobs
whose default depends on the profile. A configured value is never replaced by a
default, ``0`` included: a bad value stops the program with one ``pulumi.RunError``
that lists every bad key, what was expected and the ``pulumi config set`` that fixes it.
"""

from __future__ import annotations

import difflib
import getpass
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pulumi
import yaml
from pulumi.runtime import config as runtime_config

from components import glue_workers, naming
from datagen import limits, volume
from datagen.catalog import TABLES_BY_NAME, TableSpec, scale_catalog, select_tables

PROJECT_FILE = Path(__file__).resolve().parent.parent / "Pulumi.yaml"
SECRET_SHOWN_AS = "[secret]"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Profile:
    """The knobs a profile sets when the stack does not set them itself."""

    rows: int
    monthly_partitions: int
    daily_partitions: int
    scale_databases: int
    tables_per_database: int


PROFILES: Mapping[str, Profile] = {
    "small": Profile(
        rows=1000,
        monthly_partitions=3,
        daily_partitions=3,
        scale_databases=0,
        tables_per_database=0,
    ),
    "medium": Profile(
        rows=100_000,
        monthly_partitions=12,
        daily_partitions=30,
        scale_databases=0,
        tables_per_database=0,
    ),
    "large": Profile(
        rows=100,
        monthly_partitions=3,
        daily_partitions=3,
        scale_databases=3,
        tables_per_database=150,
    ),
}


@dataclass(frozen=True)
class AwsSettings:
    """What the explicit AWS provider is built from (the stack's ``aws:`` config)."""

    region: str
    provider_args: Mapping[str, Any]


@dataclass(frozen=True)
class DatabaseSettings:
    host_port: int
    database: str
    user: str
    migrations_dir: Path = PROJECT_FILE.parent / "migrations"
    """The Alembic directory the schema is migrated with (``migrationsDir``), absolute."""


@dataclass(frozen=True)
class VolumeSettings:
    """The volume family (docs/volume.md): tables a Glue job writes in the bucket."""

    gb: int
    """``volumeGb``: both tables together, in GB (10**9 bytes); never 0 here."""
    workers: glue_workers.Workers
    """``volumeWorkers``: the job's worker type and count."""


@dataclass(frozen=True)
class AccountSettings:
    """Where the account family's network goes (docs/account.md, "The network")."""

    subnet_cidrs: tuple[str, str]
    """The two private subnets' blocks, one per availability zone."""
    vpc_id: str | None = None
    """An existing VPC the stack shares (``vpcId``); ``None``: a VPC of the stack's own."""
    vpc_cidr: str | None = None
    """The own VPC's block: the /16 that holds both subnets (``None`` with ``vpc_id``)."""


@dataclass(frozen=True)
class TargetSettings:
    port_base: int
    """First of the four 127.0.0.1 ports: object store, REST catalog, metastore, Trino."""
    metastore_database: str = "hive_metastore"
    """The metastore's database, a second database of the stack's PostgreSQL."""


@dataclass(frozen=True)
class StackConfig:
    stack: str
    env: str
    profile: str
    rows: int
    seed: int
    tables: tuple[TableSpec, ...]
    lifecycle_days: int
    kms_key_id: str | None
    tls_only_policy: bool
    owner: str
    aws: AwsSettings
    database: DatabaseSettings | None
    zoo: bool = False
    """Whether the stack adds the table zoo, database ``<env>_zoo`` (docs/zoo.md)."""
    volume: VolumeSettings | None = None
    """The volume tables a Glue job writes (``volumeGb`` above 0; docs/volume.md)."""
    account: AccountSettings | None = None
    """The account around the tables (``account: true``, docs/account.md), or ``None``."""
    target: TargetSettings | None = None
    """The target lakehouse (config ``target``, docs/target.md), or ``None`` when off."""

    @property
    def tags(self) -> dict[str, str]:
        """The provider default tags every taggable AWS resource carries."""
        return {
            "Project": "aws2openstack",
            "Environment": self.stack,
            "ManagedBy": "pulumi",
            "Lifecycle": "ephemeral",
            "Owner": self.owner,
        }


class ConfigError(pulumi.RunError):
    """One or more bad configuration values, each with its fix."""


def project_defaults(project_file: Path = PROJECT_FILE) -> dict[str, Any]:
    """The ``default`` of every key declared in ``Pulumi.yaml`` (project namespace)."""
    return {
        key: spec["default"]
        for key, spec in declared_keys(project_file).items()
        if "default" in spec
    }


def declared_keys(project_file: Path = PROJECT_FILE) -> dict[str, dict[str, Any]]:
    """Every key of the project namespace declared in ``Pulumi.yaml``, with its schema."""
    declared = yaml.safe_load(project_file.read_text())["config"]
    return {key: spec for key, spec in declared.items() if isinstance(spec, dict)}


def is_secret(full_key: str) -> bool:
    """Whether the stack stores ``full_key`` (``namespace:key``) as a secret."""
    # The engine may hand the program its config in the environment instead.
    if runtime_config.is_config_secret(full_key):
        return True
    return full_key in runtime_config.get_config_secret_keys_env()


def shown(full_key: str, value: object) -> str:
    """``value`` as an error message may show it: a secret's value is never shown."""
    return SECRET_SHOWN_AS if is_secret(full_key) else repr(value)


class _Reader:
    """Reads raw config strings, parses them and collects every problem."""

    def __init__(self, config: pulumi.Config, project: str, defaults: Mapping[str, Any]):
        self._config = config
        self._project = project
        self._defaults = defaults
        self.problems: list[str] = []

    def raw(self, key: str) -> str | None:
        value = self._config.get(key)
        if value is None and key in self._defaults:
            value = self._defaults[key]
            value = str(value).lower() if isinstance(value, bool) else str(value)
        return value

    def is_secret(self, key: str) -> bool:
        return is_secret(f"{self._project}:{key}")

    def fail(self, key: str, got: object, expected: str, example: str) -> None:
        self.fail_with(key, got, expected, f"pulumi config set {key} {example}")

    def fail_with(self, key: str, got: object, expected: str, fix: str) -> None:
        self.problems.append(
            f"{self._project}:{key} is {shown(f'{self._project}:{key}', got)}; "
            f"expected {expected}. Fix: {fix}"
        )

    def limited(self, limit: limits.Limit, fallback: int | None = None) -> int:
        return self.integer(limit.key, limit.low, limit.high, str(limit.example), fallback)

    def integer(
        self, key: str, low: int, high: int, example: str, fallback: int | None = None
    ) -> int:
        raw = self.raw(key)
        if raw is None:
            if fallback is None:
                raise KeyError(key)
            return fallback
        try:
            value = int(raw)
        except ValueError:
            self.fail(key, raw, f"a whole number from {low:,} to {high:,}", example)
            return low
        if not low <= value <= high:
            self.fail(key, value, f"a whole number from {low:,} to {high:,}", example)
        return value

    def boolean(self, key: str) -> bool:
        raw = (self.raw(key) or "").strip().lower()
        if raw in ("true", "false"):
            return raw == "true"
        self.fail(key, raw, "true or false", "false")
        return False

    def text(self, key: str, pattern: re.Pattern[str] | None, expected: str, example: str) -> str:
        value = (self.raw(key) or "").strip()
        if pattern is not None and not pattern.match(value):
            self.fail(key, value, expected, example)
        return value


def configured_keys() -> set[str]:
    """Every ``namespace:key`` the running program was given (engine or test mocks)."""
    keys = set(runtime_config.CONFIG.get())
    keys.update(runtime_config.get_config_env())
    return keys


def unknown_key_problems(project: str, given: Iterable[str], declared: Iterable[str]) -> list[str]:
    """A problem, with a "did you mean", for each project key that Pulumi.yaml does not declare.

    A misspelt key (``rowz``, ``postgresport``) would otherwise be ignored in silence and
    the stack deployed with the default instead.
    """
    declared = sorted(declared)
    by_lower = {key.lower(): key for key in declared}
    problems = []
    for full_key in sorted(given):
        namespace, _, key = full_key.partition(":")
        if namespace != project or key in declared:
            continue
        lowered = key.lower()
        close = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=0.6)
        hint = by_lower.get(lowered) or (by_lower[close[0]] if close else None)
        fix = (
            f"Did you mean {hint}? Fix: pulumi config rm {key} && pulumi config set {hint} <value>"
            if hint
            else f"Fix: pulumi config rm {key} (known keys: {', '.join(declared)})"
        )
        problems.append(f"{project}:{key} is not a key of this project. {fix}")
    return problems


_PG_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_PG_EXPECTED = (
    "a PostgreSQL name of 1 to 63 lowercase letters, digits and _, starting with a letter or _"
)
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_KEY_ID = re.compile(rf"^(?:{_UUID}|mrk-[0-9a-f]{{32}})$")
_ALIAS_NAME = re.compile(r"^alias/[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*$")
_KMS_ARN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>key|alias)/(?P<name>.+)$"
)
# AWS managed keys are usable only by their own service: of the aws/ aliases, only
# aws/s3 can encrypt a bucket.
_AWS_MANAGED_S3 = "alias/aws/s3"
_KMS_EXPECTED = (
    "a KMS key id (<uuid> or mrk-<32 hex>), key ARN arn:aws:kms:<region>:<12 digits>:key/<id>, "
    "alias alias/<name> or alias ARN, in the stack's region (or empty for SSE-S3)"
)


def kms_key_problem(value: str, region: str) -> str | None:
    """Why ``value`` is not a KMS key reference usable for a bucket in ``region``, or None."""
    if not value or _KEY_ID.match(value):
        return None
    alias = value
    arn = _KMS_ARN.match(value)
    if arn:
        if arn["region"] != region:
            return f"the ARN is in region {arn['region']}, the stack in {region}"
        if arn["kind"] == "key":
            return None if _KEY_ID.match(arn["name"]) else "the key ARN does not end in a key id"
        alias = f"alias/{arn['name']}"
    if not _ALIAS_NAME.match(alias) or len(alias) > 256:
        return "not one of the documented forms"
    if alias.startswith("alias/aws/") and alias != _AWS_MANAGED_S3:
        return f"an AWS managed key of another service (only {_AWS_MANAGED_S3} encrypts S3)"
    return None


def endpoints_are_local(endpoints: Any) -> bool:
    """Whether ``aws:endpoints`` is set and sends every service to this machine."""
    urls = [
        url
        for entry in (endpoints if isinstance(endpoints, list) else [])
        if isinstance(entry, dict)
        for url in entry.values()
    ]
    if not urls:
        return False
    for url in urls:
        if urlparse(str(url)).hostname not in LOCAL_HOSTS:
            return False
    return True


_TAG_VALUE = re.compile(r"^[\w .:/=+@-]{1,256}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")

# aws: config keys passed on to the explicit provider (which reads no stack config itself).
_AWS_PASSTHROUGH: Mapping[str, tuple[str, str]] = {
    "profile": ("profile", "get"),
    "accessKey": ("access_key", "get_secret"),
    "secretKey": ("secret_key", "get_secret"),
    "token": ("token", "get_secret"),
    "endpoints": ("endpoints", "get_object"),
    "s3UsePathStyle": ("s3_use_path_style", "get_bool"),
    "skipCredentialsValidation": ("skip_credentials_validation", "get_bool"),
    "skipMetadataApiCheck": ("skip_metadata_api_check", "get_bool"),
    "skipRegionValidation": ("skip_region_validation", "get_bool"),
    "skipRequestingAccountId": ("skip_requesting_account_id", "get_bool"),
    "sharedCredentialsFiles": ("shared_credentials_files", "get_object"),
    "sharedConfigFiles": ("shared_config_files", "get_object"),
    "assumeRoles": ("assume_roles", "get_object"),
    "allowedAccountIds": ("allowed_account_ids", "get_object"),
    "insecure": ("insecure", "get_bool"),
    "stsRegion": ("sts_region", "get"),
    "customCaBundle": ("custom_ca_bundle", "get"),
    "maxRetries": ("max_retries", "get_int"),
}


def _aws_settings(aws_config: pulumi.Config, problems: list[str]) -> AwsSettings:
    region = aws_config.get("region") or ""
    if not _REGION.match(region):
        problems.append(
            f"aws:region is {shown('aws:region', region)}; expected an AWS region such as "
            "eu-central-1. Fix: pulumi config set aws:region eu-central-1"
        )
    args: dict[str, Any] = {}
    for key, (arg, getter) in _AWS_PASSTHROUGH.items():
        try:
            value = getattr(aws_config, getter)(key)
        except (pulumi.ConfigTypeError, ValueError) as err:
            # The SDK's own message quotes the value, which may be a secret.
            expected = getattr(err, "expect_type", "a valid value")
            problems.append(
                f"aws:{key} is {shown(f'aws:{key}', getattr(err, 'value', '?'))}; expected "
                f"{expected}. Fix: pulumi config set aws:{key} <value>"
            )
            continue
        if value is not None:
            args[arg] = value
    return AwsSettings(region=region, provider_args=args)


def load(
    config: pulumi.Config | None = None,
    aws_config: pulumi.Config | None = None,
    stack: str | None = None,
    project_file: Path = PROJECT_FILE,
    given_keys: Iterable[str] | None = None,
) -> StackConfig:
    """Read and validate the whole stack configuration; raise ``ConfigError`` if bad.

    ``given_keys`` are the ``namespace:key`` names the stack sets (by default, what the
    running program was given, when ``config`` is not passed in).
    """
    if given_keys is None:
        given_keys = configured_keys() if config is None else ()
    config = config or pulumi.Config()
    aws_config = aws_config or pulumi.Config("aws")
    stack = stack if stack is not None else pulumi.get_stack()
    project = pulumi.get_project()
    reader = _Reader(config, project, project_defaults(project_file))
    reader.problems += unknown_key_problems(project, given_keys, declared_keys(project_file))

    try:
        env = naming.env_name(stack)
    except naming.StackNameError as err:
        env = "invalid"
        reader.problems.append(
            f"{err}; expected letters or digits. Fix: pulumi stack rename <name> "
            "(for example dev-alice)"
        )

    profile_name = reader.text(
        "profile",
        re.compile(rf"^({'|'.join(PROFILES)})$"),
        " or ".join(PROFILES),
        "small",
    )
    profile = PROFILES.get(profile_name, PROFILES["small"])
    rows = reader.limited(limits.ROWS, fallback=profile.rows)
    monthly = reader.limited(limits.MONTHLY_PARTITIONS, fallback=profile.monthly_partitions)
    daily = reader.limited(limits.DAILY_PARTITIONS, fallback=profile.daily_partitions)
    scale_databases = reader.limited(limits.SCALE_DATABASES, fallback=profile.scale_databases)
    tables_per_database = reader.limited(
        limits.TABLES_PER_DATABASE, fallback=profile.tables_per_database
    )
    if scale_databases and not tables_per_database:
        reader.fail(
            "tablesPerDatabase",
            0,
            f"at least 1 table per database when scaleDatabases is {scale_databases}",
            "150",
        )
    seed = reader.limited(limits.SEED)
    table_names = [n.strip() for n in (reader.raw("tables") or "").split(",") if n.strip()]
    base_tables = select_tables(None)
    unknown = [n for n in table_names if n not in TABLES_BY_NAME]
    if unknown:
        reader.fail(
            "tables",
            ",".join(table_names),
            f"a comma-separated subset of {', '.join(TABLES_BY_NAME)}",
            "sales_data,events_raw",
        )
    else:
        base_tables = select_tables(table_names)
    lifecycle_days = reader.limited(limits.LIFECYCLE_DAYS)
    aws = _aws_settings(aws_config, reader.problems)
    kms_key_id = reader.text("kmsKeyId", None, "", "")
    if problem := kms_key_problem(kms_key_id, aws.region):
        reader.fail(
            "kmsKeyId",
            kms_key_id,
            f"{_KMS_EXPECTED}: {problem}",
            f"arn:aws:kms:{aws.region or 'eu-central-1'}:111122223333:key/<key-id>",
        )
    tls_only_policy = reader.boolean("tlsOnlyPolicy")
    if not tls_only_policy and not endpoints_are_local(aws.provider_args.get("endpoints")):
        reader.problems.append(
            f"{project}:tlsOnlyPolicy is false, but aws:endpoints do not all point at a local "
            f"emulator ({', '.join(LOCAL_HOSTS)}): the bucket would accept requests without "
            "TLS. Only an offline stack (its provider pointed at an emulator) may turn it off. "
            "Fix: pulumi config set tlsOnlyPolicy true"
        )
    zoo = reader.boolean("zoo")
    volume = _volume(reader)
    account = None
    if reader.boolean("account"):
        account = _account(reader, zoo, [spec.name for spec in base_tables])
    owner = reader.text("owner", None, "", "")
    if not owner:
        owner = _local_user()
    if not _TAG_VALUE.match(owner):
        reader.fail("owner", owner, "1 to 256 letters, digits, spaces or _ . : / = + @ -", "alice")

    database = None
    if reader.boolean("database"):
        database = DatabaseSettings(
            host_port=reader.limited(limits.POSTGRES_PORT),
            database=reader.text(
                "postgresDatabase", _PG_IDENTIFIER, _PG_EXPECTED, "aws2openstack_test"
            ),
            user=reader.text("postgresUser", _PG_IDENTIFIER, _PG_EXPECTED, "testuser"),
            migrations_dir=_migrations_dir(reader, project_file.parent),
        )
        if database.user.startswith("pg_"):
            # initdb (the postgres image's entrypoint) refuses it: pg_* roles are reserved.
            reader.fail(
                "postgresUser",
                database.user,
                "a name that does not start with pg_ (PostgreSQL reserves pg_* role names)",
                "testuser",
            )
    target = None
    if reader.boolean("target"):
        target = TargetSettings(port_base=reader.limited(limits.TARGET_PORT_BASE))
        if database is None:
            reader.fail(
                "target",
                True,
                "false when database is false (the metastore's database is in the stack's "
                "PostgreSQL)",
                "false (or pulumi config set database true)",
            )
        elif database.database == target.metastore_database:
            reader.fail(
                "postgresDatabase",
                database.database,
                f"a name other than {target.metastore_database} (the metastore's database)",
                "aws2openstack_test",
            )
        elif database.host_port in range(target.port_base, target.port_base + 4):
            reader.fail(
                "targetPortBase",
                target.port_base,
                f"a base whose four ports do not include postgresPort {database.host_port}",
                str(limits.TARGET_PORT_BASE.example),
            )
    if reader.problems:
        raise ConfigError("invalid stack configuration:\n  - " + "\n  - ".join(reader.problems))

    tables = scale_catalog(
        base_tables,
        monthly_partitions=monthly,
        daily_partitions=daily,
        scale_databases=scale_databases,
        tables_per_database=tables_per_database,
    )
    return StackConfig(
        stack=stack,
        env=env,
        profile=profile_name,
        rows=rows,
        seed=seed,
        tables=tables,
        lifecycle_days=lifecycle_days,
        kms_key_id=kms_key_id or None,
        tls_only_policy=tls_only_policy,
        owner=owner,
        aws=aws,
        database=database,
        zoo=zoo,
        volume=volume,
        account=account,
        target=target,
    )


def _volume(reader: _Reader) -> VolumeSettings | None:
    """``volumeGb``, ``volumeMaxGb`` and ``volumeWorkers``; ``None`` when ``volumeGb`` is 0.

    The cap keeps a typo (``10000`` for ``1000``) from starting a run ten times the size:
    a size above it needs ``volumeMaxGb`` raised first, a second and explicit decision.
    """
    gb = reader.limited(limits.VOLUME_GB)
    cap = reader.limited(limits.VOLUME_MAX_GB)
    text = (reader.raw("volumeWorkers") or "").strip()
    workers = glue_workers.parse_workers(text)
    if workers is None:
        reader.fail(
            "volumeWorkers",
            text,
            f"<worker type>:<count>, a Glue 5.0 worker type ({', '.join(glue_workers.WORKER_DPUS)})"
            f" and {glue_workers.MIN_WORKERS} to {glue_workers.MAX_WORKERS:,} workers",
            "G.1X:10",
        )
    if gb > cap:
        reader.fail_with(
            "volumeGb",
            gb,
            f"at most volumeMaxGb, {cap:,} GB (the cap on what one job run writes and bills)",
            f"pulumi config set volumeGb {cap}, or raise the cap first to accept the size: "
            f"pulumi config set volumeMaxGb {gb}",
        )
    if not gb or workers is None or gb > cap:
        return None
    rows = volume.rows_for(gb)
    if not glue_workers.fits(glue_workers.estimate(rows, workers)):
        enough = glue_workers.fewest_workers(rows, workers.type)
        reader.fail_with(
            "volumeWorkers",
            str(workers),
            f"workers enough to write {gb:,} GB within Glue's "
            f"{glue_workers.MAX_TIMEOUT_MINUTES:,}-minute job limit (estimated "
            f"{glue_workers.estimate(rows, workers).minutes:,.0f} minutes; docs/volume.md)",
            f"pulumi config set volumeWorkers {enough}"
            if enough
            else "pulumi config set volumeGb <fewer GB> (no worker count is enough for this size)",
        )
        return None
    return VolumeSettings(gb=gb, workers=workers)


DEFAULT_SUBNET_CIDRS = ("10.42.0.0/24", "10.42.1.0/24")
ACCOUNT_TABLES = ("sales_data", "customer_data")
"""The core tables the account's named queries read (components/account_queries.py)."""
_VPC_ID = re.compile(r"^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_SUBNET_PREFIXES = (16, 28)  # the sizes AWS allows for a subnet
_OWN_VPC_PREFIX = 16


def _account(reader: _Reader, zoo: bool, table_names: list[str]) -> AccountSettings:
    """``vpcId`` and ``subnetCidrs`` checked, and what ``account`` needs of the tables."""
    if not zoo:
        reader.fail(
            "zoo",
            False,
            "true when account is true: the account's crawlers, named queries and schema "
            "registry use the zoo's tables (or pulumi config set account false)",
            "true",
        )
    missing = [name for name in ACCOUNT_TABLES if name not in table_names]
    if missing:
        reader.fail(
            "tables",
            ",".join(table_names),
            f"a subset that keeps {' and '.join(ACCOUNT_TABLES)} when account is true: the "
            f"account's named queries read them (missing: {', '.join(missing)})",
            ",".join([*table_names, *missing]),
        )
    vpc_id = reader.text("vpcId", None, "", "") or None
    if vpc_id is not None and not _VPC_ID.match(vpc_id):
        reader.fail(
            "vpcId",
            vpc_id,
            "an existing VPC id, vpc- and 8 or 17 hex digits",
            "vpc-0123456789abcdef0",
        )
    raw = reader.text("subnetCidrs", None, "", "")
    example = "10.0.128.0/28,10.0.128.16/28" if vpc_id else ",".join(DEFAULT_SUBNET_CIDRS)
    if not raw:
        if vpc_id:
            reader.fail(
                "subnetCidrs",
                "",
                "two free blocks of the shared VPC (vpcId) when vpcId is set, different for every "
                "stack that shares it",
                example,
            )
            return AccountSettings(subnet_cidrs=DEFAULT_SUBNET_CIDRS, vpc_id=vpc_id)
        raw = ",".join(DEFAULT_SUBNET_CIDRS)
    problem = subnet_cidrs_problem(raw, own_vpc=vpc_id is None)
    if problem:
        reader.fail("subnetCidrs", raw, f"two private IPv4 blocks, /16 to /28: {problem}", example)
        return AccountSettings(subnet_cidrs=DEFAULT_SUBNET_CIDRS, vpc_id=vpc_id)
    first, second = (str(ipaddress.IPv4Network(c.strip())) for c in raw.split(","))
    vpc_cidr = None
    if vpc_id is None:
        vpc_cidr = str(ipaddress.IPv4Network(first).supernet(new_prefix=_OWN_VPC_PREFIX))
    return AccountSettings(subnet_cidrs=(first, second), vpc_id=vpc_id, vpc_cidr=vpc_cidr)


def subnet_cidrs_problem(raw: str, *, own_vpc: bool) -> str | None:
    """Why ``raw`` is not two subnet blocks the account family can use, or ``None``.

    In a VPC of the stack's own both blocks must lie in one /16 (the VPC's block); in a
    shared VPC only AWS knows its blocks and the other stacks' subnets, and refuses a
    block outside or taken (``InvalidSubnet.Range``, ``InvalidSubnet.Conflict``).
    """
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) != 2:
        return f"{len(parts)} block(s) given, one per availability zone needs 2"
    networks = []
    for part in parts:
        try:
            network = ipaddress.IPv4Network(part)
        except ValueError as err:
            return f"{part!r} is not an IPv4 block ({err})"
        low, high = _SUBNET_PREFIXES
        if not low <= network.prefixlen <= high:
            return f"{part} is a /{network.prefixlen}"
        if not network.is_private:
            return f"{part} is not a private range"
        networks.append(network)
    if networks[0].overlaps(networks[1]):
        return f"{parts[0]} and {parts[1]} overlap"
    if own_vpc and len({n.supernet(new_prefix=_OWN_VPC_PREFIX) for n in networks}) != 1:
        return f"{parts[0]} and {parts[1]} are not in one /16, the stack's own VPC"
    return None


def _migrations_dir(reader: _Reader, project_dir: Path) -> Path:
    """``migrationsDir`` resolved against the project directory, checked to hold Alembic's
    ``env.py`` and ``versions/`` (the migration would fail on them only after the container)."""
    raw = (reader.raw("migrationsDir") or "").strip() or "migrations"
    path = (project_dir / Path(raw).expanduser()).resolve()
    missing = [
        name
        for name, present in (
            ("env.py", (path / "env.py").is_file()),
            ("versions/", (path / "versions").is_dir()),
        )
        if not present
    ]
    if not path.is_dir():
        problem = "no such directory"
    elif missing:
        problem = "it has no " + " and no ".join(missing)
    else:
        return path
    # The resolved path spells out the value: a secret one is not shown, the problem is.
    where = SECRET_SHOWN_AS if reader.is_secret("migrationsDir") else str(path)
    reader.fail(
        "migrationsDir",
        raw,
        f"an Alembic directory holding env.py and versions/, absolute or relative to "
        f"{project_dir} ({where}: {problem}); pulumi config rm migrationsDir uses the bundled "
        f"migrations/",
        "../aws2openstack/alembic",
    )
    return path


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
