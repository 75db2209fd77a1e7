"""Stack configuration: read once, validated before any resource is declared.

Every default is declared once, in the ``config:`` block of ``Pulumi.yaml`` (type,
default, description); this module reads that block for the defaults (so tests and the
CLI see the same values as ``pulumi up``) and the profile table below for the knobs
whose default depends on the profile. A configured value is never replaced by a
default, ``0`` included: a bad value stops the program with one ``pulumi.RunError``
that lists every bad key, what was expected and the ``pulumi config set`` that fixes it.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml

from components import naming
from datagen.catalog import TABLES_BY_NAME, TableSpec, scale_catalog, select_tables

PROJECT_FILE = Path(__file__).resolve().parent.parent / "Pulumi.yaml"
MAX_ROWS = 5_000_000
MAX_LIFECYCLE_DAYS = 3650


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

    def fail(self, key: str, got: object, expected: str, example: str) -> None:
        self.problems.append(
            f"{self._project}:{key} is {got!r}; expected {expected}. "
            f"Fix: pulumi config set {key} {example}"
        )

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


_PG_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_KMS_KEY = re.compile(
    r"^$|^(mrk-)?[0-9a-f]{8}(-?[0-9a-f]{4}){3}-?[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$"
    r"|^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[A-Za-z0-9/_-]+$|^alias/[A-Za-z0-9/_-]+$"
)
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
            f"aws:region is {region!r}; expected an AWS region such as eu-central-1. "
            "Fix: pulumi config set aws:region eu-central-1"
        )
    args: dict[str, Any] = {}
    for key, (arg, getter) in _AWS_PASSTHROUGH.items():
        try:
            value = getattr(aws_config, getter)(key)
        except (pulumi.ConfigTypeError, ValueError) as err:
            problems.append(f"aws:{key}: {err}. Fix: pulumi config set aws:{key} <value>")
            continue
        if value is not None:
            args[arg] = value
    return AwsSettings(region=region, provider_args=args)


def load(
    config: pulumi.Config | None = None,
    aws_config: pulumi.Config | None = None,
    stack: str | None = None,
    project_file: Path = PROJECT_FILE,
) -> StackConfig:
    """Read and validate the whole stack configuration; raise ``ConfigError`` if bad."""
    config = config or pulumi.Config()
    aws_config = aws_config or pulumi.Config("aws")
    stack = stack if stack is not None else pulumi.get_stack()
    reader = _Reader(config, pulumi.get_project(), project_defaults(project_file))

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
    rows = reader.integer("rows", 1, MAX_ROWS, "1000", fallback=profile.rows)
    monthly = reader.integer("monthlyPartitions", 1, 120, "3", fallback=profile.monthly_partitions)
    daily = reader.integer("dailyPartitions", 1, 366, "3", fallback=profile.daily_partitions)
    scale_databases = reader.integer("scaleDatabases", 0, 20, "3", fallback=profile.scale_databases)
    tables_per_database = reader.integer(
        "tablesPerDatabase", 0, 1000, "150", fallback=profile.tables_per_database
    )
    if scale_databases and not tables_per_database:
        reader.fail(
            "tablesPerDatabase",
            0,
            f"at least 1 table per database when scaleDatabases is {scale_databases}",
            "150",
        )
    seed = reader.integer("seed", 0, 2**32 - 1, "42")
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
    lifecycle_days = reader.integer("lifecycleDays", 1, MAX_LIFECYCLE_DAYS, "7")
    kms_key_id = reader.text(
        "kmsKeyId",
        _KMS_KEY,
        "a KMS key id, key ARN or alias (or empty for SSE-S3)",
        "arn:aws:kms:eu-central-1:111122223333:key/<key-id>",
    )
    tls_only_policy = reader.boolean("tlsOnlyPolicy")
    zoo = reader.boolean("zoo")
    owner = reader.text("owner", None, "", "")
    if not owner:
        owner = _local_user()
    if not _TAG_VALUE.match(owner):
        reader.fail("owner", owner, "1 to 256 letters, digits, spaces or _ . : / = + @ -", "alice")

    database = None
    if reader.boolean("database"):
        database = DatabaseSettings(
            host_port=reader.integer("postgresPort", 1024, 65535, "55432"),
            database=reader.text(
                "postgresDatabase",
                _PG_IDENTIFIER,
                "a PostgreSQL identifier (lowercase, digits, _; at most 63)",
                "aws2openstack_test",
            ),
            user=reader.text(
                "postgresUser",
                _PG_IDENTIFIER,
                "a PostgreSQL identifier (lowercase, digits, _; at most 63)",
                "testuser",
            ),
            migrations_dir=_migrations_dir(reader, project_file.parent),
        )

    aws = _aws_settings(aws_config, reader.problems)
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
    )


def _migrations_dir(reader: _Reader, project_dir: Path) -> Path:
    """``migrationsDir`` resolved against the project directory, checked to hold Alembic's
    ``env.py`` and ``versions/`` (the migration would fail on them only after the container)."""
    raw = (reader.raw("migrationsDir") or "").strip() or "migrations"
    path = (project_dir / Path(raw).expanduser()).resolve()
    missing = [name for name, present in (("env.py", (path / "env.py").is_file()),
                                          ("versions/", (path / "versions").is_dir()))
               if not present]
    if not path.is_dir():
        problem = "no such directory"
    elif missing:
        problem = "it has no " + " and no ".join(missing)
    else:
        return path
    reader.fail(
        "migrationsDir", raw,
        f"an Alembic directory holding env.py and versions/, absolute or relative to "
        f"{project_dir} ({path}: {problem}); pulumi config rm migrationsDir uses the bundled "
        f"migrations/",
        "../aws2openstack/alembic",
    )
    return path


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
