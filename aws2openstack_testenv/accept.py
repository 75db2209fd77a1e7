"""scripts/accept: a checkout of aws2openstack, run against a stack, checked against the
stack's ground truth. Called by scripts/accept (which reads the stack's outputs), never
by hand.

The tool's contract, as aws2openstack publishes it (``src/aws2openstack/cli.py`` from the
commit that adds PostgreSQL persistence):

    aws2openstack assess glue-catalog --region REGION --output-dir DIR --save-to-db

with ``DATABASE_URL`` (and the AWS credential chain, ``AWS_ENDPOINT_URL`` for an
emulator) in its environment. It writes ``DIR/glue-catalog-assessment.json`` (its
``AssessmentReport``: ``assessment_metadata``, ``summary``, ``databases``, ``tables``)
and saves one ``assessments`` row with a ``glue_databases`` row per database and a
``glue_tables`` row per table. Both are compared with the ground truth: the tables by
``compare_findings``, the databases' table counts, the assessment's region.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

from aws2openstack_testenv.findings import (
    Difference,
    Differences,
    Note,
    compare_databases,
    compare_findings,
    findings_tables,
)
from aws2openstack_testenv.stack import (
    Source,
    Testenv,
    TestenvError,
    check,
    outputs_of_file,
)
from aws2openstack_testenv.truth import load_ground_truth

PROG = os.environ.get("TESTENV_SCRIPT", "scripts/accept")
COMMAND = "aws2openstack"
REPORT = "glue-catalog-assessment.json"
TIMEOUT = float(os.environ.get("TESTENV_ACCEPT_TIMEOUT") or 1800)


def say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def _last_line(*texts: str) -> str:
    for text in texts:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines:
            return lines[-1]
    return "no output"


# --- installing and running the tool ----------------------------------------------------


def project_name(checkout: Path) -> str | None:
    try:
        return tomllib.loads((checkout / "pyproject.toml").read_text())["project"]["name"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def install(checkout: Path, venv: Path) -> Path:
    """A new virtual environment at ``venv`` holding ``checkout``; the tool's command."""
    uv = shutil.which("uv")
    if uv is None:
        raise TestenvError("uv is not installed", "python3 -m pip install --user uv")
    shutil.rmtree(venv, ignore_errors=True)
    # Run in the checkout, so that uv picks an interpreter its requires-python allows.
    steps = [[uv, "venv", "--quiet", str(venv)]]
    name = project_name(checkout)
    # uv reuses a local project's wheel until its pyproject.toml changes: rebuild it.
    rebuild = ["--reinstall-package", name] if name else ["--reinstall"]
    python = str(venv / "bin" / "python")
    steps.append([uv, "pip", "install", "--quiet", "--python", python, *rebuild, str(checkout)])
    say(f"installing {checkout} into a new virtual environment {venv} (uv venv, uv pip install)")
    for step in steps:
        done = subprocess.run(step, cwd=checkout, capture_output=True, text=True)
        if done.returncode != 0:
            raise TestenvError(
                f"installing {checkout} failed: `{' '.join(step[1:3])}` exited with status "
                f"{done.returncode}: {_last_line(done.stderr, done.stdout)}",
                f"`uv pip install {checkout}` must work in a new virtual environment",
            )
    tool = venv / "bin" / COMMAND
    if not tool.exists():
        raise TestenvError(
            f"{checkout} installs no `{COMMAND}` command",
            f'its pyproject.toml needs [project.scripts] {COMMAND} = "aws2openstack.cli:cli"',
        )
    return tool


def tool_env(env: Testenv, venv: Path) -> dict[str, str]:
    """The tool's environment: yours, with the stack's region and database, and for an
    offline stack the emulator with fake credentials (no profile of yours reaches it)."""
    drop = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "DATABASE_URL"}
    values = {k: v for k, v in os.environ.items() if k not in drop}
    for key, value in env.environ().items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = str.__str__(value)
    values["PATH"] = f"{venv / 'bin'}{os.pathsep}{values.get('PATH', '')}"
    return values


def run_tool(tool: Path, env: Testenv, venv: Path, report_dir: Path, log: Path) -> None:
    args = ["assess", "glue-catalog", "--region", env.region, "--output-dir", str(report_dir)]
    args.append("--save-to-db")
    aws = f"the emulator at {env.endpoint}" if env.endpoint else f"AWS ({env.region})"
    say(f"{COMMAND} {' '.join(args)}  [{aws}, DATABASE_URL of stack {env.stack}]")
    try:
        done = subprocess.run(
            [str(tool), *args],
            env=tool_env(env, venv),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise TestenvError(
            f"{COMMAND} assess glue-catalog did not finish within {TIMEOUT:.0f} s",
            "raise TESTENV_ACCEPT_TIMEOUT, or run the command by hand to see where it waits",
        ) from None
    log.write_text(f"$ {COMMAND} {' '.join(args)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        raise TestenvError(
            f"{COMMAND} assess glue-catalog exited with status {done.returncode}: "
            f"{_masked(_last_line(done.stderr, done.stdout), env)}",
            f"the tool's own error; its whole output is in {log}",
        )


def _masked(text: str, env: Testenv) -> str:
    """``text`` without the database password, as in the URL or decoded."""
    password = urlsplit(str.__str__(env.database_url or "")).password
    for form in {password, unquote(password)} if password else ():
        text = text.replace(form, "***")
    return text


# --- what it saved -----------------------------------------------------------------------


@dataclass
class Saved:
    """The rows one run saved: its assessment(s), their databases and tables."""

    assessments: list[dict[str, Any]]
    databases: list[dict[str, Any]]
    tables: list[dict[str, Any]]


def _connect(env: Testenv) -> Any:
    import psycopg
    from psycopg.rows import dict_row

    if env.database_url is None:
        raise TestenvError(
            f"stack {env.stack} has no DATABASE_URL output (its database is off)",
            f"pulumi config set --stack {env.stack} database true && scripts/up {env.stack}",
        )
    try:
        return psycopg.connect(
            str.__str__(env.database_url), row_factory=dict_row, connect_timeout=10
        )
    except psycopg.OperationalError as err:
        raise TestenvError(
            f"the stack's PostgreSQL does not answer ({_masked(_last_line(str(err)), env)})",
            f"scripts/status {env.stack} shows its container; scripts/up {env.stack} starts it",
        ) from None


def assessment_ids(env: Testenv) -> set[Any]:
    with _connect(env) as connection:
        return {row["id"] for row in connection.execute("SELECT id FROM assessments")}


def saved_since(env: Testenv, before: set[Any]) -> Saved:
    with _connect(env) as connection:
        assessments = [
            row
            for row in connection.execute(
                "SELECT id, region, services, status FROM assessments ORDER BY created_at"
            )
            if row["id"] not in before
        ]
        ids = [row["id"] for row in assessments]
        databases = connection.execute(
            "SELECT database_name, table_count FROM glue_databases WHERE assessment_id = ANY(%s)",
            (ids,),
        ).fetchall()
        tables = connection.execute(
            "SELECT d.database_name, t.table_name, t.table_format, t.migration_readiness,"
            " t.is_iceberg, t.column_count, t.partition_keys, t.storage_location"
            " FROM glue_tables t JOIN glue_databases d ON d.id = t.database_id"
            " WHERE t.assessment_id = ANY(%s)",
            (ids,),
        ).fetchall()
    return Saved(assessments, databases, tables)


# --- the comparison ------------------------------------------------------------------------


@dataclass
class Place:
    """One place the tool's findings are read from, and how they compare."""

    name: str
    what: str
    differences: Differences
    tables: int


def check_report(path: Path, truth: dict[str, Any]) -> Place:
    if not path.is_file():
        missing = Differences([Difference("report", "file", Note(str(path)), Note("missing"))])
        return Place("report", f"{path} was not written", missing, 0)
    try:
        report = json.loads(path.read_text())
        tables = findings_tables(report)
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        bad = Differences([Difference("report", "file", Note("a report"), Note(str(err)))])
        return Place("report", f"{path} is not a report", bad, 0)
    differences = Differences()
    region = (report.get("assessment_metadata") or {}).get("region")
    if region != truth["region"]:
        differences.append(Difference("assessment", "region", truth["region"], region))
    differences += compare_databases(report.get("databases") or [], truth)
    differences += compare_findings(tables, truth)
    return Place("report", str(path), differences, len(tables))


def check_saved(saved: Saved, truth: dict[str, Any]) -> Place:
    differences = Differences()
    count = len(saved.assessments)
    if count != 1:
        differences.append(
            Difference("assessments", "rows", Note("1 new row"), Note(f"{count} new rows"))
        )
    for row in saved.assessments:
        if row["region"] != truth["region"]:
            differences.append(Difference("assessment", "region", truth["region"], row["region"]))
        if "glue" not in (row["services"] or []):
            differences.append(Difference("assessment", "services", ["glue"], row["services"]))
        if row["status"] != "completed":
            differences.append(Difference("assessment", "status", "completed", row["status"]))
    if count:
        differences += compare_databases(saved.databases, truth)
        differences += compare_findings(saved.tables, truth)
    ids = ", ".join(str(row["id"]) for row in saved.assessments) or "none"
    what = f"assessment {ids}: {len(saved.databases)} databases, {len(saved.tables)} tables saved"
    return Place("database", what, differences, len(saved.tables))


def summary(env: Testenv, truth: dict[str, Any], places: list[Place]) -> list[str]:
    tables = [t for d in truth["databases"] for t in d["tables"]]
    names = {f"{d['name']}.{t['name']}" for d in truth["databases"] for t in d["tables"]}
    versions = ", ".join(sorted({str(t.get("rules_version")) for t in tables}))
    lines = [
        f"ground truth  {len(truth['databases'])} databases, {len(names)} tables "
        f"(stack {env.stack}, rules version {versions})"
    ]
    for place in places:
        wrong = {d.table for d in place.differences}
        agree = len(names - wrong)
        lines.append(
            f"{place.name:<13} {place.what}; {agree} of {len(names)} tables as the ground truth "
            f"states, {len(place.differences)} differences"
        )
    return lines


def accept(checkout: Path, env: Testenv, work: Path) -> int:
    """Install, run, compare; 0 when the report and the saved rows agree with the truth."""
    truth = load_ground_truth(env)
    env = env.with_truth(truth)
    check(env, env.client("glue"), env.client("s3"))
    tool = install(checkout, work / "venv")
    before = assessment_ids(env)
    report_dir = work / "report"
    shutil.rmtree(report_dir, ignore_errors=True)  # an earlier run's report must not count
    run_tool(tool, env, work / "venv", report_dir, work / "tool.log")
    places = [
        check_report(report_dir / REPORT, truth),
        check_saved(saved_since(env, before), truth),
    ]
    print("\n".join(summary(env, truth, places)))
    for place in places:
        if place.differences:
            print(f"\n{place.name}: {place.what}")
            print(place.differences.render())
    total = sum(len(place.differences) for place in places)
    if total:
        say(f"{total} differences from the ground truth (the tool's output: {work / 'tool.log'})")
        return 1
    say("the tool's report and the rows it saved agree with the ground truth")
    return 0


def fail(err: TestenvError) -> NoReturn:
    say(str(err))
    sys.exit(1)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m aws2openstack_testenv.accept")
    parser.add_argument("checkout", type=Path, help="the aws2openstack checkout to install")
    parser.add_argument("--stack", required=True, help="the stack's name (for messages)")
    parser.add_argument("--outputs", type=Path, required=True, help="its outputs as JSON")
    parser.add_argument("--work", type=Path, required=True, help="venv, report and log go here")
    args = parser.parse_args(argv)
    source = Source("stack", "", args.stack)
    try:
        outputs = outputs_of_file(Source("file", "", str(args.outputs)))
        env = Testenv.from_outputs(outputs, source)
        return accept(args.checkout.resolve(), env, args.work)
    except TestenvError as err:
        fail(err)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
