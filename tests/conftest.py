"""Suite-wide fixtures and options.

``tests.support.postgres`` starts the session's PostgreSQL server,
``tests.support.moto_server`` the session's AWS emulator; ``--stack`` points
the smoke suite at a deployed stack. ``pytester`` runs pytest inside a test (the
plugin's tests, tests/plugin).
"""

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
