"""``LocalDatabase`` under Pulumi's mocks: the container's safety settings and the secrets.

No Docker daemon is involved: the recording mock monitor of ``tests/stack/program.py``
answers the registrations and keeps each resource's inputs (secrets still wrapped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest
from pulumi.runtime import settings

from components import naming
from components.local_database import (
    LocalDatabase,
    LocalDatabaseArgs,
    database_url,
    healthcheck_command,
    psql_command,
)
from components.schema_migration import migrations_hash
from tests.db.conftest import MIGRATIONS
from tests.stack.program import (
    PROJECT,
    ProgramMocks,
    RecordingMonitor,
    Registered,
    is_secret_value,
    unwrap,
)

COMPONENT = "aws2openstack:testenv:LocalDatabase"
IMAGE = "docker:index/remoteImage:RemoteImage"
VOLUME = "docker:index/volume:Volume"
PASSWORD = "random:index/randomPassword:RandomPassword"
CONTAINER = "docker:index/container:Container"
MIGRATION = "pulumi-python:dynamic/testenv:SchemaMigration"
OUTPUTS = (
    "database_url",
    "host_port",
    "database_name",
    "container_name",
    "psql_command",
    "schema_revision",
)


@dataclass
class Declared:
    resources: list[Registered]
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: set[str] = field(default_factory=set)

    def one(self, type_: str) -> Registered:
        found = [r for r in self.resources if r.type == type_]
        assert len(found) == 1, f"expected one {type_}, found {len(found)}"
        return found[0]


def declare(args: LocalDatabaseArgs, stack: str = "test") -> Declared:
    """Declare one ``LocalDatabase`` named ``postgres`` under mocks; record it."""
    mocks = ProgramMocks()
    monitor = RecordingMonitor(mocks)
    settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    declared = Declared(resources=monitor.records)

    @pulumi.runtime.test
    def program():
        database = LocalDatabase("postgres", args)

        async def collect() -> None:
            for name in OUTPUTS:
                output = getattr(database, name)
                declared.outputs[name] = await output.future()
                if await output.is_secret():
                    declared.secret_outputs.add(name)

        return collect()

    program()
    return declared


def args_for(env: str = "test", port: int = 55432) -> LocalDatabaseArgs:
    return LocalDatabaseArgs(
        env=env,
        host_port=port,
        database="aws2openstack_test",
        user="testuser",
        migrations_dir=str(MIGRATIONS),
    )


@pytest.fixture(scope="module")
def declared() -> Declared:
    return declare(args_for())


def _password(declared: Declared) -> str:
    envs = unwrap(declared.one(CONTAINER).inputs)["envs"]
    password = next(e.split("=", 1)[1] for e in envs if e.startswith("POSTGRES_PASSWORD="))
    assert password
    return password


def test_component_parents_five_children_named_after_it(declared):
    """Image, volume, password, container and migration, each ``postgres-<role>``."""
    component = declared.one(COMPONENT)
    children = [r for r in declared.resources if r is not component]
    assert sorted(r.type for r in children) == sorted(
        [IMAGE, VOLUME, PASSWORD, CONTAINER, MIGRATION]
    )
    for child in children:
        assert child.parent == component.urn, child.name
        assert child.name.startswith("postgres-"), child.name


def test_container_publishes_postgres_on_localhost_only(declared):
    """Only 5432 is published, on 127.0.0.1 (pulumi-docker's default is 0.0.0.0)."""
    ports = unwrap(declared.one(CONTAINER).inputs)["ports"]
    assert ports == [{"internal": 5432, "external": 55432, "ip": "127.0.0.1"}]


def test_container_is_healthy_over_tcp_before_up_goes_on(declared):
    """``wait`` with a timeout, and a ``pg_isready -h 127.0.0.1`` healthcheck behind it."""
    container = unwrap(declared.one(CONTAINER).inputs)
    assert container["wait"] is True
    assert 30 <= container["waitTimeout"] <= 600
    check = container["healthcheck"]
    assert check["tests"] == [
        "CMD-SHELL",
        "pg_isready -h 127.0.0.1 -U testuser -d aws2openstack_test",
    ]
    for key in ("interval", "timeout", "startPeriod"):
        assert re.fullmatch(r"\d+(ms|s|m)", check[key]), key
    assert check["retries"] >= 3
    assert container["restart"] == "unless-stopped"


def test_container_runs_the_pulled_image_by_id(declared):
    """The container takes ``RemoteImage.image_id`` (a tag would replace it every up)."""
    image = declared.one(IMAGE)
    container = declared.one(CONTAINER)
    assert re.fullmatch(r"postgres:15\.\d+(-alpine)?", unwrap(image.inputs)["name"])
    assert unwrap(image.inputs)["keepLocally"] is True
    assert unwrap(container.inputs)["image"] == "sha256:" + "ab" * 32  # the mock's image id
    assert image.urn in container.property_dependencies["image"]


def test_container_and_volume_names_carry_the_stack(declared):
    """Names from ``naming``; the volume holds the data directory."""
    container = unwrap(declared.one(CONTAINER).inputs)
    volume = unwrap(declared.one(VOLUME).inputs)
    assert container["name"] == naming.container_name("test") == declared.outputs["container_name"]
    assert volume["name"] == naming.volume_name("test")
    assert container["volumes"] == [
        {"volumeName": volume["name"], "containerPath": "/var/lib/postgresql/data"}
    ]
    labels = {label["label"]: label["value"] for label in container["labels"]}
    assert labels["aws2openstack.stack"] == "test"


def test_two_stacks_get_distinct_containers_and_volumes():
    """A second stack on the same machine shares neither the container nor the volume."""
    first, second = declare(args_for("test")), declare(args_for("dev_alice", 55433), "dev-alice")
    for type_ in (CONTAINER, VOLUME):
        assert unwrap(first.one(type_).inputs)["name"] != unwrap(second.one(type_).inputs)["name"]


def test_password_is_generated_long_and_url_safe(declared):
    """At least 32 characters without specials, so the URL needs no quoting."""
    password = unwrap(declared.one(PASSWORD).inputs)
    assert password["length"] >= 32
    assert password["special"] is False


def test_password_is_secret_wherever_it_appears(declared):
    """Container env, migration input and ``database_url`` are secrets; nothing else has it."""
    password = _password(declared)
    container = declared.one(CONTAINER).inputs
    assert is_secret_value(container["envs"])
    assert set(unwrap(container["envs"])) == {
        "POSTGRES_DB=aws2openstack_test",
        "POSTGRES_USER=testuser",
        f"POSTGRES_PASSWORD={password}",
    }
    assert is_secret_value(declared.one(MIGRATION).inputs["database_url"])
    assert "database_url" in declared.secret_outputs

    def plain_leaks(value: Any, where: str) -> list[str]:
        if is_secret_value(value):
            return []
        if isinstance(value, dict):
            return [leak for k, v in value.items() for leak in plain_leaks(v, f"{where}.{k}")]
        if isinstance(value, list):
            return [leak for i, v in enumerate(value) for leak in plain_leaks(v, f"{where}[{i}]")]
        return [where] if isinstance(value, str) and password in value else []

    leaks = [leak for r in declared.resources for leak in plain_leaks(r.inputs, r.name)]
    leaks += [
        name
        for name, value in declared.outputs.items()
        if name not in declared.secret_outputs and password in str(value)
    ]
    assert leaks == []


def test_database_url_and_psql_command(declared):
    """``DATABASE_URL`` for aws2openstack and psql; a psql command without the password."""
    password = _password(declared)
    assert declared.outputs["database_url"] == (
        f"postgresql://testuser:{password}@127.0.0.1:55432/aws2openstack_test"
    )
    assert declared.outputs["psql_command"] == (
        "psql -h 127.0.0.1 -p 55432 -U testuser -d aws2openstack_test"
    )
    assert declared.outputs["host_port"] == 55432
    assert declared.outputs["database_name"] == "aws2openstack_test"
    assert (
        not {"host_port", "database_name", "container_name", "psql_command"}
        & declared.secret_outputs
    )


def test_migration_runs_after_the_container_with_the_scripts_hash(declared):
    """The schema migration waits for the healthy container and hashes ``migrations/``."""
    migration = declared.one(MIGRATION)
    assert migration.depends_on(declared.one(CONTAINER))
    inputs = unwrap(migration.inputs)
    assert inputs["script_location"] == str(MIGRATIONS.resolve())
    assert inputs["migrations_hash"] == migrations_hash(MIGRATIONS)
    assert is_secret_value(migration.inputs["__provider"])


def test_pure_helpers_shape_the_values():
    """The URL, psql command and healthcheck, without mocks."""
    assert database_url("u", "pw", 5433, "d") == "postgresql://u:pw@127.0.0.1:5433/d"
    assert psql_command("u", 5433, "d") == "psql -h 127.0.0.1 -p 5433 -U u -d d"
    assert healthcheck_command("u", "d") == ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U u -d d"]
