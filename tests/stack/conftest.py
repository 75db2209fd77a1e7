import pytest

from tests.stack.fake_docker import FakeDocker
from tests.support import net


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """One generator cache for the program runs of the session."""
    return tmp_path_factory.mktemp("datagen-cache")


@pytest.fixture
def docker_daemon():
    with FakeDocker() as daemon:
        yield daemon


@pytest.fixture
def free_port() -> int:
    return net.free_port()


@pytest.fixture
def program_env(monkeypatch, cache_dir, docker_daemon):
    """What the program reads from the environment: the Docker daemon and the cache."""
    monkeypatch.setenv("DOCKER_HOST", docker_daemon.host)
    monkeypatch.setenv("TESTENV_CACHE_DIR", str(cache_dir))
    return docker_daemon
