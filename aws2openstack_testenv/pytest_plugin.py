"""The pytest plugin: an aws2openstack-testenv stack as fixtures.

Registered through the ``pytest11`` entry point, so installing this project into an
environment (``pip install <path or git URL>``) is all it takes. Which stack:

- ``--testenv-stack NAME`` / ``TESTENV_PYTEST_STACK``: its outputs through Pulumi's
  Automation API (the Pulumi CLI and the stack's backend; an offline stack of a checkout
  is found through ``TESTENV_STATE_DIR`` or the checkout the package runs from);
- ``--testenv-outputs FILE`` / ``TESTENV_PYTEST_OUTPUTS``: the JSON of
  ``pulumi stack output --json --show-secrets``, for a CI job without Pulumi;
- neither: the outputs of a sourced env file of the stack (``TESTENV_BUCKET`` set).

``--testenv-ground-truth FILE`` / ``TESTENV_PYTEST_GROUND_TRUTH`` gives the ground truth
as a file instead of the one the outputs name.

Fixtures: ``testenv`` (the outputs, typed, checked once against AWS or the emulator),
``ground_truth``, ``glue_client``, ``s3_client``, ``database_url``, ``testenv_environ``
(the stack in the environment, for the tool's own clients) and ``compare_findings``.
boto3 and Pulumi are imported only when a fixture needs them: every pytest run of the
environment loads the plugin.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

import pytest

from aws2openstack_testenv.findings import Differences
from aws2openstack_testenv.findings import compare_findings as compare
from aws2openstack_testenv.stack import (
    NO_SOURCE,
    OUTPUTS_ENV,
    OUTPUTS_OPTION,
    STACK_ENV,
    STACK_OPTION,
    DatabaseUrl,
    Source,
    Testenv,
    TestenvError,
    check,
    load,
    resolve_source,
)
from aws2openstack_testenv.truth import TRUTH_ENV, TRUTH_OPTION, load_ground_truth

_REPORTED = pytest.StashKey[list[Differences]]()
_TRUTH = pytest.StashKey[dict[str, Any]]()
SECTION = "differences from the ground truth"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("testenv", "aws2openstack test environment")
    group.addoption(
        STACK_OPTION,
        metavar="NAME",
        default=None,
        help=f"the stack whose outputs the testenv fixtures use, read through Pulumi's "
        f"Automation API (env: {STACK_ENV})",
    )
    group.addoption(
        OUTPUTS_OPTION,
        metavar="FILE",
        default=None,
        help="the stack's outputs as the JSON of `pulumi stack output --json --show-secrets` "
        f"(env: {OUTPUTS_ENV})",
    )
    group.addoption(
        TRUTH_OPTION,
        metavar="FILE",
        default=None,
        help=f"the ground truth document as a file, instead of the one the outputs name "
        f"(env: {TRUTH_ENV})",
    )


def _source(config: pytest.Config) -> Source | None:
    return resolve_source(config.getoption(STACK_OPTION), config.getoption(OUTPUTS_OPTION))


def pytest_report_header(config: pytest.Config) -> str | None:
    source = _source(config)
    return f"testenv: the stack from {source}" if source else None


def _fail(err: TestenvError) -> NoReturn:
    pytest.fail(f"testenv: {err}", pytrace=False)


@pytest.fixture(scope="session")
def testenv(request: pytest.FixtureRequest) -> Testenv:
    """The stack's outputs, typed, with the tables of its ground truth; its bucket,
    databases and tables are checked to exist."""
    config = request.config
    source = _source(config)
    path, given_by = _truth_file(config)
    try:
        if source is None:
            raise NO_SOURCE
        env = load(source)
        truth = load_ground_truth(env, path, given_by=given_by)
        env = env.with_truth(truth)
        check(env, env.client("glue"), env.client("s3"))
    except TestenvError as err:
        error = err
    else:
        config.stash[_TRUTH] = truth
        return env
    _fail(error)  # outside the handler: pytest would show the error twice, chained


@pytest.fixture(scope="session")
def ground_truth(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The stack's ground truth document (one for the session: copy it before changing it)."""
    config = request.config
    path, given_by = _truth_file(config)
    if path and _source(config) is None:
        try:
            return load_ground_truth(None, path, given_by=given_by)
        except TestenvError as err:
            error = err
        _fail(error)
    request.getfixturevalue("testenv")  # reads the document too
    return config.stash[_TRUTH]


def _truth_file(config: pytest.Config) -> tuple[str | None, str]:
    if config.getoption(TRUTH_OPTION):
        return config.getoption(TRUTH_OPTION), TRUTH_OPTION
    return os.environ.get(TRUTH_ENV), TRUTH_ENV


@pytest.fixture(scope="session")
def glue_client(testenv: Testenv) -> Any:
    """A boto3 Glue client for the stack (an offline stack's: the emulator, fake keys)."""
    return testenv.client("glue")


@pytest.fixture(scope="session")
def s3_client(testenv: Testenv) -> Any:
    """A boto3 S3 client for the stack (an offline stack's: the emulator, fake keys)."""
    return testenv.client("s3")


@pytest.fixture
def testenv_environ(testenv: Testenv, monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    """The stack in the environment while the test runs, for a tool under test that makes
    its own clients: AWS_REGION and DATABASE_URL; offline, AWS_ENDPOINT_URL, fake keys and
    no AWS_PROFILE. Returns the variables (``None``: unset)."""
    values = testenv.environ()
    for key, value in values.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    return values


@pytest.fixture(scope="session")
def database_url(testenv: Testenv) -> DatabaseUrl:
    """The stack's ``DATABASE_URL``; its repr, and pytest's messages, hide the password."""
    if testenv.database_url is None:
        _fail(
            TestenvError(
                f"the stack from {testenv.source} has no DATABASE_URL output (its database is off)",
                f"pulumi config set --stack {testenv.stack} database true && scripts/up "
                f"{testenv.stack}",
            )
        )
    return testenv.database_url


class FindingsComparison:
    """``compare_findings(findings, rules_version=None)`` against the session's ground
    truth; what differs is kept for the test's report."""

    def __init__(self, truth: dict[str, Any], reported: list[Differences]):
        self._truth = truth
        self._reported = reported

    def __call__(self, findings: Any, *, rules_version: int | None = None) -> Differences:
        differences = compare(findings, self._truth, rules_version=rules_version)
        if differences:
            self._reported.append(differences)
        return differences

    def __repr__(self) -> str:
        return f"<compare_findings against the ground truth of stack {self._truth.get('stack')}>"


@pytest.fixture
def compare_findings(
    request: pytest.FixtureRequest, ground_truth: dict[str, Any]
) -> FindingsComparison:
    """``compare_findings(findings)``: the differences between a report of the tool (or
    its tables) and the ground truth; a failing test shows them as a table."""
    return FindingsComparison(ground_truth, request.node.stash.setdefault(_REPORTED, []))


# An old-style wrapper: the tool's environment may have a pytest (7.x) whose pluggy
# knows no wrapper=True, and a plugin that fails to register breaks every pytest run there.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    found = item.stash.get(_REPORTED, [])
    if report.when == "call" and report.failed and found:
        # Not again when the assertion's explanation shows the table already.
        shown = str(report.longrepr)
        tables = [d.render() for d in found if d.rows()[0] not in shown]
        if tables:
            report.sections.append((SECTION, "\n\n".join(tables)))


@pytest.hookimpl(tryfirst=True)
def pytest_assertrepr_compare(config: pytest.Config, op: str, left: Any, right: Any):
    """A comparison with ``compare_findings``' result shows the table; one with a
    ``DatabaseUrl`` never shows the password (pytest's own diff would)."""
    urls = [side for side in (left, right) if isinstance(side, DatabaseUrl)]
    if urls:
        secrets = {urlsplit(str.__str__(url)).password for url in urls} - {None, ""}
        return [
            f"{_masked(left, secrets)} {op} {_masked(right, secrets)}",
            "(a DATABASE_URL: its password is hidden; compare parts of the URL instead)",
        ]
    for side in (left, right):
        if isinstance(side, Differences) and side:
            return [f"{left!r} {op} {right!r}", *side.render().splitlines()]
    return None


def _masked(value: Any, secrets: set[str]) -> str:
    """``repr(value)`` without any of the ``secrets`` (URL passwords) in it."""
    text = repr(value)
    for secret in secrets:
        for form in {secret, unquote(secret)}:  # as in the URL, and decoded
            text = text.replace(form, "***")
    return text
