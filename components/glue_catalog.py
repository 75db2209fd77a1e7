"""The Glue databases, tables and partitions that describe the generated data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import glue_shapes, glue_spelling, naming
from datagen.catalog import TableSpec
from datagen.manifest import Manifest


@dataclass
class GlueCatalogArgs:
    env: str
    """The stack's Glue-safe name; databases are ``<env>_<role>``."""
    tables: Sequence[TableSpec]
    manifest: Manifest
    """What was generated: every database, table and partition with its location."""
    account_id: str | None = None
    """The catalog id a resource link's target names (the zoo's resource link)."""


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
            database = naming.database_name(args.env, spec.role)
            glue = glue_shapes.glue_table(args.manifest, spec, entry, database)
            table = aws.glue.CatalogTable(
                f"{name}-{spec.role}-{spec.name}",
                database_name=self.databases[spec.role].name,
                **glue_spelling.table_args(glue.table_input, args.account_id),
                opts=child,
            )
            self.tables[spec.key] = table
            # A kind may register fewer partitions than it wrote (projection: none).
            paths = {tuple(p.value_list): p.path for p in entry.partitions}
            for partition in glue.partitions:
                self.partitions.append(
                    aws.glue.Partition(
                        f"{name}-{spec.role}-{spec.name}-{paths[tuple(partition['Values'])]}",
                        database_name=table.database_name,
                        table_name=table.name,
                        **glue_spelling.partition_args(partition),
                        opts=child,
                    )
                )

        self.database_names: dict[str, pulumi.Output[str]] = {
            role: database.name for role, database in self.databases.items()
        }
        self.register_outputs({"databases": self.database_names})
