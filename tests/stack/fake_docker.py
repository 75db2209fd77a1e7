"""A stand-in Docker daemon on a unix socket, answering the two calls preflight makes.

The preflight code under test talks HTTP to whatever ``DOCKER_HOST`` names; this server
answers ``GET /_ping`` and ``GET /containers/json`` (filtered by exact name) the way the
Docker Engine API does, from a list of containers the test sets.
"""

from __future__ import annotations

import json
import re
import socketserver
import tempfile
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlparse


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    containers: list[dict]


class _Handler(BaseHTTPRequestHandler):
    def address_string(self) -> str:  # unix sockets have no client address
        return "unix"

    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/_ping":
            self._send(200, b"OK", "text/plain")
        elif url.path == "/containers/json":
            filters = json.loads(parse_qs(url.query).get("filters", ["{}"])[0])
            patterns = [re.compile(p) for p in filters.get("name", [])]
            found = [
                c
                for c in self.server.containers
                if not patterns or any(p.search(n) for p in patterns for n in c["Names"])
            ]
            self._send(200, json.dumps(found).encode())
        else:
            self._send(404, b'{"message": "page not found"}')


class FakeDocker:
    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.socket_path = Path(self._dir.name) / "docker.sock"
        self._server = _Server(str(self.socket_path), _Handler)
        self._server.containers = []
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"unix://{self.socket_path}"

    def add_container(self, name: str, public_port: int) -> None:
        self._server.containers.append(
            {
                "Names": [f"/{name}"],
                "State": "running",
                "Ports": [
                    {
                        "IP": "127.0.0.1",
                        "PrivatePort": 5432,
                        "PublicPort": public_port,
                        "Type": "tcp",
                    }
                ],
            }
        )

    def __enter__(self) -> FakeDocker:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._dir.cleanup()
