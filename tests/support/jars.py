"""The Maven Central jars the engine matrix's Spark needs beyond what pyspark ships.

pyspark from PyPI has no S3 file system, no Iceberg, no Delta and no JSON SerDe; Glue
ETL and EMR ship them. Each jar here is pinned by version and SHA-256, downloaded once
into a cache outside the checkout (``$TESTENV_JARS_DIR``, else
``${XDG_CACHE_HOME:-~/.cache}/aws2openstack-testenv/jars``) and handed to Spark by path
(``spark.jars``); nothing is resolved at run time.

``scripts/test`` runs ``python -m tests.support.jars`` before pytest: it prints each
download with its size and refuses a file whose SHA-256 is not the pinned one. Only the
standard library is used.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = os.environ.get("TESTENV_MAVEN_REPOSITORY", "https://repo1.maven.org/maven2")


@dataclass(frozen=True)
class Jar:
    group: str
    artifact: str
    version: str
    size: int
    sha256: str
    why: str

    @property
    def coordinates(self) -> str:
        return f"{self.group}:{self.artifact}:{self.version}"

    @property
    def file_name(self) -> str:
        return f"{self.artifact}-{self.version}.jar"

    def url(self, repository: str = REPOSITORY) -> str:
        path = f"{self.group.replace('.', '/')}/{self.artifact}/{self.version}/{self.file_name}"
        return f"{repository.rstrip('/')}/{path}"


# pyspark 4.0.5: Spark 4.0, Scala 2.13, Hadoop 3.4.1 (hadoop-client-api-3.4.1.jar), Hive
# 2.3.10. Each version follows from those (docs/engines.md, "Versions").
JARS = (
    Jar(
        "org.apache.hadoop",
        "hadoop-aws",
        "3.4.1",
        865_554,
        "01334a07e179cae2b7e251f24857f11e3759108c9d6a79dcbe362a4295227da2",
        "S3A file system, at pyspark's Hadoop version",
    ),
    Jar(
        "software.amazon.awssdk",
        "bundle",
        "2.24.6",
        558_001_584,
        "890bf9f2a80488f7a8aa8277d64d13a9ea3a3cdff8607ef3b63a878d8b467b41",
        "the AWS SDK that hadoop-aws 3.4.1 names (aws-java-sdk-v2.version)",
    ),
    Jar(
        "org.apache.iceberg",
        "iceberg-spark-runtime-4.0_2.13",
        "1.10.1",
        47_083_764,
        "2192a0881ed0f5773b5a83a8820d2b0b2069beec203028643a1c338551007f09",
        "Iceberg for Spark 4.0 / Scala 2.13",
    ),
    Jar(
        "org.apache.iceberg",
        "iceberg-aws-bundle",
        "1.10.1",
        62_673_230,
        "86bf20892ea5b4c17688f19b075399885f6aa5303f6b2dc9f491e76ceef9633b",
        "Iceberg's GlueCatalog and S3FileIO with the AWS SDK they are built against",
    ),
    Jar(
        "io.delta",
        "delta-spark_2.13",
        "4.0.1",
        7_731_162,
        "a1e76860b19fe1e6b205a4ea7a9099a2f9575d39bb71d49b3e679b299d0efb91",
        "Delta Lake for Spark 4.0",
    ),
    Jar(
        "io.delta",
        "delta-storage",
        "4.0.1",
        78_832,
        "ecc42c5aaa51c423312d9e4e48aa4a12b34740bf2c37de0e8f279277ec3d12e4",
        "delta-spark's log store",
    ),
    Jar(
        "org.apache.hive.hcatalog",
        "hive-hcatalog-core",
        "2.3.10",
        266_095,
        "a1bec013edf64a23a2da10df86c7391332c9b150992681faab232e5fef4c9bda",
        "org.apache.hive.hcatalog.data.JsonSerDe, at Spark's Hive version",
    ),
    # The OpenX JSON SerDe (org.openx.data.jsonserde.JsonSerDe) is not on Maven Central
    # from its authors; Starburst's fork, which Trino's Hive connector uses, is, with the
    # same class names.
    Jar(
        "io.starburst.openx.data",
        "json-serde",
        "1.3.9-e.12",
        45_939,
        "1193a44fce92b2964bba137fe11b5f97eeb3efb197000944d8754a419552a610",
        "org.openx.data.jsonserde.JsonSerDe (Starburst's fork of the OpenX SerDe)",
    ),
    Jar(
        "io.starburst.openx.data",
        "json-serde-generic-shim",
        "1.3.9-e.12",
        3_553,
        "3b5444584689e6c4d00c44a4e00a26210fc0bad43f4f72bdf9d51a1803b5004d",
        "the OpenX SerDe's Hive shim",
    ),
    Jar(
        "io.starburst.openjson",
        "openjson",
        "1.8-e.12",
        37_778,
        "5fa5985f7af2d0ce2d327dbd5faaa04db2462b313a1eac1aba44a00040a0905b",
        "the OpenX SerDe's JSON parser",
    ),
)


def cache_dir() -> Path:
    if os.environ.get("TESTENV_JARS_DIR"):
        return Path(os.environ["TESTENV_JARS_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aws2openstack-testenv" / "jars"


class MissingJars(Exception):
    """Jars that are not in the cache, with the command that fetches them."""


def paths(folder: Path | None = None, wanted: tuple[Jar, ...] = JARS) -> list[Path]:
    """The cached jars, in ``wanted`` order; ``MissingJars`` names any absent one (a file
    of another size is absent: the download checked the pinned SHA-256)."""
    folder = folder or cache_dir()
    missing = [jar.coordinates for jar in wanted if not _cached(jar, folder)]
    if missing:
        raise MissingJars(
            f"not in {folder}: {', '.join(missing)}; fix: scripts/test "
            "(or: uv run python -m tests.support.jars)"
        )
    return [folder / jar.file_name for jar in wanted]


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _download(jar: Jar, target: Path, repository: str) -> None:
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    with (
        urllib.request.urlopen(jar.url(repository), timeout=60) as response,
        partial.open("wb") as out,
    ):
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != jar.sha256:
        partial.unlink()
        raise RuntimeError(
            f"{jar.coordinates}: SHA-256 {digest.hexdigest()} is not the pinned {jar.sha256}"
        )
    partial.replace(target)


def fetch(
    folder: Path | None = None,
    say: Callable[[str], None] = print,
    wanted: tuple[Jar, ...] = JARS,
    repository: str = REPOSITORY,
) -> list[Path]:
    """Download every jar not yet in the cache, verified against its pinned SHA-256."""
    folder = folder or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    absent = [jar for jar in wanted if not _cached(jar, folder)]
    if absent:
        total = sum(jar.size for jar in absent)
        say(f"downloading {len(absent)} jars ({_megabytes(total)}) into {folder}")
        started = time.monotonic()
        for jar in absent:
            say(f"  {jar.coordinates} ({_megabytes(jar.size)}): {jar.why}")
            _download(jar, folder / jar.file_name, repository)
        say(f"downloaded {_megabytes(total)} in {time.monotonic() - started:.0f} s")
    return paths(folder, wanted)


def _cached(jar: Jar, folder: Path) -> bool:
    path = folder / jar.file_name
    return path.is_file() and path.stat().st_size == jar.size


def main() -> int:
    try:
        found = fetch(say=lambda line: print(f"scripts/test: {line}", file=sys.stderr))
    except (OSError, RuntimeError) as error:
        print(f"scripts/test: cannot fetch Spark's jars: {error}", file=sys.stderr)
        return 1
    total = sum(path.stat().st_size for path in found)
    print(
        f"scripts/test: Spark's {len(found)} Maven jars ({_megabytes(total)}) are in "
        f"{found[0].parent}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
