"""A moto server on a free local port: S3, Glue and STS over real HTTP.

HTTP (not moto's in-process patching) because pyarrow's S3 filesystem and pyiceberg
read S3 through their own clients, which only a real endpoint can serve.
"""

from __future__ import annotations

import urllib.request
from typing import Iterator

import pytest
from moto.server import ThreadedMotoServer

from tests.support.glue_reader import Endpoint

REGION = "eu-central-1"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


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
