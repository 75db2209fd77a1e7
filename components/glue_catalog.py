"""The Glue databases, tables and partitions that describe the generated data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import glue_shapes, naming
from datagen.catalog import TableSpec, roles
from datagen.manifest import Manifest


@dataclass
class GlueCatalogArgs:
    env: str
    """The stack's Glue-safe name; databases are ``<env>_<role>``."""
    bucket_name: str
    """The bucket the table locations point at."""
    tables: Sequence[TableSpec]
    manifest: Manifest
    """What was generated: partitions per table and each Iceberg metadata location."""


class GlueCatalog(pulumi.ComponentResource):
    """One database per role, one table per spec, one partition per generated partition.

    Tables take their database name from the database resource and partitions theirs
    from the table resource, so Pulumi creates (and destroys) them in order.
    """

    def __init__(
        self, name: str, args: GlueCatalogArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("aws2openstack:testenv:GlueCatalog", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.databases: dict[str, aws.glue.CatalogDatabase] = {
            role: aws.glue.CatalogDatabase(
                f"{name}-{role}",
                name=naming.database_name(args.env, role),
                description=f"aws2openstack test data ({role}) of stack environment {args.env}",
                location_uri=f"s3://{args.bucket_name}/{role}/",
                opts=child,
            )
            for role in roles(tuple(args.tables))
        }
        self.tables: dict[str, aws.glue.CatalogTable] = {}
        self.partitions: list[aws.glue.Partition] = []
        for spec in args.tables:
            table_data = args.manifest.table(spec.prefix)
            table = aws.glue.CatalogTable(
                f"{name}-{spec.role}-{spec.name}",
                name=spec.name,
                database_name=self.databases[spec.role].name,
                description=spec.description,
                table_type="EXTERNAL_TABLE",
                parameters=glue_shapes.table_parameters(spec, table_data.metadata_location),
                partition_keys=glue_shapes.partition_keys(spec),
                storage_descriptor=glue_shapes.storage_descriptor(
                    spec, glue_shapes.table_location(args.bucket_name, spec)
                ),
                opts=child,
            )
            self.tables[spec.prefix] = table
            for partition in table_data.partitions:
                values = tuple(partition.values[key.name] for key in spec.partition_keys)
                self.partitions.append(
                    aws.glue.Partition(
                        f"{name}-{spec.role}-{spec.name}-{spec.partitioning.path(values)}",
                        database_name=table.database_name,
                        table_name=table.name,
                        partition_values=list(values),
                        parameters=glue_shapes.partition_parameters(spec),
                        storage_descriptor=glue_shapes.storage_descriptor(
                            spec, glue_shapes.partition_location(args.bucket_name, spec, values)
                        ),
                        opts=child,
                    )
                )

        self.database_names: dict[str, pulumi.Output[str]] = {
            role: database.name for role, database in self.databases.items()
        }
        self.register_outputs({"databases": self.database_names})
