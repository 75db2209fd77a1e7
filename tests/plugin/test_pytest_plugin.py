"""The pytest plugin, run as a user of another repository runs it: pytest in a folder of
its own (pytester), the plugin loaded through its ``pytest11`` entry point, the stack
given as the offline stack's outputs (moto and the test PostgreSQL behind them).

``--testenv-stack`` runs Pulumi's Automation API against the stand-in ``pulumi`` of
``conftest.fake_pulumi`` (the real CLI cannot run on this machine).
"""

from __future__ import annotations

import json
import textwrap
from fnmatch import fnmatch

import pytest

from tests.plugin.conftest import calls, small_outputs, write_outputs

FIXTURES_TEST = """
import psycopg


def test_the_fixtures(testenv, ground_truth, glue_client, s3_client, database_url):
    assert testenv.offline and testenv.stack == "plugin"
    assert testenv.region == "eu-central-1"
    assert set(testenv.databases) == {d["name"] for d in ground_truth["databases"]}
    assert len(testenv.tables) == sum(len(d["tables"]) for d in ground_truth["databases"])
    for table in testenv.tables:
        assert glue_client.get_table(DatabaseName=table.database, Name=table.name)
    s3_client.head_bucket(Bucket=testenv.bucket)
    assert ":***@" in repr(database_url) and ":***@" in repr(testenv)
    with psycopg.connect(database_url) as connection:
        assert connection.execute("select count(*) from glue_tables").fetchone()
"""


ENVIRON_TEST = """
import os

import boto3
import psycopg


def test_the_tools_own_clients_reach_the_stack(testenv, testenv_environ):
    assert os.environ["AWS_ENDPOINT_URL"] == testenv.endpoint
    assert "AWS_PROFILE" not in os.environ
    table = testenv.tables[0]
    assert boto3.client("glue").get_table(DatabaseName=table.database, Name=table.name)
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        assert connection.execute("select 1").fetchone() == (1,)
"""


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=textwrap.dedent(source))
    # pytest prints whole explanations when CI is set (as CI runs set it): the user's run
    # is the developer's default, truncated one, whatever the suite runs under.
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CI", raising=False)
        patch.delenv("BUILD_NUMBER", raising=False)
        return pytester.runpytest("-p", "no:cacheprovider", *args)


def output_of(result: pytest.RunResult) -> str:
    return "\n".join(result.outlines + result.errlines)


def test_an_outputs_file_gives_every_fixture(pytester, offline_outputs):
    """--testenv-outputs FILE: testenv, ground_truth, both clients and database_url work."""
    path = write_outputs(pytester.path, offline_outputs)
    result = run(pytester, FIXTURES_TEST, "--testenv-outputs", str(path))
    result.assert_outcomes(passed=1)
    assert f"testenv: the stack from --testenv-outputs {path}" in result.outlines


def test_the_outputs_file_can_come_from_its_variable(pytester, offline_outputs, monkeypatch):
    """TESTENV_PYTEST_OUTPUTS=FILE does what --testenv-outputs FILE does."""
    monkeypatch.setenv("TESTENV_PYTEST_OUTPUTS", str(write_outputs(pytester.path, offline_outputs)))
    run(pytester, FIXTURES_TEST).assert_outcomes(passed=1)


def test_a_sourced_env_file_gives_the_stack(pytester, offline_outputs, monkeypatch):
    """Without an option, the outputs an env file exports (JSON as text) give the stack."""
    for key, value in offline_outputs.items():
        monkeypatch.setenv(key, value if isinstance(value, str) else json.dumps(value))
    run(pytester, FIXTURES_TEST).assert_outcomes(passed=1)


def test_testenv_environ_points_the_tools_own_clients_at_the_stack(
    pytester, offline_outputs, monkeypatch
):
    """testenv_environ: boto3's default chain and DATABASE_URL reach the offline stack, a
    profile of the user's is unset."""
    for name in ("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_PROFILE", "someone-real")
    path = write_outputs(pytester.path, offline_outputs)
    run(pytester, ENVIRON_TEST, "--testenv-outputs", str(path)).assert_outcomes(passed=1)


@pytest.mark.parametrize("copy", [False, True], ids=["from the bucket", "from the local copy"])
def test_small_outputs_take_the_tables_from_the_ground_truth(
    pytester, offline_outputs, tmp_path, copy
):
    """Outputs without the document (TESTENV_TABLES as counts) give every fixture, the tables
    from the ground truth in the bucket or in TESTENV_GROUND_TRUTH_FILE."""
    outputs = small_outputs(offline_outputs, tmp_path / "truth.json" if copy else None)
    path = write_outputs(pytester.path, outputs)
    run(pytester, FIXTURES_TEST, "--testenv-outputs", str(path)).assert_outcomes(passed=1)


TRUTH_TEST = """
import json
from pathlib import Path


def test_the_ground_truth(ground_truth):
    assert ground_truth == json.loads(Path("{expected}").read_text())
"""


@pytest.mark.parametrize("where", ["bucket", "uri path", "file uri", "option"])
def test_the_ground_truth_is_found_without_the_big_output(
    pytester, offline_outputs, tmp_path, where
):
    """Without TESTENV_GROUND_TRUTH the document comes from the bucket (TESTENV_GROUND_TRUTH_URI),
    a path or file:// URI there, or --testenv-ground-truth FILE."""
    truth = offline_outputs["TESTENV_GROUND_TRUTH"]
    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps(truth))
    outputs = {k: v for k, v in offline_outputs.items() if k != "TESTENV_GROUND_TRUTH"}
    args = []
    if where == "uri path":
        outputs["TESTENV_GROUND_TRUTH_URI"] = str(expected)
    elif where == "file uri":
        outputs["TESTENV_GROUND_TRUTH_URI"] = expected.as_uri()
    elif where == "option":
        outputs["TESTENV_GROUND_TRUTH_URI"] = "s3://no-such-bucket/ground-truth.json"
        args = ["--testenv-ground-truth", str(expected)]
    path = write_outputs(pytester.path, outputs)
    result = run(
        pytester, TRUTH_TEST.format(expected=expected), "--testenv-outputs", str(path), *args
    )
    result.assert_outcomes(passed=1)


def test_a_ground_truth_file_alone_needs_no_stack(pytester, offline_outputs, tmp_path):
    """--testenv-ground-truth FILE without a stack gives ground_truth (and compare_findings)."""
    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps(offline_outputs["TESTENV_GROUND_TRUTH"]))
    result = run(
        pytester, TRUTH_TEST.format(expected=expected), "--testenv-ground-truth", str(expected)
    )
    result.assert_outcomes(passed=1)


def test_a_ground_truth_of_another_stack_is_refused(pytester, offline_outputs, tmp_path):
    """A ground truth whose bucket is not the stack's is an error naming both buckets."""
    other = dict(offline_outputs["TESTENV_GROUND_TRUTH"], bucket="aws2openstack-other")
    expected = tmp_path / "other.json"
    expected.write_text(json.dumps(other))
    path = write_outputs(pytester.path, offline_outputs)
    result = run(
        pytester,
        TRUTH_TEST.format(expected=expected),
        "--testenv-outputs",
        str(path),
        "--testenv-ground-truth",
        str(expected),
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*the ground truth describes bucket aws2openstack-other, the stack from "
            f"--testenv-outputs {path} has bucket {offline_outputs['TESTENV_BUCKET']}*"
        ]
    )


ONE_TEST = """
def test_uses_the_stack(testenv):
    pass
"""


def test_a_missing_outputs_file_names_the_option_and_the_fix(pytester, tmp_path):
    """A missing outputs file: the test errors with the option, the path and how to write it."""
    missing = tmp_path / "nowhere.json"
    result = run(pytester, ONE_TEST, "--testenv-outputs", str(missing))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"*testenv: --testenv-outputs {missing}: there is no file {missing}; fix: write it "
            f"with `pulumi stack output --json --show-secrets --stack STACK > {missing}`*"
        ]
    )


def _stale(outputs: dict, what: str) -> dict:
    stale = json.loads(json.dumps(outputs))
    if what == "bucket":  # the stack was removed: its outputs and their truth name it
        stale["TESTENV_BUCKET"] = stale["TESTENV_GROUND_TRUTH"]["bucket"] = (
            stale["TESTENV_BUCKET"] + "-gone"
        )
    elif what == "database":
        stale["TESTENV_GLUE_DATABASES"] += ",plugin_gone"
        stale["TESTENV_TABLES"]["plugin_gone"] = {}
    else:
        tables = stale["TESTENV_GROUND_TRUTH"]["databases"][0]["tables"]
        tables.append({**tables[0], "name": "table_gone"})
    return stale


@pytest.mark.parametrize(
    ("what", "reason"),
    [
        ("bucket", "bucket {bucket}-gone is not in the emulator at {endpoint}"),
        ("database", "Glue database plugin_gone is not in the emulator at {endpoint}"),
        (
            "table",
            "1 of its tables is not in the emulator at {endpoint} (plugin_analytics.table_gone)",
        ),
    ],
)
def test_stale_outputs_name_the_option_and_the_fix(pytester, offline_outputs, what, reason):
    """Outputs naming a bucket, database or table the emulator does not hold are stale: the
    error names the option, what is missing, and how to write the file again."""
    path = write_outputs(pytester.path, _stale(offline_outputs, what))
    result = run(pytester, ONE_TEST, "--testenv-outputs", str(path))
    result.assert_outcomes(errors=1)
    reason = reason.format(
        bucket=offline_outputs["TESTENV_BUCKET"], endpoint=offline_outputs["AWS_ENDPOINT_URL"]
    )
    result.stdout.fnmatch_lines(
        [
            f"*testenv: the outputs from --testenv-outputs {path} are stale: {reason}*"
            f"fix: scripts/up plugin, then write the file again: pulumi stack output --json "
            f"--show-secrets --stack plugin > {path}*"
        ]
    )


def test_without_a_stack_the_fixtures_name_both_options(pytester, monkeypatch):
    """No option, variable or env file: the error names both options and their variables."""
    monkeypatch.delenv("TESTENV_BUCKET", raising=False)
    result = run(pytester, ONE_TEST)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*testenv: no stack given to the testenv fixtures; fix: pass --testenv-stack STACK "
            "(or set TESTENV_PYTEST_STACK), or --testenv-outputs FILE (or set "
            "TESTENV_PYTEST_OUTPUTS)*"
        ]
    )


def test_outputs_without_secrets_are_refused(pytester, offline_outputs):
    """Outputs written without --show-secrets (DATABASE_URL is [secret]) say so."""
    path = write_outputs(pytester.path, {**offline_outputs, "DATABASE_URL": "[secret]"})
    result = run(pytester, ONE_TEST, "--testenv-outputs", str(path))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the outputs were written without --show-secrets*"])


FINDINGS_TEST = """
import copy


def findings(ground_truth):
    return {
        "tables": [
            {
                "database_name": database["name"],
                "table_name": table["name"],
                "table_format": table["expected"]["format"],
                "migration_readiness": table["expected"]["readiness"],
                "is_iceberg": table["expected"]["is_iceberg"],
                "column_count": table["expected"]["column_count"],
                "partition_keys": table["expected"]["partition_keys"],
                "storage_location": table["expected"]["location"],
            }
            for database in ground_truth["databases"]
            for table in database["tables"]
        ]
    }


def wrong(ground_truth):
    report = findings(ground_truth)
    report["tables"][0]["migration_readiness"] = "READY"
    del report["tables"][1]
    return report


def test_agrees(compare_findings, ground_truth):
    assert not compare_findings(findings(ground_truth))


def test_differs_not(compare_findings, ground_truth):
    assert not compare_findings(wrong(ground_truth))


def test_differs_equal(compare_findings, ground_truth):
    assert compare_findings(wrong(ground_truth)) == []
"""


def test_compare_findings_shows_each_difference_as_a_table(pytester, offline_outputs):
    """compare_findings passes agreeing findings; under `assert not` and `== []` a failure
    shows the table of differences (table, field, expected, found) once."""
    path = write_outputs(pytester.path, offline_outputs)
    result = run(pytester, FINDINGS_TEST, "--testenv-outputs", str(path))
    result.assert_outcomes(passed=1, failed=2)
    first = offline_outputs["TESTENV_GROUND_TRUTH"]["databases"][0]["tables"]
    rows = [
        [
            f"plugin_analytics.{first[0]['name']}",
            "migration_readiness",
            f'"{first[0]["expected"]["readiness"]}"',
            '"READY"',
        ],
        [f"plugin_analytics.{first[1]['name']}", "table", "reported", "not reported"],
    ]
    text = output_of(result)
    for test in ("test_differs_not", "test_differs_equal"):
        part = text[text.index(f"_ {test} _") :].split("\n_")[0]
        assert "2 differences from the ground truth:" in part, part
        for cells in rows:
            shown = [line for line in part.splitlines() if fnmatch(line, "*" + "*".join(cells))]
            assert len(shown) == 1, (cells, part)
    assert "- differences from the ground truth -" in text  # the section under `assert not`


SECRET_TEST = """
def test_compares(database_url):
    assert database_url == "postgresql://someone:else@127.0.0.1:1/db"


def test_contains(database_url):
    assert "nothing" in database_url


def test_locals(testenv, database_url):
    url = database_url
    assert url.endswith("nothing")
"""


@pytest.mark.parametrize("password", [None, "s3cr%40t:x"])
def test_the_database_password_stays_out_of_failures(pytester, offline_outputs, password):
    """Failing comparisons with database_url (--showlocals, -vv) never print its password, as
    in the URL or decoded."""
    from urllib.parse import unquote, urlsplit

    outputs = dict(offline_outputs)
    if password:  # percent-encoded in the URL, as a password with '@' must be
        url = urlsplit(outputs["DATABASE_URL"])
        netloc = f"{url.username}:{password}@{url.hostname}:{url.port}"
        outputs["DATABASE_URL"] = url._replace(netloc=netloc).geturl()
    secret = urlsplit(outputs["DATABASE_URL"]).password
    assert secret
    path = write_outputs(pytester.path, outputs)
    result = run(pytester, SECRET_TEST, "--testenv-outputs", str(path), "--showlocals", "-vv")
    result.assert_outcomes(failed=3)
    text = output_of(result)
    assert secret not in text and unquote(secret) not in text
    assert ":***@127.0.0.1" in text


# --- --testenv-stack: the Automation API and a stand-in Pulumi CLI ------------------------


def test_a_stack_name_reads_its_outputs_through_the_automation_api(pytester, fake_pulumi):
    """--testenv-stack NAME selects the stack and reads its outputs, secrets included."""
    run(pytester, FIXTURES_TEST, "--testenv-stack", "dev-alice").assert_outcomes(passed=1)
    made = [" ".join(call["args"]) for call in calls(fake_pulumi)]
    assert "stack select --stack dev-alice" in made
    assert "stack output --json --show-secrets --stack dev-alice" in made
    assert not any(c["env"]["PULUMI_BACKEND_URL"] for c in calls(fake_pulumi))


def test_the_stack_name_can_come_from_its_variable(pytester, fake_pulumi, monkeypatch):
    """TESTENV_PYTEST_STACK=NAME does what --testenv-stack NAME does."""
    monkeypatch.setenv("TESTENV_PYTEST_STACK", "dev-alice")
    run(pytester, FIXTURES_TEST).assert_outcomes(passed=1)


def test_an_offline_stack_is_read_from_its_own_backend(
    pytester, fake_pulumi, monkeypatch, tmp_path
):
    """An offline stack (its passphrase under TESTENV_STATE_DIR) is read with the offline
    backend and its passphrase file, not with PULUMI_CONFIG_PASSPHRASE."""
    state = tmp_path / "state"
    (state / "stacks").mkdir(parents=True)
    (state / "stacks" / "dev-alice.passphrase").write_text("the-passphrase\n")
    monkeypatch.setenv("TESTENV_STATE_DIR", str(state))
    run(pytester, ONE_TEST, "--testenv-stack", "dev-alice").assert_outcomes(passed=1)
    for call in calls(fake_pulumi):
        if call["args"] != ["version"]:
            assert call["env"] == {
                "PULUMI_BACKEND_URL": f"file://{state / 'pulumi'}",
                "PULUMI_CONFIG_PASSPHRASE_FILE": str(state / "stacks" / "dev-alice.passphrase"),
                "PULUMI_CONFIG_PASSPHRASE": None,
            }, call


def test_an_unknown_stack_names_the_option_and_the_fix(pytester, fake_pulumi):
    """A stack the backend does not know: the error names --testenv-stack and scripts/up."""
    result = run(pytester, ONE_TEST, "--testenv-stack", "dev-bob")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*testenv: --testenv-stack dev-bob: there is no stack 'dev-bob' in your Pulumi "
            "backend; fix: scripts/up dev-bob creates it*"
        ]
    )


def test_a_stack_name_without_the_pulumi_cli_says_how_to_get_it(pytester, tmp_path, monkeypatch):
    """--testenv-stack without a Pulumi CLI: the error says how to install it or what to pass."""
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run(pytester, ONE_TEST, "--testenv-stack", "dev-alice")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*testenv: --testenv-stack dev-alice needs the Pulumi CLI, and there is no `pulumi` "
            "on PATH; fix: curl -fsSL https://get.pulumi.com | sh*--testenv-outputs FILE*"
        ]
    )
