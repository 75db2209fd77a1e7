"""scripts/accept PATH [STACK], run as a user runs it, on checkouts of a stand-in tool.

The stand-in, written here, has aws2openstack's command line (``aws2openstack assess
glue-catalog --region R --output-dir D --save-to-db``): it reads Glue through boto3 (the
emulator, through the ``AWS_ENDPOINT_URL`` scripts/accept sets), classifies each table
by aws2openstack's published rule, writes ``glue-catalog-assessment.json`` and saves the
rows with psycopg to ``DATABASE_URL``. Three checkouts: one that agrees with the ground
truth, one that differs (in the report and, differently, in the rows), and one that fails
the way the published tool does. The stack is the offline stack of conftest.py, its
outputs given by the stand-in ``pulumi``; scripts/accept installs each checkout into a
virtual environment of its own with uv.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.plugin.conftest import small_outputs, write_outputs
from tests.stack.program import ROOT

STANDIN = '''\
"""A stand-in for aws2openstack's command line (behaviour: {mode})."""

import argparse
import json
import os
import sys
from pathlib import Path

import boto3
import psycopg

MODE = "{mode}"


def classify(table):
    sd = table.get("StorageDescriptor") or {{}}
    location = sd.get("Location", "")
    if (table.get("Parameters") or {{}}).get("table_type", "").upper() == "ICEBERG":
        return "ICEBERG", "READY" if location.startswith("s3://") else "UNKNOWN"
    input_format = sd.get("InputFormat", "").lower()
    if "parquet" in input_format:
        return "PARQUET", "NEEDS_CONVERSION"
    if "orc" in input_format:
        return "ORC", "NEEDS_CONVERSION"
    if MODE == "differs" and "text" in input_format:
        return "CSV", "NEEDS_CONVERSION"
    return "UNKNOWN", "UNKNOWN"


def finding(database, table):
    sd = table.get("StorageDescriptor") or {{}}
    table_format, readiness = classify(table)
    return {{
        "database_name": database,
        "table_name": table["Name"],
        "table_format": table_format,
        "storage_location": sd.get("Location", ""),
        "partition_keys": [key["Name"] for key in table.get("PartitionKeys", [])],
        "column_count": len(sd.get("Columns", [])),
        "is_iceberg": table_format == "ICEBERG",
        "migration_readiness": readiness,
    }}


def save(region, account, databases, tables):
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        assessment = connection.execute(
            "INSERT INTO assessments (timestamp, region, aws_account_id, tool_version, services)"
            " VALUES (now(), %s, %s, '0.0.1', %s) RETURNING id",
            (region, account, ["glue"]),
        ).fetchone()[0]
        for database in databases:
            database_id = connection.execute(
                "INSERT INTO glue_databases (assessment_id, database_name, table_count)"
                " VALUES (%s, %s, %s) RETURNING id",
                (assessment, database["database_name"], database["table_count"]),
            ).fetchone()[0]
            for t in tables:
                if t["database_name"] != database["database_name"]:
                    continue
                columns = t["column_count"]
                if MODE == "differs":  # counts the partition keys too, in the rows only
                    columns += len(t["partition_keys"])
                connection.execute(
                    "INSERT INTO glue_tables (database_id, assessment_id, table_name,"
                    " table_format, storage_location, partition_keys, column_count, is_iceberg,"
                    " migration_readiness) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (database_id, assessment, t["table_name"], t["table_format"],
                     t["storage_location"], t["partition_keys"], columns, t["is_iceberg"],
                     t["migration_readiness"]),
                )


def main():
    parser = argparse.ArgumentParser(prog="aws2openstack")
    assess = parser.add_subparsers(required=True).add_parser("assess")
    command = assess.add_subparsers(required=True).add_parser("glue-catalog")
    command.add_argument("--region", required=True)
    command.add_argument("--profile")
    command.add_argument("--output-dir", required=True, type=Path)
    command.add_argument("--save-to-db", action="store_true")
    args = parser.parse_args()
    print(f"Starting Glue Catalog assessment for region: {{args.region}}")
    glue = boto3.client("glue", region_name=args.region)
    account = boto3.client("sts", region_name=args.region).get_caller_identity()["Account"]
    databases, tables = [], []
    for page in glue.get_paginator("get_databases").paginate():
        for database in page["DatabaseList"]:
            name = database["Name"]
            found = [
                finding(name, table)
                for tables_page in glue.get_paginator("get_tables").paginate(DatabaseName=name)
                for table in tables_page["TableList"]
            ]
            databases.append({{"database_name": name, "table_count": len(found)}})
            tables += found
    if args.save_to_db:
        print("Saving assessment to database...")
        if MODE == "crashes":
            sys.exit("Error: Failed to save to database: 'AssessmentReport' object has no "
                     "attribute 'timestamp'")
        save(args.region, account, databases, tables)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    report = {{
        "assessment_metadata": {{"region": args.region, "aws_account_id": account}},
        "databases": databases,
        "tables": tables,
    }}
    (args.output_dir / "glue-catalog-assessment.json").write_text(json.dumps(report))
    print("Assessment complete!")
'''

PYPROJECT = """\
[project]
name = "aws2openstack"
version = "0.0.1"
requires-python = ">=3.11"
dependencies = ["boto3", "psycopg[binary]"]

[project.scripts]
aws2openstack = "aws2openstack_standin:main"

[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[tool.setuptools]
py-modules = ["aws2openstack_standin"]
"""


def standin(directory: Path, mode: str) -> Path:
    """A checkout of the stand-in tool that ``agrees``, ``differs`` or ``crashes``."""
    checkout = directory / f"aws2openstack-{mode}"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text(PYPROJECT)
    (checkout / "aws2openstack_standin.py").write_text(STANDIN.format(mode=mode))
    return checkout


def accept(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "TESTENV_STACK")}
    env["TESTENV_STATE_DIR"] = str(tmp_path / "state")
    return subprocess.run(
        [str(ROOT / "scripts" / "accept"), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def table_rows(text: str) -> list[list[str]]:
    """The rows of a printed table of differences, split into their cells."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("-----")) + 1
    return [line.split() for line in lines[start:] if line.strip()]


def assessments(url: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM assessments").fetchone()[0]


def secret_of(outputs: dict) -> str:
    password = urlsplit(outputs["DATABASE_URL"]).password
    assert password
    return password


def test_a_tool_that_agrees_passes(fake_pulumi, offline_outputs, tmp_path):
    """The agreeing stand-in: exit 0, a summary with every table as the ground truth
    states, one assessment saved; the password is never printed."""
    before = assessments(offline_outputs["DATABASE_URL"])
    done = accept(tmp_path, str(standin(tmp_path, "agrees")), "dev-alice")
    assert done.returncode == 0, done.stdout + done.stderr
    tables = sum(len(d["tables"]) for d in offline_outputs["TESTENV_GROUND_TRUTH"]["databases"])
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"ground truth  2 databases, {tables} tables (stack plugin")
    report = tmp_path / "state" / "accept" / "dev-alice" / "report" / "glue-catalog-assessment.json"
    assert lines[1] == (
        f"report        {report}; {tables} of {tables} tables as the ground truth states, "
        "0 differences"
    )
    # The tool saves every database of the account: other tests' stacks share the emulator,
    # so the saved counts are at least the stack's; the comparison is of the stack's tables.
    saved = re.fullmatch(
        r"database      assessment [0-9a-f-]+: (\d+) databases, (\d+) tables saved; "
        rf"{tables} of {tables} tables as the ground truth states, 0 differences",
        lines[2],
    )
    assert saved, lines[2]
    assert int(saved[1]) >= 2 and int(saved[2]) >= tables, lines[2]
    assert "agree with the ground truth" in done.stderr
    assert assessments(offline_outputs["DATABASE_URL"]) == before + 1
    assert secret_of(offline_outputs) not in done.stdout + done.stderr
    assert not (tmp_path / "state" / "accept" / "dev-alice" / "outputs.json").exists()


def test_small_outputs_are_read_as_well(fake_pulumi, offline_outputs, tmp_path, monkeypatch):
    """Outputs without the ground truth document (it is read from the bucket) and with
    TESTENV_TABLES as counts: the agreeing stand-in still passes."""
    small = write_outputs(tmp_path, small_outputs(offline_outputs, None), "small.json")
    monkeypatch.setenv("FAKE_OUTPUTS", str(small))
    done = accept(tmp_path, str(standin(tmp_path, "agrees")), "dev-alice")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 of 5 tables as the ground truth states, 0 differences" in done.stdout


def test_a_tool_that_differs_fails_with_every_difference(fake_pulumi, offline_outputs, tmp_path):
    """The differing stand-in: exit 1, the report's and the rows' differences each in a
    table (the CSV table's format and readiness; the rows' column counts)."""
    done = accept(tmp_path, str(standin(tmp_path, "differs")), "dev-alice")
    assert done.returncode == 1, done.stdout + done.stderr
    report = table_rows(done.stdout.split("\nreport: ")[1].split("\ndatabase: ")[0])
    rows = table_rows(done.stdout.split("\ndatabase: ")[1])
    csv = [
        ["plugin_logs.access_logs", "table_format", '"UNKNOWN"', '"CSV"'],
        ["plugin_logs.access_logs", "migration_readiness", '"UNKNOWN"', '"NEEDS_CONVERSION"'],
    ]
    assert report == csv
    partitioned = [
        [f"{d['name']}.{t['name']}", "column_count"]
        + [str(t["expected"]["column_count"]), str(t["expected"]["column_count"] + len(keys))]
        for d in offline_outputs["TESTENV_GROUND_TRUTH"]["databases"]
        for t in d["tables"]
        if (keys := t["partition_keys"])
    ]
    assert len(partitioned) == 3
    assert sorted(rows) == sorted(csv + partitioned)
    assert f"{4 + len(partitioned)} differences from the ground truth" in done.stderr


def test_a_tool_that_fails_is_reported_with_its_status_and_error(
    fake_pulumi, offline_outputs, tmp_path
):
    """The failing stand-in: exit 1, its exit status and the last line of its error."""
    done = accept(tmp_path, str(standin(tmp_path, "crashes")), "dev-alice")
    assert done.returncode == 1, done.stdout + done.stderr
    log = tmp_path / "state" / "accept" / "dev-alice" / "tool.log"
    assert done.stderr.splitlines()[-1] == (
        "scripts/accept: aws2openstack assess glue-catalog exited with status 1: Error: Failed "
        "to save to database: 'AssessmentReport' object has no attribute 'timestamp'; fix: "
        f"the tool's own error; its whole output is in {log}"
    )
    assert "Saving assessment to database..." in log.read_text()


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ([], "no checkout given; fix: scripts/accept ../aws2openstack [STACK]"),
        (["no-such-dir"], "'{tmp}/no-such-dir' is not a directory"),
        (["."], "'{tmp}/.' is not a Python project (no pyproject.toml or setup.py)"),
    ],
)
def test_a_bad_checkout_is_refused_before_anything_runs(tmp_path, args, reason):
    """No checkout, or one that is not a Python project: exit 2, the reason and the fix."""
    done = accept(tmp_path, *args)
    assert done.returncode == 2
    assert done.stderr.startswith(f"scripts/accept: {reason.format(tmp=tmp_path)}")


def test_a_stack_that_does_not_exist_names_the_fix(fake_pulumi, tmp_path):
    """A stack the backend does not know: exit 1 and `scripts/up STACK` as the fix."""
    done = accept(tmp_path, str(standin(tmp_path, "agrees")), "dev-bob")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "scripts/accept: stack dev-bob does not exist in your Pulumi backend; fix: scripts/up "
        "dev-bob"
    )


def test_a_tool_without_the_command_is_refused(fake_pulumi, tmp_path):
    """A checkout that installs no `aws2openstack` command: the error names the entry point."""
    checkout = standin(tmp_path, "agrees")
    pyproject = checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("aws2openstack = ", "other = "))
    done = accept(tmp_path, str(checkout), "dev-alice")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        f"scripts/accept: {checkout} installs no `aws2openstack` command; fix: its "
        'pyproject.toml needs [project.scripts] aws2openstack = "aws2openstack.cli:cli"'
    )
