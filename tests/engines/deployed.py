"""The stack applied to the emulator once, as every engine of the matrix reads it.

``deploy`` runs the program under Pulumi mocks, applies its AWS resources to moto
(``tests.stack.aws_emulator``) and reads every table's Glue definition and partitions
back from moto. Spark, pyiceberg, iceberg-rust, delta-rs and awswrangler read the
emulator's S3. DuckDB has no S3 client here (no httpfs), so the objects the program
uploaded (the registered ``BucketObjectv2`` keys) are also downloaded into a local
folder for the suite's DuckDB translation: every ``s3://<bucket>/`` location maps to
``file://<folder>/<bucket>/`` (``Deployed.local``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.stack import aws_emulator
from tests.stack.program import ProgramRun, run_program, unwrap
from tests.support.glue_reader import Endpoint, paginate

BUCKET_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"


@dataclass(frozen=True)
class GlueTable:
    """One table as Glue returns it, its partitions, and its ground-truth entry."""

    database: str
    name: str
    definition: dict[str, Any]
    partitions: list[dict[str, Any]]
    truth: dict[str, Any]

    @property
    def format(self) -> str:
        return self.truth["format"]

    @property
    def columns(self) -> list[tuple[str, str]]:
        """Glue columns then partition keys, as (name, type)."""
        data = [(c["Name"], c["Type"]) for c in self.definition["StorageDescriptor"]["Columns"]]
        keys = [(k["Name"], k["Type"]) for k in self.definition.get("PartitionKeys", [])]
        return data + keys

    @property
    def key_names(self) -> list[str]:
        return [k["Name"] for k in self.definition.get("PartitionKeys", [])]

    @property
    def id(self) -> str:
        return f"{self.database}.{self.name}"


@dataclass(frozen=True)
class Deployed:
    run: ProgramRun
    endpoint: Endpoint
    bucket: str
    mirror: Path
    """The uploaded objects, at ``<mirror>/<bucket>/<key>``."""
    tables: list[GlueTable]

    @property
    def truth(self) -> dict[str, Any]:
        return self.run.ground_truth

    def local(self, location: str) -> str:
        """An ``s3://bucket/...`` location as the ``file://`` URI of its mirrored copy."""
        if not location.startswith("s3://"):
            raise ValueError(f"not an S3 location: {location}")
        return f"file://{self.mirror}/{location.removeprefix('s3://')}"

    def local_path(self, location: str) -> Path:
        return Path(self.local(location).removeprefix("file://"))

    @property
    def core(self) -> list[GlueTable]:
        """The tables of the core catalog (not the zoo's)."""
        return [t for t in self.tables if t.format != "zoo"]

    @property
    def zoo(self) -> list[GlueTable]:
        """The zoo's tables (``zoo: true``)."""
        return [t for t in self.tables if t.format == "zoo"]

    def table(self, name: str) -> GlueTable:
        (found,) = [t for t in self.tables if t.name == name]
        return found


def deploy(endpoint: Endpoint, mirror: Path, config: dict[str, str]) -> Deployed:
    run = run_program(config)
    applied = aws_emulator.apply(run, endpoint.url, endpoint.region)
    for resource in run.of_type(BUCKET_OBJECT):
        inputs = unwrap(resource.inputs)
        target = mirror / inputs["bucket"] / inputs["key"]
        target.parent.mkdir(parents=True, exist_ok=True)
        body = applied.s3.get_object(Bucket=inputs["bucket"], Key=inputs["key"])["Body"]
        target.write_bytes(body.read())
    tables = []
    for database in run.ground_truth["databases"]:
        for truth in database["tables"]:
            definition = applied.glue.get_table(DatabaseName=database["name"], Name=truth["name"])
            partitions = list(
                paginate(
                    applied.glue,
                    "get_partitions",
                    "Partitions",
                    DatabaseName=database["name"],
                    TableName=truth["name"],
                )
            )
            partitions.sort(key=lambda p: p["Values"])
            tables.append(
                GlueTable(database["name"], truth["name"], definition["Table"], partitions, truth)
            )
    return Deployed(run, endpoint, applied.bucket, mirror, tables)


def deploy_clean(
    moto_server: str, tmp_path_factory: Any, config: dict[str, str], name: str
) -> Deployed:
    """``deploy`` to a reset emulator, as a caller without AWS settings of its own: the
    emulator's keys, no profile, a generator cache and a mirror folder named ``name``."""
    import urllib.request

    import pytest

    from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY

    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    with pytest.MonkeyPatch.context() as patch:
        for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            patch.delenv(variable, raising=False)
        patch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        patch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        patch.setenv("TESTENV_CACHE_DIR", str(tmp_path_factory.mktemp(f"{name}-cache")))
        endpoint = Endpoint(REGION, moto_server, ACCESS_KEY, SECRET_KEY)
        return deploy(endpoint, tmp_path_factory.mktemp(f"{name}-s3"), config)


def direct_files(folder: Path) -> list[Path]:
    """Files directly in ``folder`` (not in sub-folders), as Hive lists a location."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "_")))
