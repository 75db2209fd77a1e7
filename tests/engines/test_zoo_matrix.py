"""The engine matrix over the zoo: every engine × zoo kind is what its claim says
(``families/zoo/engines.py``).

The stack is deployed with ``zoo: true`` (the package's ``deployed`` fixture); each engine
reads each zoo table through the Glue definition moto returns. A ``reads`` cell must give
the ground truth's column names, rows, rows per partition and value digest; a ``fails``
cell must raise the claimed error; a ``wrong`` cell must be wrong in the claimed way. The
ground truth's ``engines`` of every zoo table are those claims, so this module is what
measures them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from datagen import digest
from datagen.catalog import arrow_type
from datagen.kinds import athena_view
from families.zoo.engines import CLAIMS, ENGINES, TRANSLATED, Claim, label
from tests.datagen.kinds import zoo_kinds as zoo
from tests.engines import readers, trino_reader, zoo_readers
from tests.engines.conftest import ICEBERG_CATALOG, spark_session
from tests.engines.deployed import BUCKET_OBJECT, Deployed, GlueTable
from tests.engines.readers import EngineRead
from tests.engines.test_matrix import partition_rows
from tests.stack.program import unwrap
from tests.support.glue_reader import paginate, plain_type

CELLS = [
    (kind, engine)
    for kind in zoo.KINDS
    for engine in ENGINES
    if CLAIMS[kind][engine].result != "n/a"
]


@pytest.fixture(scope="package")
def spark_zoo(
    spark: Any, deployed: Deployed, spark_placeholders: Path
) -> dict[str, Exception | None]:
    """Each zoo table with storage created in Spark's metastore from its Glue definition,
    partitions included; the error when Spark refuses one (that is a measurement)."""
    created: dict[str, Exception | None] = {}
    for table in deployed.zoo:
        if zoo_readers.is_view(table) or zoo_readers.is_link(table):
            continue
        if zoo_readers.is_iceberg(table):
            continue  # Iceberg's Glue catalog has it (spark-iceberg)
        try:
            readers.spark_register(spark, table, spark_placeholders)
            created[table.name] = None
        except Exception as error:  # noqa: BLE001 - the refusal is what the cell asserts
            created[table.name] = error
    return created


def _zoo_table(deployed: Deployed, kind: str) -> GlueTable:
    (table,) = [t for t in deployed.zoo if t.name == zoo.kind(kind).TABLE]
    return table


def read_zoo_cell(engine: str, table: GlueTable, request: pytest.FixtureRequest) -> EngineRead:
    deployed: Deployed = request.getfixturevalue("deployed")
    if engine == "spark-iceberg":
        spark = request.getfixturevalue("spark")
        return readers.spark_read(spark, table, catalog=ICEBERG_CATALOG)
    if engine.startswith("spark"):
        session = spark_session(request.getfixturevalue("spark"), engine)
        error = request.getfixturevalue("spark_zoo")[table.name]
        if error is not None:
            raise error
        return readers.spark_read(session, table, columns=zoo_readers.columns(table, deployed))
    if engine == "duckdb":
        connection = request.getfixturevalue("duckdb_connection")
        if zoo_readers.is_view(table):
            query = zoo_readers.duckdb_view_query(table, deployed, connection)
        else:
            query = zoo_readers.duckdb_zoo_query(table, deployed)
        return readers.duckdb_read(connection, query)
    if engine == "trino":
        connection = request.getfixturevalue("trino_connection")
        # The query before the columns: a resource link has none in Glue, and Trino's
        # refusal of it is the measurement.
        names, types, rows = trino_reader.run(connection, trino_reader.query(table))
        pairs = zoo_readers.columns(table, deployed)
        return EngineRead(types, trino_reader.arrow_rows(names, rows, pairs))
    reader = {
        "pyiceberg": readers.pyiceberg_read,
        "iceberg-rust": readers.iceberg_rust_read,
        "deltalake": zoo_readers.deltalake_read,
        "awswrangler": readers.awswrangler_read,
    }[engine]
    return reader(table, deployed)


def _plain(data_type: pa.DataType) -> pa.DataType:
    """As ``plain_type``, and an instant (a timestamp with a zone) as its UTC wall clock,
    which is what the digest compares."""
    if pa.types.is_timestamp(data_type):
        return pa.timestamp("us")
    return plain_type(data_type)


def type_problems(
    engine: str, table: GlueTable, read: EngineRead, pairs: list[tuple[str, str]]
) -> list[str]:
    """Where the engine's own type of a column is not the Glue type's."""
    problems = []
    connector = trino_reader.catalog(table)
    for (name, glue_type), reported, field in zip(pairs, read.types, read.data.schema, strict=True):
        if engine.startswith("spark"):
            expected, actual = glue_type, reported
        elif engine == "awswrangler":
            expected, actual = readers.awswrangler_dtype(glue_type), reported
        elif engine == "duckdb":
            expected = readers.duckdb_type(glue_type)
            # An instant is a timestamp to Glue; DuckDB names it by its zone.
            actual = "TIMESTAMP" if reported == "TIMESTAMP WITH TIME ZONE" else reported
        elif engine == "trino":
            expected, actual = trino_reader.trino_type(glue_type, connector), reported
        else:
            expected, actual = str(arrow_type(glue_type)), str(_plain(field.type))
        if expected != actual:
            problems.append(f"{name}: {engine} reads {reported}, Glue says {glue_type}")
    return problems


def assert_reads(engine: str, table: GlueTable, read: EngineRead, deployed: Deployed) -> None:
    truth = table.truth
    pairs = zoo_readers.columns(table, deployed)
    assert read.data.column_names == [n for n, _ in pairs], table.id
    assert type_problems(engine, table, read, pairs) == [], table.id
    assert read.data.num_rows == truth["rows"], f"{engine} {table.id}"
    if truth["partitions"] and table.key_names:
        expected = {tuple(p["values"]): p["rows"] for p in truth["partitions"] if p["rows"]}
        assert partition_rows(table, read.data) == expected, f"{engine} {table.id}"
    assert truth["value_digest"] is not None, table.id
    assert digest.digest_rows(read.data, [t for _, t in pairs]) == truth["value_digest"], (
        f"{engine} {table.id}: values differ from the ground truth"
    )


def assert_view_reads(view: GlueTable, read: EngineRead, deployed: Deployed) -> None:
    """The view gives its declared columns and the base table's rows its SQL selects."""
    decoded = zoo_readers.decode_view(view)
    assert read.data.column_names == [c["name"] for c in decoded["columns"]], view.id
    assert read.data.column_names == [n for n, _ in view.columns], view.id
    base = deployed.table(athena_view.BASE_TABLE)
    rows = zoo_readers.library_read(base, deployed).data
    selected = rows.filter(pc.greater(rows["amount"], 1000)).select(read.data.column_names)
    assert 0 < selected.num_rows < base.truth["rows"], view.id
    types = [t for _, t in view.columns]
    assert digest.digest_rows(read.data, types) == digest.digest_rows(selected, types), view.id


def assert_wrong(claim: Claim, table: GlueTable, read: EngineRead) -> None:
    truth = table.truth
    if claim.wrong == "header rows":
        assert read.data.num_rows == truth["rows"] + len(truth["objects"]), table.id
    elif claim.wrong == "no rows":
        assert truth["rows"] > 0 and read.data.num_rows == 0, table.id
    elif claim.wrong == "null rows":
        assert read.data.num_rows > 0 and zoo_readers.all_null(read.data), table.id
    else:
        raise AssertionError(f"no check for {claim.wrong!r}")


@pytest.mark.parametrize(("kind", "engine"), CELLS, ids=[f"{e}-{k}" for k, e in CELLS])
def test_zoo_cell_is_as_claimed(kind: str, engine: str, deployed, request) -> None:
    """The engine reads the zoo table through Glue as families/zoo/engines.py (and so the ground
    truth's ``engines``) claims: the truth's rows and digest, the claimed error, or the
    claimed wrong result."""
    claim = CLAIMS[kind][engine]
    table = _zoo_table(deployed, kind)
    if claim.result == "fails":
        with pytest.raises(Exception) as caught:  # noqa: PT011 - the message is asserted
            read_zoo_cell(engine, table, request)
        assert claim.error in str(caught.value), f"{engine} {table.id}: {caught.value}"
        return
    read = read_zoo_cell(engine, table, request)
    if claim.result == "wrong":
        assert_wrong(claim, table, read)
    elif zoo_readers.is_view(table):
        assert_view_reads(table, read, deployed)
    else:
        assert_reads(engine, table, read, deployed)


# The writer check: each Hive-style zoo table's objects read through its Glue definition
# by the format's own Python library (zoo_readers.library_read, test code, applying
# Athena's partition projection) give the ground truth's rows: the files hold what Glue
# says. It checks the writers, so it is no engine claim.
WRITER_CHECKED = [
    kind
    for kind in zoo.KINDS
    if kind not in ("athena_view", "resource_link", "missing_location", "delta_lake")
    and not kind.startswith("iceberg")
]


@pytest.mark.parametrize("kind", WRITER_CHECKED)
def test_the_writer_check_reads_the_ground_truth(kind: str, deployed) -> None:
    """The format's own library reads the zoo table's objects as Glue describes them with
    the ground truth's rows, rows per partition and value digest."""
    table = _zoo_table(deployed, kind)
    assert_reads("library", table, zoo_readers.library_read(table, deployed), deployed)


def test_the_ground_truth_carries_the_claims(deployed) -> None:
    """Each zoo table's ``engines`` in the ground truth lists every engine under its label
    (how it got to the table) with the result and detail this module holds it to."""
    for table in deployed.zoo:
        kind = table.truth["kind"]
        assert set(table.truth["engines"]) == {label(e) for e in ENGINES}, table.id
        for engine, claim in CLAIMS[kind].items():
            entry = table.truth["engines"][label(engine)]
            assert (entry["result"], entry["detail"]) == (claim.result, claim.detail)
            assert entry["translated"] == (engine in TRANSLATED)
            assert entry["source"] == "tests/engines/test_zoo_matrix.py"
    assert {t.truth["kind"] for t in deployed.zoo} == set(CLAIMS) == set(zoo.KINDS)


def test_spark_writes_nothing_to_the_bucket(spark_zoo, spark_tables, deployed) -> None:
    """With every Glue table created in Spark's metastore, the bucket holds exactly the
    objects the program uploaded: Hive's metastore makes a missing table folder, a marker
    object on S3, so readers.spark_register creates the tables elsewhere and moves them."""
    assert spark_zoo["empty_table"] is None  # created: its location has no objects
    s3 = deployed.endpoint.client("s3")
    listed = paginate(s3, "list_objects_v2", "Contents", Bucket=deployed.bucket)
    uploaded = {unwrap(r.inputs)["key"] for r in deployed.run.of_type(BUCKET_OBJECT)}
    assert {item["Key"] for item in listed} == uploaded


def test_duckdb_is_handed_nothing_for_the_projected_table(deployed) -> None:
    """The projected table has no partition in Glue: the suite's translation for DuckDB
    has no files to hand it (DuckDB has no Glue client and no partition projection), so
    no DuckDB result is claimed for it."""
    table = _zoo_table(deployed, "partition_projection")
    assert table.key_names and not table.partitions, table.id
    with pytest.raises(readers.NothingToRead, match="no partition in Glue"):
        readers.duckdb_query(table, deployed)


def test_the_resource_link_names_a_core_table_that_exists(deployed) -> None:
    """The link's TargetTable names the core sales_data table, which Glue holds."""
    link = _zoo_table(deployed, "resource_link")
    target = link.definition["TargetTable"]
    (sales,) = [t for t in deployed.core if t.name == target["Name"]]
    assert sales.database == target["DatabaseName"]


def test_docs_show_the_zoo_matrix() -> None:
    """docs/zoo.md's engine table marks each cell as families/zoo/engines.py claims it: ✓ reads,
    ✗ fails, ≠ wrong, – n/a."""
    marks = {"reads": "✓", "fails": "✗", "wrong": "≠", "n/a": "–"}
    text = (Path(__file__).resolve().parents[2] / "docs" / "zoo.md").read_text()
    section = text.split("## Engine support", 1)[1].split("\n## ", 1)[0]
    # The matrix is the table under the "| kind |" header (a before/after table follows).
    table = section[section.index("\n| kind |") :].split("\n\n", 1)[0].splitlines()
    header = table[1]
    engines = [cell.strip().strip("`") for cell in header.strip().strip("|").split("|")][1:]
    assert engines == [label(engine) for engine in ENGINES]
    for kind, claims in CLAIMS.items():
        (row,) = [line for line in table if line.startswith(f"| `{kind}`")]
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")][1:]
        for engine, cell in zip(ENGINES, cells, strict=True):
            mark = marks[claims[engine].result]
            assert cell.startswith(mark), f"docs/zoo.md: {engine} × {kind} is {cell!r}"


def test_the_zoo_doc_lists_the_engines_that_read_each_kind() -> None:
    """docs/zoo.md's kinds at a glance name, for each kind, exactly the engines whose claim
    is reads, each with its label."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "zoo.md").read_text()
    section = text.split("## The kinds at a glance", 1)[1].split("\n## ", 1)[0]
    for kind, claims in CLAIMS.items():
        (row,) = [line for line in section.splitlines() if line.startswith(f"| {kind} ")]
        cell = [c.strip() for c in row.strip().strip("|").split("|")][3]
        reads = [label(engine) for engine in ENGINES if claims[engine].result == "reads"]
        assert cell == (", ".join(reads) or "none"), kind
