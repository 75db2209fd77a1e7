"""Suite-wide fixtures and options.

``tests.support.postgres`` starts the session's PostgreSQL server,
``tests.support.moto_server`` the session's AWS emulator; ``--stack`` points
the smoke suite at a deployed stack. ``pytester`` runs pytest inside a test (the
plugin's tests, tests/plugin).
"""

import pytest

pytest_plugins = ["tests.support.postgres", "tests.support.moto_server", "pytester"]


def pytest_addoption(parser):
    group = parser.getgroup("testenv", "aws2openstack test environment")
    group.addoption(
        "--stack",
        default=None,
        help="smoke suite: check this deployed stack (reads `pulumi stack output --json "
        "--show-secrets --stack NAME`); without it the smoke suite checks the stack "
        "applied to the moto emulator and the test PostgreSQL",
    )
    group.addoption(
        "--outputs",
        default=None,
        help="smoke suite: read the stack outputs from this JSON file instead of the Pulumi CLI",
    )
    group.addoption(
        "--migrations-dir",
        default=None,
        help="smoke suite: the stack's migrationsDir (relative to the project), whose head "
        "SCHEMA_REVISION must be; default the bundled migrations/",
    )


# With pytest-xdist (scripts/test runs two workers, `--dist loadgroup`; TESTENV_TEST_WORKERS
# sets how many, 0 runs the tests in one process), each worker starts
# the fixtures its tests ask for. The tests that share a costly fixture stay on one
# worker: the engines (Spark, Trino, the deployed catalog), the target's services, the
# volume job's Spark; any other file's tests stay together for its module fixtures.
SHARED_GROUPS = {
    "tests/engines/": "engines",
    "tests/families/target/": "target",
    "tests/families/volume/": "volume-spark",
}


def xdist_group(path: str) -> str:
    """The group of the test file at ``path`` (relative to the repository)."""
    for prefix, group in SHARED_GROUPS.items():
        if path.startswith(prefix):
            return group
    return path


@pytest.hookimpl(tryfirst=True)  # before xdist's hook, which reads the marks
def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return  # -p no:xdist: no workers, and no xdist_group mark is known
    root = config.rootpath
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            path = item.path.relative_to(root).as_posix()
            item.add_marker(pytest.mark.xdist_group(xdist_group(path)))
