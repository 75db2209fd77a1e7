"""Preflight checks against real sockets, a stand-in Docker daemon and the real disk."""

import socket

import pytest

from components import preflight
from datagen.catalog import TABLES
from tests.stack.fake_docker import FakeDocker
from tests.support.net import free_port


@pytest.fixture
def docker():
    with FakeDocker() as daemon:
        yield daemon


@pytest.fixture
def busy_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_docker_reachable_passes(docker):
    """check_docker passes when the Docker daemon answers."""
    preflight.check_docker(docker.host)


def test_docker_unreachable_names_the_host_and_the_fixes(tmp_path):
    """A missing Docker socket fails naming the host, docker info and setting database false."""
    host = f"unix://{tmp_path}/no-docker.sock"
    with pytest.raises(preflight.PreflightError) as err:
        preflight.check_docker(host)
    message = str(err.value)
    assert host in message
    assert "docker info" in message
    assert "pulumi config set database false" in message


def test_docker_tcp_host_that_refuses_is_reported(busy_port):
    """A tcp:// Docker host where nothing listens is reported as not reachable."""
    with pytest.raises(preflight.PreflightError, match="not reachable"):
        preflight.check_docker(f"tcp://127.0.0.1:{free_port()}")  # nothing listens there


def test_free_port_passes(docker):
    """check_port passes for a port nothing listens on."""
    preflight.check_port(free_port(), "aws2openstack-test-postgres", docker.host)


def test_port_held_by_another_program_fails_with_the_fix(docker, busy_port):
    """A port held by another program fails naming the port, lsof, and a free port to configure."""
    with pytest.raises(preflight.PreflightError) as err:
        preflight.check_port(busy_port, "aws2openstack-test-postgres", docker.host)
    message = str(err.value)
    assert f"port {busy_port}" in message
    assert f"lsof -i :{busy_port}" in message
    suggested = int(message.split("pulumi config set postgresPort ")[1].split("`")[0])
    assert suggested != busy_port and preflight.port_is_free(suggested)


def test_port_held_by_this_stacks_container_passes(docker, busy_port):
    """A port held by this stack's own PostgreSQL container passes."""
    docker.add_container("aws2openstack-test-postgres", busy_port)
    preflight.check_port(busy_port, "aws2openstack-test-postgres", docker.host)


def test_port_held_by_another_stacks_container_fails(docker, busy_port):
    """A port held by another stack's container fails as not held by this stack's container."""
    docker.add_container("aws2openstack-dev-alice-postgres", busy_port)
    with pytest.raises(preflight.PreflightError, match="not by this stack's container"):
        preflight.check_port(busy_port, "aws2openstack-test-postgres", docker.host)


def test_disk_check_uses_the_real_free_space(tmp_path):
    """check_disk passes for 1,000 rows a table against the disk's real free space."""
    preflight.check_disk(tmp_path / "cache" / "datagen", TABLES, 1000)


def test_disk_check_fails_when_the_data_does_not_fit(tmp_path):
    """Data larger than the free space fails naming the MiB free and the rows setting."""
    with pytest.raises(preflight.PreflightError) as err:
        preflight.check_disk(
            tmp_path / "cache", TABLES, 5_000_000, free_bytes=lambda _: 100 * 2**20
        )
    message = str(err.value)
    assert "100 MiB free" in message and "pulumi config set rows" in message


@pytest.mark.parametrize(
    "text, reason",
    [
        ("ExpiredToken: The security token included in the request is expired", "have expired"),
        ("No valid credential sources found", "no AWS credentials"),
        (
            "operation error STS: GetCallerIdentity, https response error StatusCode: 403",
            "could not be identified",
        ),
    ],
)
def test_aws_errors_are_explained(text, reason):
    """Expired, missing or unidentified credentials are explained with sso login and sts hints."""
    error = preflight.explain_aws_error(RuntimeError(text), "team-dev")
    message = str(error)
    assert reason in message
    assert "aws sso login --profile team-dev" in message
    assert "aws sts get-caller-identity --profile team-dev" in message
