"""The target lakehouse a migration moves the Glue lakehouse into, as containers.

MinIO (the S3-compatible object store), Iceberg's REST catalog server, a standalone Hive
Metastore whose database is a second database of the stack's PostgreSQL, and Trino with
an ``iceberg`` catalog (REST) and a ``hive`` catalog (metastore), both on the object
store. All of them sit on the stack's private network and publish their ports on
127.0.0.1 only; images are pinned to exact versions and used by image id. The object
store's keys are generated per stack and are secrets everywhere (state, outputs, the
containers' environments and files). Every file and setting is shaped by
``components.target_settings``. When the containers are healthy, the canary
(``components.target_canary``) makes, reads back and drops a table in each of Trino's
catalogs: an ``up`` whose target does not work fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_docker as docker
import pulumi_random as random

from components import naming
from components import target_settings as settings
from components.metastore_database import MetastoreDatabase
from components.target_canary import TargetCanary

LISTEN_ADDRESS = "127.0.0.1"
WAIT_TIMEOUT_SECONDS = 300
KEY_LENGTH = 32

ROLES: Mapping[str, int] = {
    "objects": settings.OBJECT_STORE_PORT,
    "rest": settings.REST_CATALOG_PORT,
    "metastore": settings.METASTORE_PORT,
    "trino": settings.TRINO_PORT,
}
"""Each container's role (its host name on the network) and its service port."""

INTERNAL = settings.Endpoints(
    object_store=f"http://objects:{settings.OBJECT_STORE_PORT}",
    rest_catalog=f"http://rest:{settings.REST_CATALOG_PORT}",
    metastore=f"thrift://metastore:{settings.METASTORE_PORT}",
)
"""How the containers reach each other on the private network."""

METASTORE_CONTEXT = Path(__file__).resolve().parent / "images" / "metastore"
"""Its Dockerfile is ``target_settings.metastore_dockerfile()`` (a test keeps them equal)."""
REST_CATALOG_JDBC = "jdbc:sqlite:file:/tmp/iceberg_catalog.db"
"""The REST catalog's own table list (SQLite in the container); its files live on S3."""


def host_ports(base: int) -> dict[str, int]:
    """The 127.0.0.1 port of each role: ``base`` and the three above it."""
    return {role: base + offset for offset, role in enumerate(ROLES)}


def healthcheck(role: str) -> list[str]:
    port = ROLES[role]
    if role == "objects":
        return ["CMD", "mc", "ready", "local"]
    if role == "rest":
        return ["CMD-SHELL", f"curl --fail --silent http://localhost:{port}/v1/config"]
    if role == "trino":
        return ["CMD", "/usr/lib/trino/bin/health-check"]
    return ["CMD-SHELL", f"bash -c '</dev/tcp/127.0.0.1/{port}'"]


@dataclass
class TargetLakehouseArgs:
    env: str
    """The stack's ``<env>``: names the containers."""
    port_base: int
    """First of the four 127.0.0.1 ports (``host_ports``)."""
    network_name: pulumi.Input[str]
    """The stack's private network, which the database joined as host ``postgres``."""
    database_admin_url: pulumi.Input[str]
    """A secret URL of the stack's PostgreSQL that may create the metastore's database."""
    database_user: str
    database_password: pulumi.Input[str]
    metastore_database: str
    """The name of the metastore's database in the stack's PostgreSQL."""


class TargetLakehouse(pulumi.ComponentResource):
    """Keys, images, the four containers and the warehouse bucket of one stack's target."""

    endpoints: pulumi.Output[dict[str, str]]
    image_digests: pulumi.Output[dict[str, str]]
    """``<name>@sha256:...`` of each pulled image (objects, rest, trino), as pulled."""
    access_key: pulumi.Output[str]
    secret_key: pulumi.Output[str]

    def __init__(
        self, name: str, args: TargetLakehouseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("aws2openstack:testenv:TargetLakehouse", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ports = host_ports(args.port_base)

        access = random.RandomPassword(f"{name}-access-key", length=20, special=False, opts=child)
        secret = random.RandomPassword(
            f"{name}-secret-key", length=KEY_LENGTH, special=False, opts=child
        )
        keys = pulumi.Output.secret(
            pulumi.Output.all(access.result, secret.result).apply(
                lambda ks: settings.S3Credentials(access_key=ks[0], secret_key=ks[1])
            )
        )

        def container(
            role: str,
            image: pulumi.Input[str],
            *,
            envs: pulumi.Input[list[str]] | None = None,
            uploads: list[docker.ContainerUploadArgs] | None = None,
            command: list[str] | None = None,
            depends_on: list[pulumi.Resource] | None = None,
        ) -> docker.Container:
            return docker.Container(
                f"{name}-{role}",
                name=naming.target_container_name(args.env, role),
                image=image,
                command=command,
                envs=envs,
                uploads=uploads,
                ports=[
                    docker.ContainerPortArgs(
                        internal=ROLES[role], external=ports[role], ip=LISTEN_ADDRESS
                    )
                ],
                networks_advanced=[
                    docker.ContainerNetworksAdvancedArgs(name=args.network_name, aliases=[role])
                ],
                healthcheck=docker.ContainerHealthcheckArgs(
                    tests=healthcheck(role),
                    interval="5s",
                    timeout="5s",
                    retries=60,
                    start_period="10s",
                ),
                wait=True,
                wait_timeout=WAIT_TIMEOUT_SECONDS,
                restart="unless-stopped",
                # Fixed names and host ports: the old container must go before the new one.
                opts=pulumi.ResourceOptions(
                    parent=self, delete_before_replace=True, depends_on=depends_on or []
                ),
            )

        digests: dict[str, pulumi.Output[str]] = {}

        def image(role: str, ref: str) -> pulumi.Output[str]:
            pulled = docker.RemoteImage(
                f"{name}-{role}-image", name=ref, keep_locally=True, opts=child
            )
            # What the tag resolved to when pulled: no published source states these
            # images' digests, so the stack records the one it runs.
            digests[role] = pulled.repo_digest
            return pulled.image_id

        objects = container(
            "objects",
            image("objects", settings.OBJECT_STORE_IMAGE),
            command=["server", "/data"],
            envs=pulumi.Output.secret(
                keys.apply(lambda k: settings.env_list(settings.minio_env(k)))
            ),
        )
        warehouse = aws.s3.Bucket(
            f"{name}-warehouse",
            bucket=settings.WAREHOUSE_BUCKET,
            force_destroy=True,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[objects],
                provider=aws.Provider(
                    f"{name}-objects-provider",
                    region=settings.S3_REGION,
                    access_key=access.result,
                    secret_key=pulumi.Output.secret(secret.result),
                    s3_use_path_style=True,
                    skip_credentials_validation=True,
                    skip_requesting_account_id=True,
                    skip_metadata_api_check=True,
                    skip_region_validation=True,
                    endpoints=[
                        aws.ProviderEndpointArgs(s3=f"http://{LISTEN_ADDRESS}:{ports['objects']}")
                    ],
                    opts=child,
                ),
            ),
        )

        rest = container(
            "rest",
            image("rest", settings.REST_CATALOG_IMAGE),
            envs=pulumi.Output.secret(
                keys.apply(
                    lambda k: settings.env_list(
                        settings.rest_catalog_env(
                            settings.rest_catalog_properties(
                                jdbc_uri=REST_CATALOG_JDBC, endpoints=INTERNAL, credentials=k
                            )
                        )
                        | {
                            "AWS_REGION": settings.S3_REGION,
                            "JAVA_TOOL_OPTIONS": f"-Xmx{settings.HEAPS['rest']}",
                        }
                    )
                )
            ),
            depends_on=[warehouse],
        )

        database = MetastoreDatabase(
            f"{name}-metastore-database",
            admin_url=args.database_admin_url,
            database=args.metastore_database,
            opts=child,
        )
        metastore_image = docker.Image(
            f"{name}-metastore-image",
            image_name=f"aws2openstack-testenv/metastore:{settings.METASTORE_IMAGE.split(':')[1]}",
            build=docker.DockerBuildArgs(
                context=str(METASTORE_CONTEXT),
                # ADD --checksum needs BuildKit.
                builder_version=docker.BuilderVersion.BUILDER_BUILD_KIT,
                platform="linux/amd64",
            ),
            skip_push=True,
            opts=child,
        )
        jdbc_url = f"jdbc:postgresql://postgres:5432/{args.metastore_database}"
        site = pulumi.Output.secret(
            pulumi.Output.all(keys, args.database_password).apply(
                lambda v: settings.metastore_site(
                    jdbc_url=jdbc_url,
                    user=args.database_user,
                    password=v[1],
                    endpoints=INTERNAL,
                    credentials=v[0],
                )
            )
        )
        metastore = container(
            "metastore",
            # A local build has no registry digest: the tag names the pinned version.
            metastore_image.image_name,
            envs=[
                "SERVICE_NAME=metastore",
                "DB_DRIVER=postgres",
                f"HIVE_AUX_JARS_PATH={settings.METASTORE_AUX_JARS}",
                f"SERVICE_OPTS=-Xmx{settings.HEAPS['metastore']}",
            ],
            uploads=[docker.ContainerUploadArgs(file="/opt/hive/conf/hive-site.xml", content=site)],
            depends_on=[database, warehouse],
        )

        trino = container(
            "trino",
            image("trino", settings.TRINO_IMAGE),
            uploads=[
                docker.ContainerUploadArgs(
                    file="/etc/trino/jvm.config", content=settings.trino_jvm_config()
                ),
                docker.ContainerUploadArgs(
                    file="/etc/trino/catalog/iceberg.properties",
                    content=pulumi.Output.secret(
                        keys.apply(lambda k: settings.trino_iceberg_catalog(INTERNAL, k))
                    ),
                ),
                docker.ContainerUploadArgs(
                    file="/etc/trino/catalog/hive.properties",
                    content=pulumi.Output.secret(
                        keys.apply(lambda k: settings.trino_hive_catalog(INTERNAL, k))
                    ),
                ),
            ],
            depends_on=[rest, metastore],
        )

        # The canary: Trino SQL in both catalogs, read back, so that an up whose target
        # does not work fails (components.target_canary).
        self.canary = TargetCanary(
            f"{name}-canary",
            trino_uri=f"http://{LISTEN_ADDRESS}:{ports['trino']}",
            containers=[objects.id, rest.id, metastore.id, trino.id],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[trino]),
        )

        self.endpoints = pulumi.Output.from_input(
            {
                "s3": f"http://{LISTEN_ADDRESS}:{ports['objects']}",
                "iceberg_rest": f"http://{LISTEN_ADDRESS}:{ports['rest']}",
                "metastore": f"thrift://{LISTEN_ADDRESS}:{ports['metastore']}",
                "trino": f"http://{LISTEN_ADDRESS}:{ports['trino']}",
            }
        )
        self.image_digests = pulumi.Output.all(**digests)
        self.access_key = pulumi.Output.secret(access.result)
        self.secret_key = pulumi.Output.secret(secret.result)
        self.containers = [objects.name, rest.name, metastore.name, trino.name]
        self.register_outputs(
            {
                "endpoints": self.endpoints,
                "access_key": self.access_key,
                "secret_key": self.secret_key,
            }
        )
