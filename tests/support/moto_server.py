"""A moto server on a free local port: S3, Glue, STS, IAM, EC2, Athena and Lake Formation
over real HTTP, with the calls moto lacks added as the offline stack's emulator adds them
(``scripts/_moto_server.py``) and AWS-managed IAM policies loaded.

HTTP (not moto's in-process patching) because pyarrow's S3 filesystem and pyiceberg
read S3 through their own clients, which only a real endpoint can serve.

moto answers Glue's ``GetTables``, ``GetDatabases`` and ``GetPartitions`` in one
response however many items there are; AWS pages them (at most 100 tables or databases,
1,000 partitions per page, ``NextToken`` for the rest). The server here pages like AWS,
so a reader that ignores ``NextToken`` misses tables, as it would in AWS.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterator

import pytest
from moto.glue.responses import GlueResponse
from moto.server import ThreadedMotoServer

from scripts import _moto_server
from tests.support.glue_reader import Endpoint

REGION = "eu-central-1"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"


# operation -> (result key, the most items AWS returns per page)
GLUE_PAGE_LIMITS = {
    "get_tables": ("TableList", 100),
    "get_databases": ("DatabaseList", 100),
    "get_partitions": ("Partitions", 1000),
}


_UNPAGED = {operation: getattr(GlueResponse, operation) for operation in GLUE_PAGE_LIMITS}


def _paged(operation: str, key: str, limit: int):
    unpaged = _UNPAGED[operation]

    def respond(self):
        result = unpaged(self)
        items = result.result[key]
        size = min(int(self.parameters.get("MaxResults") or limit), limit)
        start = int(self.parameters.get("NextToken") or 0)
        result.result[key] = items[start : start + size]
        if start + size < len(items):
            result.result["NextToken"] = str(start + size)
        return result

    return respond


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    patch = pytest.MonkeyPatch()
    for operation, (key, limit) in GLUE_PAGE_LIMITS.items():
        patch.setattr(GlueResponse, operation, _paged(operation, key, limit))
    # raising=False: most of the calls are new attributes of moto's classes.
    _moto_server.install(lambda cls, name, value: patch.setattr(cls, name, value, raising=False))
    patch.setenv(_moto_server.MANAGED_POLICIES, "true")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        patch.undo()


@pytest.fixture
def moto_endpoint(moto_server, monkeypatch) -> Endpoint:
    """A clean emulator (every earlier test's resources removed) and its endpoint."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    return Endpoint(region=REGION, url=moto_server, access_key=ACCESS_KEY, secret_key=SECRET_KEY)
