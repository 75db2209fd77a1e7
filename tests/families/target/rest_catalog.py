"""Iceberg's REST catalog server (the image's ``RESTCatalogServer``) as a local process.

``python -m tests.families.target.rest_catalog install`` resolves the pinned artifacts
from Maven Central with ``mvn dependency:copy-dependencies`` into
``~/.cache/aws2openstack-testenv/iceberg-rest-<version>/lib``: the fixture classes
(``iceberg-open-api``, classifier ``test-fixtures``), the servlet they serve
(``iceberg-core``, classifier ``tests``), ``S3FileIO`` (``iceberg-aws`` and the AWS SDK
modules it calls), Jetty 11, SQLite for the JDBC catalog and Hadoop's ``Configuration``
(the server builds its catalog with one). ``RestCatalog`` starts it with the environment
``components.target_settings.rest_catalog_env`` shapes, the container's, through
``LoopbackRestServer.java`` (run from source): the fixture's own catalog, adapter and
servlet on a connector bound to 127.0.0.1, where ``RESTCatalogServer`` binds every
interface and has no setting for the address.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from components import target_settings as settings
from scripts._lib import probe_target
from tests.engines.trino_server import cache_dir
from tests.support import local_service
from tests.support.net import free_port

VERSION = "1.10.0"
AWS_SDK = "2.31.78"
ARTIFACTS: tuple[tuple[str, str, str, str], ...] = (
    ("org.apache.iceberg", "iceberg-open-api", VERSION, "test-fixtures"),
    ("org.apache.iceberg", "iceberg-core", VERSION, "tests"),
    ("org.apache.iceberg", "iceberg-core", VERSION, ""),
    ("org.apache.iceberg", "iceberg-aws", VERSION, ""),
    ("software.amazon.awssdk", "s3", AWS_SDK, ""),
    ("software.amazon.awssdk", "sts", AWS_SDK, ""),
    ("software.amazon.awssdk", "kms", AWS_SDK, ""),
    ("software.amazon.awssdk", "glue", AWS_SDK, ""),
    ("software.amazon.awssdk", "dynamodb", AWS_SDK, ""),
    ("software.amazon.awssdk", "url-connection-client", AWS_SDK, ""),
    ("software.amazon.awssdk", "apache-client", AWS_SDK, ""),
    ("org.eclipse.jetty", "jetty-servlet", "11.0.25", ""),
    ("org.xerial", "sqlite-jdbc", "3.49.1.0", ""),
    ("org.apache.hadoop", "hadoop-client-api", "3.4.1", ""),
    ("org.apache.hadoop", "hadoop-client-runtime", "3.4.1", ""),
    ("org.slf4j", "slf4j-simple", "2.0.17", ""),
)
LAUNCHER = Path(__file__).with_name("LoopbackRestServer.java")
"""Serves ``org.apache.iceberg.rest.RESTCatalogServer``'s catalog on 127.0.0.1 only."""
JAVA_HOMES = ("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64")
STARTUP_SECONDS = 180


def home() -> Path:
    return cache_dir() / f"iceberg-rest-{VERSION}"


def pom() -> str:
    dependencies = "".join(
        f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>"
        f"<version>{v}</version>{f'<classifier>{c}</classifier>' if c else ''}</dependency>"
        for g, a, v, c in ARTIFACTS
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>aws2openstack-testenv</groupId><artifactId>iceberg-rest</artifactId>"
        f"<version>{VERSION}</version><dependencies>{dependencies}</dependencies></project>"
    )


def install() -> Path:
    """The folder of jars, resolved first when the cache lacks it."""
    folder = home()
    done = folder / "lib" / ".complete"
    if done.exists():
        return folder / "lib"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pom.xml").write_text(pom())
    subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(folder / "pom.xml"),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={folder / 'lib'}",
            "-DincludeScope=runtime",
        ],
        check=True,
    )
    done.touch()
    return folder / "lib"


def java() -> str:
    for candidate in JAVA_HOMES:
        if Path(candidate, "bin", "java").exists():
            return str(Path(candidate, "bin", "java"))
    return "java"


class RestCatalog:
    """One REST catalog server on 127.0.0.1, configured by ``CATALOG_*`` variables."""

    def __init__(self, lib: Path, env: Mapping[str, str], folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "rest-catalog.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CATALOG_")},
            **env,
            "REST_PORT": str(self.port),
        }
        self.command = [
            java(),
            f"-Xmx{settings.HEAPS['rest']}",
            "-cp",
            f"{lib}/*",
            str(LAUNCHER),
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env
            )

    def wait_ready(self, seconds: float = STARTUP_SECONDS) -> None:
        """Until ``GET /v1/config`` answers, probed as ``scripts/status`` does."""
        local_service.wait_ready(
            "the REST catalog",
            self.process,
            self.log,
            lambda: probe_target("rest", self.url).startswith("ready"),
            seconds,
        )

    def stop(self) -> None:
        local_service.stop_process(self.process)


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        sys.exit("usage: python -m tests.families.target.rest_catalog install")
    print(install())
