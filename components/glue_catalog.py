"""The Glue databases, tables and partitions that describe the generated data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import glue_shapes, naming
from datagen.catalog import TableSpec
from datagen.manifest import Manifest


@dataclass
class GlueCatalogArgs:
    env: str
    """The stack's Glue-safe name; databases are ``<env>_<role>``."""
    tables: Sequence[TableSpec]
    manifest: Manifest
    """What was generated: every database, table and partition with its location."""


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
            database.role: aws.glue.CatalogDatabase(
                f"{name}-{database.role}",
                name=naming.database_name(args.env, database.role),
                description=(
                    f"aws2openstack test data ({database.role}) of stack environment {args.env}"
                ),
                location_uri=database.location,
                opts=child,
            )
            for database in args.manifest.databases
        }
        self.tables: dict[str, aws.glue.CatalogTable] = {}
        self.partitions: list[aws.glue.Partition] = []
        for spec in args.tables:
            entry = args.manifest.table(spec.key)
            table = aws.glue.CatalogTable(
                f"{name}-{spec.role}-{spec.name}",
                name=spec.name,
                database_name=self.databases[spec.role].name,
                description=spec.description,
                table_type="EXTERNAL_TABLE",
                parameters=glue_shapes.table_parameters(spec, entry),
                partition_keys=glue_shapes.partition_keys(spec),
                storage_descriptor=glue_shapes.table_storage_descriptor(spec, entry),
                opts=child,
            )
            self.tables[spec.key] = table
            for partition in entry.partitions:
                self.partitions.append(
                    aws.glue.Partition(
                        f"{name}-{spec.role}-{spec.name}-{partition.path}",
                        database_name=table.database_name,
                        table_name=table.name,
                        partition_values=partition.value_list,
                        parameters=glue_shapes.partition_parameters(spec),
                        storage_descriptor=glue_shapes.partition_storage_descriptor(
                            spec, partition
                        ),
                        opts=child,
                    )
                )

        self.database_names: dict[str, pulumi.Output[str]] = {
            role: database.name for role, database in self.databases.items()
        }
        self.register_outputs({"databases": self.database_names})
