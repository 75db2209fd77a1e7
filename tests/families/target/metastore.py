"""The Hive standalone metastore as a local process, from Maven Central's artifacts.

``python -m tests.families.target.metastore install`` unpacks Maven Central's
``hive-standalone-metastore-server-4.0.1-bin.tar.gz`` (checked against the SHA-1 Maven
Central publishes next to it) into ``~/.cache/aws2openstack-testenv/hive-metastore-4.0.1``
and resolves with ``mvn`` what the archive leaves to a Hadoop installation: Hadoop's
shaded client 3.3.6, ``hadoop-aws`` 3.3.6 with the AWS SDK bundle it was built with
(S3A; the same jars the container takes from its image's Hadoop tree) and the PostgreSQL
driver 42.7.4 (the container's). ``Metastore`` writes the target's ``hive-site.xml``
(``components.target_settings.metastore_site``) as ``metastore-site.xml``, creates the
schema with ``schematool`` and serves thrift on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

from components import target_settings as settings
from scripts._lib import probe_target
from tests.engines.trino_server import cache_dir
from tests.support import local_service
from tests.support.net import free_port

VERSION = "4.0.1"
URL = (
    "https://repo1.maven.org/maven2/org/apache/hive/hive-standalone-metastore-server/"
    f"{VERSION}/hive-standalone-metastore-server-{VERSION}-bin.tar.gz"
)
EXTRA = (
    ("org.apache.hadoop", "hadoop-client-api", "3.3.6"),
    ("org.apache.hadoop", "hadoop-client-runtime", "3.3.6"),
    ("org.apache.hadoop", "hadoop-aws", "3.3.6"),
    ("org.apache.hadoop", "hadoop-hdfs-client", "3.3.6"),
    # Warehouse.mkdirs catches HDFS's SnapshotException, which only the server jar holds.
    ("org.apache.hadoop", "hadoop-hdfs", "3.3.6"),
    ("com.amazonaws", "aws-java-sdk-bundle", "1.12.367"),
    ("org.postgresql", "postgresql", "42.7.4"),
    # What a Hadoop installation would put on the class path and the shaded client keeps
    # to itself (relocated): the metastore calls these directly.
    ("commons-io", "commons-io", "2.16.1"),
    ("javax.servlet", "javax.servlet-api", "3.1.0"),
    ("commons-collections", "commons-collections", "3.2.2"),
    ("org.apache.httpcomponents", "httpclient", "4.5.13"),
    ("org.apache.httpcomponents", "httpcore", "4.4.13"),
    ("com.google.code.gson", "gson", "2.9.0"),
)
JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"
# Hive 4.0 targets Java 8; on 17 its DataNucleus and Hadoop reflection need these opens.
JAVA_OPENS = [
    f"--add-opens=java.base/{package}=ALL-UNNAMED"
    for package in ("java.lang", "java.util", "java.net", "java.nio", "sun.nio.ch", "java.io")
]
SCHEMA_TOOL = "org.apache.hadoop.hive.metastore.tools.schematool.MetastoreSchemaTool"
SERVER = "org.apache.hadoop.hive.metastore.HiveMetaStore"
STARTUP_SECONDS = 240


def home() -> Path:
    return cache_dir() / f"hive-metastore-{VERSION}"


def _pom() -> str:
    # hadoop-aws alone without its dependencies: they are Hadoop's, in the shaded client.
    alone = (
        "<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId>"
        "</exclusion></exclusions>"
    )
    dependencies = "".join(
        f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version>"
        f"{alone if a.startswith('hadoop-') and a != 'hadoop-client-runtime' else ''}</dependency>"
        for g, a, v in EXTRA
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>aws2openstack-testenv</groupId><artifactId>hive-metastore-deps</artifactId>"
        f"<version>{VERSION}</version><dependencies>{dependencies}</dependencies></project>"
    )


def install() -> Path:
    folder = home()
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "metastore.tar.gz"
    urllib.request.urlretrieve(URL, archive)
    with urllib.request.urlopen(f"{URL}.sha1") as response:
        expected = response.read().decode().split()[0]
    actual = hashlib.sha1(archive.read_bytes()).hexdigest()
    if actual != expected:
        raise RuntimeError(f"{URL}: sha1 {actual}, Maven Central says {expected}")
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    archive.unlink()
    (folder / "pom.xml").write_text(_pom())
    subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(folder / "pom.xml"),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={folder / 'extra'}",
        ],
        check=True,
    )
    done.touch()
    return folder


class Metastore:
    """One metastore on 127.0.0.1 with ``site`` (the target's hive-site.xml) in ``folder``.

    The one setting added to the container's file is ``metastore.thrift.bind.host``: the
    container listens on every address of its private network (Docker publishes the port
    on 127.0.0.1), the local process on 127.0.0.1 alone."""

    def __init__(self, folder: Path, site: str) -> None:
        self.port = free_port()
        self.uri = f"thrift://127.0.0.1:{self.port}"
        conf = folder / "conf"
        conf.mkdir(parents=True)
        bind = (
            "  <property>\n    <name>metastore.thrift.bind.host</name>\n"
            "    <value>127.0.0.1</value>\n  </property>\n</configuration>"
        )
        (conf / "metastore-site.xml").write_text(site.replace("</configuration>", bind, 1))
        base = home() / f"apache-hive-metastore-{VERSION}-bin"
        # schematool finds its SQL scripts under METASTORE_HOME.
        self.env = {**os.environ, "METASTORE_HOME": str(base)}
        self.classpath = f"{conf}:{base / 'lib'}/*:{home() / 'extra'}/*"
        self.log = folder / "metastore.log"
        self.process: subprocess.Popen[bytes] | None = None

    def _java(self, main: str, *args: str) -> list[str]:
        return [
            JAVA,
            f"-Xmx{settings.HEAPS['metastore']}",
            *JAVA_OPENS,
            "-cp",
            self.classpath,
            main,
            *args,
        ]

    def init_schema(self) -> None:
        with self.log.open("ab") as log:
            subprocess.run(
                self._java(SCHEMA_TOOL, "-dbType", "postgres", "-initOrUpgradeSchema"),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=600,
                env=self.env,
            )

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self._java(SERVER, "-p", str(self.port)),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
            )

    def wait_ready(self, seconds: float = STARTUP_SECONDS) -> None:
        """Until the thrift port accepts a connection, probed as ``scripts/status`` does."""
        local_service.wait_ready(
            "the metastore",
            self.process,
            self.log,
            lambda: probe_target("metastore", self.uri).startswith("ready"),
            seconds,
        )

    def stop(self) -> None:
        local_service.stop_process(self.process)


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        sys.exit("usage: python -m tests.families.target.metastore install")
    print(install())
