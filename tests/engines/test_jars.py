"""Spark's Maven jars (tests/support/jars.py): pinned to pyspark's own versions,
downloaded once and only with the pinned SHA-256."""

from __future__ import annotations

import hashlib
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import jars


def _pyspark_jar_version(prefix: str) -> str:
    import pyspark

    folder = Path(pyspark.__file__).parent / "jars"
    (found,) = [p.name for p in folder.glob(f"{prefix}-*.jar")]
    return re.fullmatch(rf"{re.escape(prefix)}-(.+)\.jar", found).group(1)


def _pinned(artifact: str) -> jars.Jar:
    (jar,) = [j for j in jars.JARS if j.artifact == artifact]
    return jar


def test_the_jars_follow_pyspark_versions() -> None:
    """hadoop-aws is at pyspark's Hadoop version, hive-hcatalog-core at its Hive version,
    and the Iceberg runtime and delta-spark are built for its Spark and Scala versions."""
    import pyspark

    spark = ".".join(pyspark.__version__.split(".")[:2])
    scala = ".".join(_pyspark_jar_version("scala-library").split(".")[:2])
    assert _pinned("hadoop-aws").version == _pyspark_jar_version("hadoop-client-api")
    assert _pinned("hive-hcatalog-core").version == _pyspark_jar_version("hive-exec").removesuffix(
        "-core"
    )
    assert _pinned(f"iceberg-spark-runtime-{spark}_{scala}").version
    assert _pinned(f"delta-spark_{scala}").version.startswith(spark)
    versions = {j.artifact: j.version for j in jars.JARS}
    assert versions["iceberg-aws-bundle"] == versions[f"iceberg-spark-runtime-{spark}_{scala}"]
    assert versions["delta-storage"] == versions[f"delta-spark_{scala}"]


@pytest.fixture
def repository(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A local Maven repository over HTTP, and the paths it was asked for."""
    root = tmp_path / "repository"
    asked: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self) -> None:
            asked.append(self.path)
            super().do_GET()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def _published(root: Path, body: bytes, sha256: str | None = None) -> jars.Jar:
    jar = jars.Jar(
        "org.example",
        "thing",
        "1.0",
        len(body),
        sha256 or hashlib.sha256(body).hexdigest(),
        "a test",
    )
    target = root / "repository" / "org/example/thing/1.0" / jar.file_name
    target.parent.mkdir(parents=True)
    target.write_bytes(body)
    return jar


def test_a_jar_is_downloaded_once_and_said(tmp_path, repository) -> None:
    """A missing jar is downloaded, named with its size; a second fetch asks for nothing."""
    url, asked = repository
    jar = _published(tmp_path, b"jar bytes")
    said: list[str] = []
    cache = tmp_path / "cache"
    (path,) = jars.fetch(cache, said.append, (jar,), url)
    assert path.read_bytes() == b"jar bytes"
    assert any("org.example:thing:1.0 (0.0 MB)" in line for line in said), said
    assert jars.fetch(cache, said.append, (jar,), url) == [path]
    assert len(asked) == 1


def test_a_jar_with_another_checksum_is_refused_and_not_kept(tmp_path, repository) -> None:
    """A download whose SHA-256 is not the pinned one raises and leaves no file."""
    url, _ = repository
    jar = _published(tmp_path, b"tampered", sha256="0" * 64)
    cache = tmp_path / "cache"
    with pytest.raises(RuntimeError, match="is not the pinned"):
        jars.fetch(cache, lambda line: None, (jar,), url)
    assert list(cache.iterdir()) == []
    with pytest.raises(jars.MissingJars, match="org.example:thing:1.0.*fix: scripts/test"):
        jars.paths(cache, (jar,))
