"""The stack with `zoo: true` applied to moto: every zoo table with files read back through
its Glue definition, from the uploaded objects, by the format's own library.

The reader below knows nothing but what Glue returns (SerDe, InputFormat, parameters,
locations, partitions) and the objects in the bucket; rows read must equal the ground
truth's. The view's decoded JSON must be valid and its originalSql run in DuckDB against
the base table read back the same way.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import io
import json
import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tests.stack import aws_emulator
from tests.stack.program import run_program
from tests.support.glue_reader import Endpoint, paginate

DATABASE = "test_zoo"


@pytest.fixture
def zoo_deployed(program_env, free_port, moto_endpoint):
    run = run_program({"postgresPort": free_port, "zoo": "true"})
    applied = aws_emulator.apply(run, moto_endpoint.url, moto_endpoint.region)
    truth = run.outputs["TESTENV_GROUND_TRUTH"]
    (database,) = [d for d in truth["databases"] if d["name"] == DATABASE]
    return applied, moto_endpoint, {t["name"]: t for t in database["tables"]}


def _split(location: str) -> tuple[str, str]:
    assert location.startswith("s3://"), location
    bucket, _, prefix = location[5:].partition("/")
    return bucket, prefix


def _objects(s3, location: str) -> list[bytes]:
    """Every object below ``location``, in key order."""
    bucket, prefix = _split(location)
    keys = sorted(
        o["Key"] for o in paginate(s3, "list_objects_v2", "Contents", Bucket=bucket, Prefix=prefix)
    )
    return [s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys]


def _text_lines(body: bytes) -> list[str]:
    # Athena picks the codec from the extension; gzip's magic number says the same here.
    data = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
    return data.decode("utf-8").splitlines()


def _names(descriptor: dict[str, Any]) -> list[str]:
    return [c["Name"] for c in descriptor.get("Columns", [])]


def _read_files(
    s3, endpoint: Endpoint, table: dict[str, Any], sd: dict[str, Any], bodies: list[bytes]
) -> int:
    """Rows in ``bodies`` read as ``sd`` (a table's or a partition's descriptor) says."""
    serde = sd.get("SerdeInfo", {})
    library = serde.get("SerializationLibrary", "")
    serde_params = serde.get("Parameters", {})
    params = table.get("Parameters", {})
    input_format = sd.get("InputFormat", "")
    rows = 0
    for body in bodies:
        if input_format.endswith("SymlinkTextInputFormat"):
            for line in _text_lines(body):
                bucket, key = _split(line)
                data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                read = pq.read_table(io.BytesIO(data))
                assert read.column_names == _names(sd)
                rows += read.num_rows
        elif library.endswith("AvroSerDe"):
            import fastavro

            schema = json.loads(serde_params["avro.schema.literal"])
            records = list(fastavro.reader(io.BytesIO(body)))
            assert all(list(r) == [f["name"] for f in schema["fields"]] for r in records)
            assert [f["name"] for f in schema["fields"]] == _names(sd)
            rows += len(records)
        elif library.endswith("JsonSerDe"):
            for line in _text_lines(body):
                assert set(json.loads(line)) <= set(_names(sd)), line
                rows += 1
        elif library.endswith("RegexSerDe"):
            pattern = re.compile(serde_params["input.regex"])
            for line in _text_lines(body):
                match = pattern.fullmatch(line)
                assert match is not None and len(match.groups()) == len(_names(sd)), line
                rows += 1
        elif library.endswith(("OpenCSVSerde", "LazySimpleSerDe")):
            delimiter = serde_params.get("separatorChar") or serde_params["field.delim"]
            skip = int(params.get("skip.header.line.count", "0"))
            read = pacsv.read_csv(
                io.BytesIO(body),
                read_options=pacsv.ReadOptions(skip_rows=skip, column_names=_names(sd)),
                parse_options=pacsv.ParseOptions(delimiter=delimiter),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in _names(sd)}
                ),
            )
            rows += read.num_rows
        elif "parquet" in input_format.lower():
            read = pq.read_table(io.BytesIO(body))
            assert read.column_names == _names(sd)
            rows += read.num_rows
        else:
            raise AssertionError(f"no reader for {library} / {input_format}")
    return rows


def _projected_locations(params: dict[str, str]) -> list[str]:
    first, last = (dt.date.fromisoformat(d) for d in params["projection.dt.range"].split(","))
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [params["storage.location.template"].replace("${dt}", d.isoformat()) for d in days]


def read_through_glue(applied, endpoint: Endpoint, name: str) -> int:
    """The rows of zoo table ``name`` as its Glue definition and the objects give them."""
    s3, glue = applied.s3, applied.glue
    table = glue.get_table(DatabaseName=DATABASE, Name=name)["Table"]
    params = table.get("Parameters", {})
    sd = table.get("StorageDescriptor", {})
    if params.get("table_type", "").upper() == "ICEBERG":
        from pyiceberg.table import StaticTable

        static = StaticTable.from_metadata(
            params["metadata_location"], properties=endpoint.iceberg_properties()
        )
        return static.scan().to_arrow().num_rows
    if params.get("spark.sql.sources.provider") == "delta":
        from deltalake import DeltaTable

        options = {
            "AWS_ENDPOINT_URL": endpoint.url,
            "AWS_ACCESS_KEY_ID": endpoint.access_key,
            "AWS_SECRET_ACCESS_KEY": endpoint.secret_key,
            "AWS_REGION": endpoint.region,
            "AWS_ALLOW_HTTP": "true",
        }
        delta = DeltaTable(sd["SerdeInfo"]["Parameters"]["path"], storage_options=options)
        return delta.to_pyarrow_table().num_rows
    if params.get("projection.enabled") == "true":
        return sum(
            _read_files(s3, endpoint, table, sd, _objects(s3, location))
            for location in _projected_locations(params)
        )
    partitions = list(
        paginate(glue, "get_partitions", "Partitions", DatabaseName=DATABASE, TableName=name)
    )
    if partitions:
        return sum(
            _read_files(
                s3,
                endpoint,
                table,
                p["StorageDescriptor"],
                _objects(s3, p["StorageDescriptor"]["Location"]),
            )
            for p in partitions
        )
    return _read_files(s3, endpoint, table, sd, _objects(s3, sd["Location"]))


def test_every_zoo_table_with_files_reads_back_with_the_ground_truths_rows(zoo_deployed):
    """17 zoo tables with rows or an in-bucket location read back through Glue from the
    uploaded objects by the format's own library, rows equal to the ground truth."""
    applied, endpoint, tables = zoo_deployed
    read = {}
    for name, truth in tables.items():
        if truth["kind"] in ("athena_view", "resource_link", "missing_location"):
            continue
        read[name] = read_through_glue(applied, endpoint, name)
        assert read[name] == truth["rows"], name
    assert len(read) == 17
    assert read["empty_table"] == 0 and all(v > 0 for k, v in read.items() if k != "empty_table")


def test_the_view_decodes_to_valid_json_and_its_sql_runs_in_duckdb(zoo_deployed):
    """The view's ViewOriginalText holds valid view JSON whose originalSql, run in DuckDB
    against the base table read back through Glue, gives the rows the filter selects."""
    import duckdb

    applied, endpoint, tables = zoo_deployed
    view = applied.glue.get_table(DatabaseName=DATABASE, Name="big_orders_view")["Table"]
    assert view["TableType"] == "VIRTUAL_VIEW"
    text = view["ViewOriginalText"]
    assert text.startswith("/* Presto View: ") and text.endswith(" */")
    payload = json.loads(base64.b64decode(text[len("/* Presto View: ") : -len(" */")]))
    assert payload["catalog"] == "awsdatacatalog" and payload["schema"] == DATABASE
    assert [c["name"] for c in payload["columns"]] == _names(view["StorageDescriptor"])
    base = applied.glue.get_table(DatabaseName=DATABASE, Name="tsv")["Table"]
    sd = base["StorageDescriptor"]
    (body,) = _objects(applied.s3, sd["Location"])
    types = {
        "bigint": pa.int64(),
        "string": pa.string(),
        "int": pa.int32(),
        "double": pa.float64(),
        "date": pa.date32(),
    }
    rows = pacsv.read_csv(
        io.BytesIO(body),
        read_options=pacsv.ReadOptions(column_names=_names(sd)),
        parse_options=pacsv.ParseOptions(delimiter=sd["SerdeInfo"]["Parameters"]["field.delim"]),
        convert_options=pacsv.ConvertOptions(
            column_types={c["Name"]: types[c["Type"]] for c in sd["Columns"]}
        ),
    )
    assert rows.num_rows == tables["tsv"]["rows"]
    connection = duckdb.connect()
    connection.execute(f'CREATE SCHEMA "{DATABASE}"')
    connection.register("tsv_rows", rows)
    connection.execute(f'CREATE TABLE "{DATABASE}"."tsv" AS SELECT * FROM tsv_rows')
    result = connection.execute(payload["originalSql"]).to_arrow_table()
    assert result.column_names == [c["name"] for c in payload["columns"]]
    selected = pc.sum(pc.greater(rows["amount"], 1000)).as_py()
    assert result.num_rows == selected > 0


def test_the_resource_link_names_a_core_table_that_exists(zoo_deployed):
    """The link's TargetTable (this account's catalog) names test_analytics.sales_data."""
    applied, _, _ = zoo_deployed
    link = applied.glue.get_table(DatabaseName=DATABASE, Name="sales_link")["Table"]
    target = link["TargetTable"]
    assert (target["DatabaseName"], target["Name"]) == ("test_analytics", "sales_data")
    applied.glue.get_table(DatabaseName=target["DatabaseName"], Name=target["Name"])
