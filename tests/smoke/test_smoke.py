"""Post-deploy checks of a stack: ``pytest tests/smoke --stack NAME``.

Everything is read from the stack's outputs and its ground truth (the object
``TESTENV_GROUND_TRUTH_URI`` names, or its local copy): the Glue databases in
``TESTENV_GLUE_DATABASES`` and ``TESTENV_TABLES``, each table and object in the ground
truth, the database in ``DATABASE_URL``. Each check names what is missing or different.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from components.schema_migration import Target
from tests.smoke.conftest import truth_file, truth_object
from tests.support.glue_reader import list_tables, paginate, read_table, schema_problems


def expected_tables(ground_truth: dict) -> dict[str, set[str]]:
    return {d["name"]: {t["name"] for t in d["tables"]} for d in ground_truth["databases"]}


def test_glue_databases_are_visible(deployment, ground_truth):
    """Each database in TESTENV_GLUE_DATABASES is one of the ground truth and exists in Glue."""
    glue = deployment.endpoint.client("glue")
    names = deployment.outputs["TESTENV_GLUE_DATABASES"].split(",")
    assert names and set(names) == set(expected_tables(ground_truth))
    for name in names:
        database = glue.get_database(Name=name)["Database"]
        assert database["Name"] == name


def test_glue_tables_are_exactly_the_expected_ones(deployment, ground_truth):
    """Each Glue database lists exactly the ground truth's tables, naming missing and extra;
    TESTENV_TABLES counts them."""
    glue = deployment.endpoint.client("glue")
    expected = expected_tables(ground_truth)
    assert deployment.outputs["TESTENV_TABLES"] == {d: len(t) for d, t in expected.items()}
    for database, tables in expected.items():
        listed = {table["Name"] for table in list_tables(glue, database)}
        assert listed == set(tables), (
            f"{database}: missing {set(tables) - listed}, unexpected {listed - set(tables)}"
        )


def test_partitions_are_registered(deployment, ground_truth):
    """Each non-Iceberg table has exactly the ground truth's partitions registered in Glue."""
    glue = deployment.endpoint.client("glue")
    for database in ground_truth["databases"]:
        for table in database["tables"]:
            if table["format"] == "iceberg":
                continue
            registered = sorted(
                p["Values"]
                for p in paginate(
                    glue,
                    "get_partitions",
                    "Partitions",
                    DatabaseName=database["name"],
                    TableName=table["name"],
                )
            )
            expected = sorted(p["values"] for p in table["partitions"])
            assert registered == expected, f"{database['name']}.{table['name']}"


def test_every_object_is_present_with_its_size(deployment, ground_truth):
    """Every ground-truth object is in the bucket with its byte size; their count is the total."""
    s3 = deployment.endpoint.client("s3")
    truth = ground_truth
    bucket = deployment.outputs["TESTENV_BUCKET"]
    listed = {
        obj["Key"]: obj["Size"]
        for obj in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket)
    }
    problems = []
    for database in truth["databases"]:
        for table in database["tables"]:
            for obj in table["objects"]:
                if obj["key"] not in listed:
                    problems.append(f"missing s3://{bucket}/{obj['key']}")
                elif listed[obj["key"]] != obj["bytes"]:
                    problems.append(
                        f"s3://{bucket}/{obj['key']}: {listed[obj['key']]} bytes, "
                        f"expected {obj['bytes']}"
                    )
    assert problems == []
    assert (
        sum(len(t["objects"]) for d in truth["databases"] for t in d["tables"])
        == truth["totals"]["files"]
    )


def test_the_ground_truth_object_is_this_stacks(deployment, ground_truth):
    """The object at TESTENV_GROUND_TRUTH_URI describes the outputs' stack, bucket and
    databases, and equals the local copy when one is given."""
    stored = truth_object(deployment)
    outputs = deployment.outputs
    assert (stored["stack"], stored["env"], stored["bucket"], stored["region"]) == (
        outputs["TESTENV_STACK"],
        outputs["TESTENV_ENV"],
        outputs["TESTENV_BUCKET"],
        outputs["AWS_REGION"],
    )
    assert [d["name"] for d in stored["databases"]] == outputs["TESTENV_GLUE_DATABASES"].split(",")
    assert stored["totals"] == outputs["TESTENV_TOTALS"]
    if truth_file(deployment):
        assert stored == ground_truth, f"{truth_file(deployment)} differs from the object"


def test_every_table_is_readable_through_its_glue_definition(deployment, ground_truth):
    """Every table reads through its Glue definition with no schema problem and expected rows."""
    problems = []
    for database in ground_truth["databases"]:
        for table in database["tables"]:
            read = read_table(deployment.endpoint, database["name"], table["name"])
            problems += schema_problems(read)
            if read.data.num_rows != table["rows"]:
                problems.append(
                    f"{database['name']}.{table['name']}: {read.data.num_rows} rows, "
                    f"expected {table['rows']}"
                )
    assert problems == []


def test_postgres_is_reachable_and_at_alembic_head(deployment, migrations_dir):
    """PostgreSQL and SCHEMA_REVISION are at the alembic head; an AWS-only stack has no port."""
    if "DATABASE_URL" not in deployment.outputs:
        assert deployment.outputs.get("POSTGRES_PORT") is None  # an AWS-only stack
        return
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    head = ScriptDirectory.from_config(config).get_current_head()
    target = Target.from_url(deployment.outputs["DATABASE_URL"])
    engine = sa.create_engine(target.sqlalchemy_url, connect_args={"connect_timeout": 10})
    try:
        with engine.connect() as connection:
            revision = connection.execute(
                sa.text("SELECT version_num FROM alembic_version")
            ).scalar_one()
    finally:
        engine.dispose()
    assert revision == head
    assert deployment.outputs["SCHEMA_REVISION"] == head
