"""The stack's local PostgreSQL: a container on 127.0.0.1, migrated to Alembic head.

The container runs a pinned PostgreSQL 15 image with its data in a named volume; both
names carry the stack (``naming.container_name``, ``naming.volume_name``) so two stacks
on one machine never share them, and the host port comes from config for the same
reason. The password is generated per stack and is a secret everywhere it appears
(state, outputs, the container's environment). ``pulumi up`` returns once the container
is healthy and ``SchemaMigration`` has brought the schema to head.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_docker as docker
import pulumi_random as random

from components import naming
from components.schema_migration import SchemaMigration

POSTGRES_IMAGE = "postgres:15.10-alpine"
LISTEN_ADDRESS = "127.0.0.1"
CONTAINER_PORT = 5432
DATA_PATH = "/var/lib/postgresql/data"
PASSWORD_LENGTH = 32
WAIT_TIMEOUT_SECONDS = 120
NETWORK_ALIAS = "postgres"
"""The database's host name on the stack's private network."""


@dataclass
class LocalDatabaseArgs:
    env: str
    """The stack's ``<env>`` (``naming.env_name``): names the container and the volume."""
    host_port: int
    """Port on 127.0.0.1 that the container's 5432 is published on."""
    database: str
    """Name of the database the image creates and the migrations fill."""
    user: str
    """The database's owner, the user in ``DATABASE_URL``."""
    migrations_dir: str | Path
    """The Alembic directory (``env.py``, ``versions/``) the schema is migrated with: the
    bundled ``migrations/`` or config ``migrationsDir``."""
    image: str = POSTGRES_IMAGE
    """The PostgreSQL 15 image, pinned to a patch release."""
    private_network: bool = False
    """Whether to create the stack's private Docker network and join it as host
    ``postgres``, for the target lakehouse's containers (config ``target``)."""


def database_url(user: str, password: str, port: int, database: str) -> str:
    """The URL aws2openstack, psql and Alembic connect with."""
    return f"postgresql://{user}:{password}@{LISTEN_ADDRESS}:{port}/{database}"


def psql_command(user: str, port: int, database: str) -> str:
    """A psql invocation without the password (psql asks, or reads ``PGPASSWORD``)."""
    return f"psql -h {LISTEN_ADDRESS} -p {port} -U {user} -d {database}"


def healthcheck_command(user: str, database: str) -> list[str]:
    # Without -h, pg_isready asks over the unix socket and reports ready while the
    # image's init phase still runs a temporary server that does not listen on TCP.
    return ["CMD-SHELL", f"pg_isready -h {LISTEN_ADDRESS} -U {user} -d {database}"]


def container_envs(user: str, password: str, database: str) -> list[str]:
    return [f"POSTGRES_DB={database}", f"POSTGRES_USER={user}", f"POSTGRES_PASSWORD={password}"]


class LocalDatabase(pulumi.ComponentResource):
    """Image, volume, password, container and schema migration of one stack's database."""

    database_url: pulumi.Output[str]
    host_port: pulumi.Output[int]
    database_name: pulumi.Output[str]
    container_name: pulumi.Output[str]
    psql_command: pulumi.Output[str]
    schema_revision: pulumi.Output[str]

    def __init__(
        self, name: str, args: LocalDatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aws2openstack:testenv:LocalDatabase", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        image = docker.RemoteImage(f"{name}-image", name=args.image, keep_locally=True, opts=child)
        volume = docker.Volume(
            f"{name}-volume",
            name=naming.volume_name(args.env),
            labels=[docker.VolumeLabelArgs(label=k, value=v) for k, v in self._labels(args)],
            opts=child,
        )
        password = random.RandomPassword(
            f"{name}-password", length=PASSWORD_LENGTH, special=False, opts=child
        )
        secret_password = pulumi.Output.secret(password.result)

        network = None
        if args.private_network:
            network = docker.Network(
                f"{name}-network",
                name=naming.network_name(args.env),
                internal=False,
                labels=[docker.NetworkLabelArgs(label=k, value=v) for k, v in self._labels(args)],
                opts=child,
            )
        extra = {}
        if network is not None:
            extra["networks_advanced"] = [
                docker.ContainerNetworksAdvancedArgs(name=network.name, aliases=[NETWORK_ALIAS])
            ]
        container = docker.Container(
            f"{name}-container",
            name=naming.container_name(args.env),
            # The image id, not the tag: a tag string would replace the container on every up.
            image=image.image_id,
            envs=pulumi.Output.secret(
                secret_password.apply(lambda pw: container_envs(args.user, pw, args.database))
            ),
            ports=[
                docker.ContainerPortArgs(
                    internal=CONTAINER_PORT, external=args.host_port, ip=LISTEN_ADDRESS
                )
            ],
            volumes=[docker.ContainerVolumeArgs(volume_name=volume.name, container_path=DATA_PATH)],
            healthcheck=docker.ContainerHealthcheckArgs(
                tests=healthcheck_command(args.user, args.database),
                interval="2s",
                timeout="5s",
                retries=30,
                start_period="5s",
            ),
            wait=True,
            wait_timeout=WAIT_TIMEOUT_SECONDS,
            restart="unless-stopped",
            **extra,
            labels=[docker.ContainerLabelArgs(label=k, value=v) for k, v in self._labels(args)],
            # The name and the host port are fixed, so a replacement must remove the old
            # container first or the new one cannot take them.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )

        self.database_url = pulumi.Output.secret(
            secret_password.apply(
                lambda pw: database_url(args.user, pw, args.host_port, args.database)
            )
        )
        migration = SchemaMigration(
            f"{name}-schema",
            database_url=self.database_url,
            migrations_dir=args.migrations_dir,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[container]),
        )

        self.password = secret_password
        self.user = args.user
        self.network_name = network.name if network is not None else None
        self.host_port = pulumi.Output.from_input(args.host_port)
        self.database_name = pulumi.Output.from_input(args.database)
        self.container_name = container.name
        self.psql_command = pulumi.Output.from_input(
            psql_command(args.user, args.host_port, args.database)
        )
        self.schema_revision = migration.revision
        self.register_outputs(
            {
                "database_url": self.database_url,
                "host_port": self.host_port,
                "database_name": self.database_name,
                "container_name": self.container_name,
                "psql_command": self.psql_command,
                "schema_revision": self.schema_revision,
            }
        )

    @staticmethod
    def _labels(args: LocalDatabaseArgs) -> list[tuple[str, str]]:
        return [
            ("aws2openstack.project", pulumi.get_project()),
            ("aws2openstack.stack", pulumi.get_stack()),
            ("aws2openstack.env", args.env),
            ("aws2openstack.managed-by", "pulumi"),
        ]
