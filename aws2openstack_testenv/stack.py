"""A stack's outputs, typed, from wherever they are given, and whether they still hold.

Three sources, the first given wins:

- a stack name (``--testenv-stack``, ``TESTENV_PYTEST_STACK``): Pulumi's Automation API
  selects the stack and reads its outputs (secrets included) through the Pulumi CLI;
- a JSON file (``--testenv-outputs``, ``TESTENV_PYTEST_OUTPUTS``), what
  ``pulumi stack output --json --show-secrets`` prints, for a CI job without Pulumi;
- the environment, when an env file of the stack is sourced (``TESTENV_BUCKET`` is set).

Every error is a ``TestenvError``: the reason, naming the option or variable the outputs
came from, and the command that fixes it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PROJECT = "aws2openstack-testenv"
STACK_OPTION, STACK_ENV = "--testenv-stack", "TESTENV_PYTEST_STACK"
OUTPUTS_OPTION, OUTPUTS_ENV = "--testenv-outputs", "TESTENV_PYTEST_OUTPUTS"
# An emulator takes any key; fixed fake ones keep a real profile of yours out of it.
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
SECRET = "[secret]"
"""What ``pulumi stack output`` prints for a secret without ``--show-secrets``."""


class TestenvError(Exception):
    """A one-line reason and the command that fixes it."""

    __test__ = False

    def __init__(self, reason: str, fix: str):
        super().__init__(f"{reason}; fix: {fix}")
        self.reason = reason
        self.fix = fix


class DatabaseUrl(str):
    """The stack's ``DATABASE_URL``: the whole URL as a string (hand it to a driver), but
    ``repr()``, and so pytest's failure messages, show the password as ``***``."""

    @property
    def masked(self) -> str:
        parts = urlsplit(str.__str__(self))
        userinfo, at, hostport = parts.netloc.rpartition("@")
        if not at or ":" not in userinfo:
            return str.__str__(self)
        user = userinfo.partition(":")[0]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{hostport}"))

    def __repr__(self) -> str:
        return f"DatabaseUrl({self.masked!r})"


@dataclass(frozen=True)
class Table:
    """A Glue table of the stack (``TESTENV_TABLES``)."""

    database: str
    name: str
    format: str
    location: str
    rows: int
    partitions: int

    @property
    def qualified_name(self) -> str:
        return f"{self.database}.{self.name}"


@dataclass(frozen=True)
class Source:
    """Where the outputs came from, in the words the user gave them."""

    kind: str
    """``stack``, ``file`` or ``environment``."""
    given_by: str
    """The option or variable, e.g. ``--testenv-outputs`` or ``TESTENV_PYTEST_OUTPUTS``."""
    value: str
    """The stack name or the file's path."""

    def __str__(self) -> str:
        if self.kind == "environment":
            return "the environment (a sourced env file)"
        if not self.given_by:
            return f"{self.kind} {self.value}"
        joiner = " " if self.given_by.startswith("--") else "="
        return f"{self.given_by}{joiner}{self.value}"

    def refresh(self, stack: str) -> str:
        """The command that brings outputs from this source up to date with the stack."""
        if self.kind == "stack":
            return f"scripts/up {stack} (re)creates what is missing"
        if self.kind == "file":
            return (
                f"scripts/up {stack}, then write the file again: pulumi stack output --json "
                f"--show-secrets --stack {stack} > {self.value} (or pass {STACK_OPTION} {stack})"
            )
        return f"scripts/up {stack}, then source the stack's env file again"


@dataclass(frozen=True)
class Testenv:
    """The outputs of one stack, typed (docs/outputs.md names every output)."""

    __test__ = False

    stack: str
    region: str
    bucket: str
    databases: tuple[str, ...]
    tables: tuple[Table, ...]
    source: Source
    endpoint: str | None = None
    """``AWS_ENDPOINT_URL`` of an offline stack (the emulator); ``None`` on AWS."""
    ground_truth_uri: str | None = None
    database_url: DatabaseUrl | None = None
    outputs: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Every output as given (``DATABASE_URL`` as a ``DatabaseUrl``)."""

    def with_truth(self, truth: Mapping[str, Any]) -> Testenv:
        """The same outputs with the tables the ground truth ``truth`` lists (and its
        databases, after those the outputs name)."""
        named = [database["name"] for database in truth["databases"]]
        return replace(
            self,
            databases=tuple(dict.fromkeys([*self.databases, *named])),
            tables=tuple(
                Table(
                    database=database["name"],
                    name=table["name"],
                    format=str(table.get("format", "")),
                    location=str(table.get("location", "")),
                    rows=int(table.get("rows", 0)),
                    partitions=len(table.get("partitions", ())),
                )
                for database in truth["databases"]
                for table in database["tables"]
            ),
        )

    @property
    def offline(self) -> bool:
        return self.endpoint is not None

    def table(self, database: str, name: str) -> Table:
        for table in self.tables:
            if (table.database, table.name) == (database, name):
                return table
        raise KeyError(f"{database}.{name} is not a table of stack {self.stack}")

    def environ(self) -> dict[str, str | None]:
        """The variables through which a tool under test, with clients of its own, reaches
        the stack: region and ``DATABASE_URL``; for an offline stack the emulator and fake
        credentials, and no profile (``None``: unset)."""
        values: dict[str, str | None] = {
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
        }
        if self.database_url:
            values["DATABASE_URL"] = self.database_url
        if self.endpoint:
            values.update(
                AWS_ENDPOINT_URL=self.endpoint,
                AWS_ACCESS_KEY_ID=FAKE_CREDENTIALS["aws_access_key_id"],
                AWS_SECRET_ACCESS_KEY=FAKE_CREDENTIALS["aws_secret_access_key"],
                AWS_PROFILE=None,
                AWS_DEFAULT_PROFILE=None,
                AWS_SESSION_TOKEN=None,
            )
        return values

    def client(self, service: str) -> Any:
        """A boto3 client for the stack: its region, and for an offline stack the
        emulator's endpoint and fake credentials."""
        import boto3

        if not self.endpoint:
            return boto3.client(service, region_name=self.region)
        # botocore reads AWS_PROFILE even beside explicit keys, and fails on a profile
        # that does not exist; the emulator needs none.
        with _without("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            return boto3.client(
                service, region_name=self.region, endpoint_url=self.endpoint, **FAKE_CREDENTIALS
            )

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, Any], source: Source) -> Testenv:
        values = dict(outputs)
        missing = [key for key in ("AWS_REGION", "TESTENV_BUCKET") if not values.get(key)]
        if missing:
            raise TestenvError(
                f"{source} holds no {' or '.join(missing)}: these are not the outputs of an "
                f"{PROJECT} stack",
                f"give the outputs of your stack: {STACK_OPTION} STACK, or {OUTPUTS_OPTION} "
                "FILE written by `pulumi stack output --json --show-secrets --stack STACK`",
            )
        stack = str(values.get("TESTENV_STACK") or source.value or "STACK")
        url = values.get("DATABASE_URL")
        if url == SECRET:
            raise TestenvError(
                f"{source} shows DATABASE_URL as {SECRET}: the outputs were written without "
                "--show-secrets",
                source.refresh(stack),
            )
        if url:
            values["DATABASE_URL"] = DatabaseUrl(url)
        listed = structured(values.get("TESTENV_TABLES")) or {}
        names = values.get("TESTENV_GLUE_DATABASES")
        return cls(
            stack=stack,
            region=str(values["AWS_REGION"]),
            bucket=str(values["TESTENV_BUCKET"]),
            databases=tuple(names.split(",")) if names else tuple(listed),
            # Stacks that list each table's facts in TESTENV_TABLES; newer ones count the
            # tables there, and with_truth takes them from the ground truth.
            tables=tuple(
                Table(
                    database=database,
                    name=name,
                    format=str(facts.get("format", "")),
                    location=str(facts.get("location", "")),
                    rows=int(facts.get("rows", 0)),
                    partitions=int(facts.get("partitions", 0)),
                )
                for database, by_name in listed.items()
                if isinstance(by_name, Mapping)
                for name, facts in by_name.items()
            ),
            source=source,
            endpoint=values.get("AWS_ENDPOINT_URL") or None,
            ground_truth_uri=values.get("TESTENV_GROUND_TRUTH_URI") or None,
            database_url=values.get("DATABASE_URL") or None,
            outputs=values,
        )


def structured(value: Any) -> Any:
    """Structured outputs arrive as JSON text from an env file, as values from JSON."""
    return json.loads(value) if isinstance(value, str) else value


# --- the sources ----------------------------------------------------------------------


def resolve_source(stack: str | None, outputs: str | None) -> Source | None:
    """The source the options name (they win over their variables), else the variables',
    else a sourced env file, else ``None``."""
    if stack:
        return Source("stack", STACK_OPTION, stack)
    if outputs:
        return Source("file", OUTPUTS_OPTION, outputs)
    if os.environ.get(STACK_ENV):
        return Source("stack", STACK_ENV, os.environ[STACK_ENV])
    if os.environ.get(OUTPUTS_ENV):
        return Source("file", OUTPUTS_ENV, os.environ[OUTPUTS_ENV])
    if os.environ.get("TESTENV_BUCKET"):
        return Source("environment", "", "")
    return None


NO_SOURCE = TestenvError(
    "no stack given to the testenv fixtures",
    f"pass {STACK_OPTION} STACK (or set {STACK_ENV}), or {OUTPUTS_OPTION} FILE (or set "
    f"{OUTPUTS_ENV}) with the JSON of `pulumi stack output --json --show-secrets --stack "
    "STACK`, or source the stack's env file",
)


def load(source: Source) -> Testenv:
    """The stack's outputs from ``source``."""
    if source.kind == "stack":
        outputs = outputs_of_stack(source)
    elif source.kind == "file":
        outputs = outputs_of_file(source)
    else:
        outputs = outputs_of_environment()
    return Testenv.from_outputs(outputs, source)


def outputs_of_file(source: Source) -> dict[str, Any]:
    path = Path(source.value).expanduser()
    fix = (
        f"write it with `pulumi stack output --json --show-secrets --stack STACK > {path}`, "
        f"or pass {STACK_OPTION} STACK instead"
    )
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise TestenvError(f"{source}: there is no file {path}", fix) from None
    except OSError as err:
        raise TestenvError(f"{source}: cannot read {path} ({err.strerror})", fix) from None
    try:
        outputs = json.loads(text)
    except json.JSONDecodeError as err:
        raise TestenvError(f"{source}: {path} is not JSON ({err})", fix) from None
    if not isinstance(outputs, dict):
        raise TestenvError(f"{source}: {path} holds no JSON object of outputs", fix)
    return outputs


def outputs_of_environment() -> dict[str, Any]:
    """The outputs an env file of the stack exports (its names are the outputs' names)."""
    names = ("AWS_REGION", "AWS_ENDPOINT_URL", "DATABASE_URL")
    return {
        key: value
        for key, value in os.environ.items()
        if key in names or (key.startswith("TESTENV_") and not key.startswith("TESTENV_PYTEST_"))
    }


def state_dir() -> Path | None:
    """Where ``scripts/up`` keeps offline stacks: ``$TESTENV_STATE_DIR``, else the
    ``.cache`` of the checkout this package runs from (none when installed from a copy)."""
    given = os.environ.get("TESTENV_STATE_DIR")
    if given:
        return Path(given).expanduser().resolve()
    checkout = Path(__file__).resolve().parent.parent
    return checkout / ".cache" if (checkout / "Pulumi.yaml").is_file() else None


def offline_env(stack: str) -> dict[str, str]:
    """The backend and passphrase of an offline stack (as scripts/_lib.sh sets them for
    its own pulumi commands); empty for a stack on your Pulumi login."""
    state = state_dir()
    if state is None:
        return {}
    passphrase = state / "stacks" / f"{stack}.passphrase"
    if not passphrase.is_file():
        return {}
    return {
        "PULUMI_BACKEND_URL": f"file://{state / 'pulumi'}",
        "PULUMI_CONFIG_PASSPHRASE_FILE": str(passphrase),
    }


@contextmanager
def _without(*names: str) -> Iterator[None]:
    """Without these variables for a while: the CLI prefers PULUMI_CONFIG_PASSPHRASE to the
    offline stack's passphrase file, and the Automation API passes ``os.environ`` on."""
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def outputs_of_stack(source: Source) -> dict[str, Any]:
    """The outputs of stack ``source.value`` through Pulumi's Automation API."""
    from pulumi import automation

    stack = source.value
    env = offline_env(stack)
    where = f"the offline backend {env['PULUMI_BACKEND_URL']}" if env else "your Pulumi backend"
    hidden = ("PULUMI_CONFIG_PASSPHRASE",) if env else ()
    try:
        with tempfile.TemporaryDirectory(prefix="testenv-") as work, _without(*hidden):
            selected = automation.select_stack(
                stack_name=stack,
                project_name=PROJECT,
                program=lambda: None,  # outputs only: the program never runs
                opts=automation.LocalWorkspaceOptions(work_dir=work, env_vars=env),
            )
            values = selected.outputs()
    except FileNotFoundError:
        raise TestenvError(
            f"{source} needs the Pulumi CLI, and there is no `pulumi` on PATH",
            "curl -fsSL https://get.pulumi.com | sh (or pass "
            f"{OUTPUTS_OPTION} FILE written where Pulumi is)",
        ) from None
    except automation.StackNotFoundError:
        hint = (
            ""
            if env
            else ("; an offline stack is found through TESTENV_STATE_DIR (the checkout's .cache)")
        )
        raise TestenvError(
            f"{source}: there is no stack {stack!r} in {where}",
            f"scripts/up {stack} creates it; `pulumi stack ls` lists yours{hint}",
        ) from None
    except automation.CommandError as err:
        raise TestenvError(
            f"{source}: pulumi failed reading the stack's outputs ({_last_line(str(err))})",
            f"check `pulumi whoami` and PULUMI_BACKEND_URL, or run scripts/status {stack}",
        ) from None
    return {key: value.value for key, value in values.items()}


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


# --- does the stack still hold what the outputs say -------------------------------------


def check(env: Testenv, glue: Any, s3: Any) -> None:
    """Raise ``TestenvError`` when the bucket, a database or a table of the outputs is not
    in AWS (or the emulator): outputs of a stack that was removed, or recreated since."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
    )

    where = f"the emulator at {env.endpoint}" if env.endpoint else f"AWS ({env.region})"
    stale = f"the outputs from {env.source} are stale"
    try:
        s3.head_bucket(Bucket=env.bucket)
        listed: dict[str, set[str]] = {}
        for database in env.databases:
            names: set[str] = set()
            try:
                for page in glue.get_paginator("get_tables").paginate(DatabaseName=database):
                    names.update(table["Name"] for table in page["TableList"])
            except ClientError as err:
                if error_code(err) != "EntityNotFoundException":
                    raise
                raise TestenvError(
                    f"{stale}: Glue database {database} is not in {where}",
                    env.source.refresh(env.stack),
                ) from None
            listed[database] = names
    except EndpointConnectionError:
        raise TestenvError(
            f"no AWS emulator answers at {env.endpoint} (the outputs from {env.source})",
            f"scripts/up {env.stack} starts it",
        ) from None
    except NoCredentialsError:
        raise TestenvError(
            f"no AWS credentials to reach the stack from {env.source}",
            "aws sso login, or export AWS_PROFILE",
        ) from None
    except ClientError as err:
        if error_code(err) in ("404", "NoSuchBucket"):
            raise TestenvError(
                f"{stale}: bucket {env.bucket} is not in {where}", env.source.refresh(env.stack)
            ) from None
        raise TestenvError(
            f"reading the stack from {env.source} failed ({err})",
            "check your AWS credentials and region",
        ) from None
    missing = [t.qualified_name for t in env.tables if t.name not in listed.get(t.database, ())]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise TestenvError(
            f"{stale}: {len(missing)} of its tables {verb} not in {where} "
            f"({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''})",
            env.source.refresh(env.stack),
        )


def error_code(err: Any) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))
