"""The Glue databases, tables and partitions that describe the generated data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import glue_shapes, naming, zoo_glue
from datagen.catalog import Format, TableSpec
from datagen.kinds import kind_for
from datagen.manifest import Manifest, TableEntry


@dataclass
class GlueCatalogArgs:
    env: str
    """The stack's Glue-safe name; databases are ``<env>_<role>``."""
    tables: Sequence[TableSpec]
    manifest: Manifest
    """What was generated: every database, table and partition with its location."""
    account_id: str | None = None
    """The catalog id a resource link's target names (zoo tables only)."""


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
            if spec.format is Format.ZOO:
                self._zoo_table(name, args, spec, entry, child)
                continue
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

    def _zoo_table(
        self,
        name: str,
        args: GlueCatalogArgs,
        spec: TableSpec,
        entry: TableEntry,
        child: pulumi.ResourceOptions,
    ) -> None:
        """The zoo module's exact definition: its table and the partitions it registers
        (none for projection; each with its own columns for drift)."""
        database = naming.database_name(args.env, spec.role)
        glue = kind_for(spec.format).glue_table(args.manifest, entry, spec, database)
        table = aws.glue.CatalogTable(
            f"{name}-{spec.role}-{spec.name}",
            database_name=self.databases[spec.role].name,
            **zoo_glue.table_args(glue.table_input, args.account_id),
            opts=child,
        )
        self.tables[spec.key] = table
        paths = {tuple(p.value_list): p.path for p in entry.partitions}
        for partition in glue.partitions:
            path = paths[tuple(partition["Values"])]
            self.partitions.append(
                aws.glue.Partition(
                    f"{name}-{spec.role}-{spec.name}-{path}",
                    database_name=table.database_name,
                    table_name=table.name,
                    **zoo_glue.partition_args(partition),
                    opts=child,
                )
            )
