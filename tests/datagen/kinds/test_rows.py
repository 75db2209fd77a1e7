"""Each zoo kind's ``rows`` (what the value digest renders) is what the format's own reader
reads from the written files through the table's Glue definition."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path

import fastavro
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable
from pyiceberg.table import StaticTable

from datagen import digest
from datagen.catalog import arrow_type
from datagen.kinds import delta_lake, delta_symlink
from tests.datagen.kinds import zoo_kinds as zoo
from tests.datagen.kinds.conftest import BUCKET, DATABASE, ROWS, SEED

Columns = list[tuple[str, str]]


def _glue(name: str, written):
    module = zoo.kind(name)
    return module.glue_table(BUCKET, DATABASE, module.TABLE, written[name])


def _columns(table_input: dict) -> Columns:
    """The Glue columns, then the partition keys, as (name, type)."""
    columns = table_input["StorageDescriptor"]["Columns"]
    return [(c["Name"], c["Type"]) for c in [*columns, *table_input.get("PartitionKeys", [])]]


def _schema(columns: Columns) -> pa.Schema:
    return pa.schema([(name, arrow_type(glue_type)) for name, glue_type in columns])


def _local(zoo_root: Path, location: str) -> Path:
    prefix = f"s3://{BUCKET}/"
    assert location.startswith(prefix), location
    return zoo_root / location[len(prefix) :]


def _folders(zoo_root: Path, glue) -> list[tuple[list[str], Path]]:
    """Each registered partition's values and local folder, or the table's own folder."""
    if glue.partitions:
        return [
            (p["Values"], _local(zoo_root, p["StorageDescriptor"]["Location"]))
            for p in glue.partitions
        ]
    return [([], _local(zoo_root, glue.table_input["StorageDescriptor"]["Location"]))]


def _with_values(data: pa.Table, columns: Columns, values: list[str]) -> pa.Table:
    keys = columns[len(columns) - len(values) :]
    for (name, glue_type), value in zip(keys, values, strict=True):
        text = pa.array([value] * data.num_rows, pa.string())
        data = data.append_column(name, text.cast(arrow_type(glue_type)))
    return data


def _per_partition(
    zoo_root: Path, glue, columns: Columns, read: Callable[[Path, Columns], pa.Table]
) -> pa.Table:
    """``read`` of every file of every partition (with the data columns), partition values
    appended, all cast to the Glue types."""
    data_columns = _columns({**glue.table_input, "PartitionKeys": []})
    pieces = []
    for values, folder in _folders(zoo_root, glue):
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            pieces.append(_with_values(read(path, data_columns), columns, values))
    return pa.concat_tables(pieces).cast(_schema(columns))


# --- the format's own readers ------------------------------------------------------------


def read_avro(zoo_root, glue, columns):
    literal = json.loads(
        glue.table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"]["avro.schema.literal"]
    )

    def read(path: Path, data_columns: Columns) -> pa.Table:
        with path.open("rb") as handle:
            records = list(fastavro.reader(handle, reader_schema=literal))
        for record in records:  # timestamp-millis: an instant, shown in UTC
            record["ts"] = record["ts"].astimezone(dt.UTC).replace(tzinfo=None)
        return pa.Table.from_pylist(records, schema=_schema(data_columns))

    return _per_partition(zoo_root, glue, columns, read)


def _json_lines(text: str, data_columns: Columns) -> pa.Table:
    records = [json.loads(line) for line in text.splitlines()]
    return pa.Table.from_pylist(records, schema=_schema(data_columns))


def read_json(zoo_root, glue, columns):
    return _per_partition(
        zoo_root, glue, columns, lambda path, cols: _json_lines(path.read_text(), cols)
    )


def read_json_gzip(zoo_root, glue, columns):
    return _per_partition(
        zoo_root,
        glue,
        columns,
        lambda path, cols: _json_lines(gzip.decompress(path.read_bytes()).decode(), cols),
    )


def _csv(glue, skip: int, delimiter: str, quote: str | bool):
    def read(path: Path, data_columns: Columns) -> pa.Table:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                skip_rows=skip, column_names=[n for n, _ in data_columns]
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=quote),
            convert_options=pacsv.ConvertOptions(column_types=_schema(data_columns)),
        )

    return read


def read_open_csv(zoo_root, glue, columns):
    """OpenCSVSerde: quoted fields, ``skip.header.line.count`` lines skipped."""
    params = glue.table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"]
    skip = int(glue.table_input["Parameters"]["skip.header.line.count"])
    read = _csv(glue, skip, params["separatorChar"], params["quoteChar"])
    return _per_partition(zoo_root, glue, columns, read)


def read_lazy_simple(zoo_root, glue, columns):
    """LazySimpleSerDe: ``field.delim``, no quoting, the header skipped when declared."""
    delimiter = glue.table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"]
    skip = int(glue.table_input["Parameters"].get("skip.header.line.count", "0"))
    return _per_partition(zoo_root, glue, columns, _csv(glue, skip, delimiter, False))


def read_regex(zoo_root, glue, columns):
    """RegexSerDe: one group per column, each cast to its column's type."""
    params = glue.table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"]
    pattern = re.compile(params["input.regex"])

    def read(path: Path, data_columns: Columns) -> pa.Table:
        lines = gzip.decompress(path.read_bytes()).decode().splitlines()
        groups = list(zip(*(pattern.fullmatch(line).groups() for line in lines), strict=True))
        return pa.table(
            [
                pc.cast(pa.array(texts, pa.string()), arrow_type(glue_type))
                for texts, (_, glue_type) in zip(groups, data_columns, strict=True)
            ],
            names=[n for n, _ in data_columns],
        )

    return _per_partition(zoo_root, glue, columns, read)


def read_parquet(zoo_root, glue, columns):
    return _per_partition(zoo_root, glue, columns, lambda path, _: pq.read_table(path))


def read_projected(zoo_root, glue, columns):
    """Athena's projection: every day of ``projection.dt.range`` put into the template."""
    params = glue.table_input["Parameters"]
    first, last = (dt.date.fromisoformat(d) for d in params["projection.dt.range"].split(","))
    pieces = []
    for offset in range((last - first).days + 1):
        day = (first + dt.timedelta(days=offset)).isoformat()
        folder = _local(zoo_root, params["storage.location.template"].replace("${dt}", day))
        for path in sorted(folder.glob("*.parquet")):
            pieces.append(_with_values(pq.read_table(path), columns, [day]))
    return pa.concat_tables(pieces).cast(_schema(columns))


def read_drifted(zoo_root, glue, columns):
    """Each partition read with its own descriptor's columns (pyarrow's JSON reader), then
    converted to the table's columns as Hive does: missing ones NULL, types cast."""
    table_columns = _columns({**glue.table_input, "PartitionKeys": []})
    pieces = []
    for part in glue.partitions:
        own = _columns({"StorageDescriptor": part["StorageDescriptor"]})
        folder = _local(zoo_root, part["StorageDescriptor"]["Location"])
        for path in sorted(folder.glob("*.json")):
            read = pajson.read_json(
                path, parse_options=pajson.ParseOptions(explicit_schema=_schema(own))
            )
            converted = pa.table(
                [
                    read[name].cast(arrow_type(glue_type))
                    if name in read.column_names
                    else pa.nulls(read.num_rows, arrow_type(glue_type))
                    for name, glue_type in table_columns
                ],
                names=[n for n, _ in table_columns],
            )
            pieces.append(_with_values(converted, columns, part["Values"]))
    return pa.concat_tables(pieces).cast(_schema(columns))


def read_no_objects(zoo_root, glue, columns):
    """A location with no objects (or none in this bucket): an engine reads no rows."""
    location = glue.table_input["StorageDescriptor"]["Location"]
    if location.startswith(f"s3://{BUCKET}/"):
        folder = _local(zoo_root, location)
        assert not folder.exists() or not any(folder.iterdir()), location
    return _schema(columns).empty_table()


def read_iceberg(zoo_root, glue, columns):
    table = StaticTable.from_metadata(glue.table_input["Parameters"]["metadata_location"])
    return table.scan().to_arrow().select([n for n, _ in columns]).cast(_schema(columns))


def read_delta(zoo_root, glue, columns):
    folder = _local(
        zoo_root, glue.table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"]["path"]
    )
    read = DeltaTable(str(folder)).to_pyarrow_table()
    return read.select([n for n, _ in columns]).cast(_schema(columns))


def read_symlink(zoo_root, glue, columns):
    """SymlinkTextInputFormat: the Parquet files the manifest at the location lists."""
    folder = _local(zoo_root, glue.table_input["StorageDescriptor"]["Location"])
    uris = (folder / "manifest").read_text().split()
    read = pa.concat_tables(pq.read_table(uri) for uri in uris)
    return read.select([n for n, _ in columns]).cast(_schema(columns))


READERS = {
    "avro_crawler": read_avro,
    "json_openx": read_json,
    "json_gzip_hive": read_json_gzip,
    "csv_header": read_open_csv,
    "tsv": read_lazy_simple,
    "regex_logs": read_regex,
    "parquet_nested": read_parquet,
    "partition_projection": read_projected,
    "schema_drift": read_drifted,
    "crawler_csv": read_lazy_simple,
    "wide_table": read_parquet,
    "quoted_columns": read_parquet,
    "empty_table": read_no_objects,
    "missing_location": read_no_objects,
    "iceberg_v1": read_iceberg,
    "iceberg_v2_history": read_iceberg,
    "delta_lake": read_delta,
    "delta_symlink": read_symlink,
}
NO_ROWS = {"athena_view", "resource_link"}


def _value_columns(name: str, glue) -> Columns:
    module = zoo.kind(name)
    if hasattr(module, "value_columns"):
        return list(module.value_columns())
    return _columns(glue.table_input)


def test_every_kind_has_rows_or_says_it_has_none(written):
    """Every kind is read here, except the view and the resource link, whose rows() is
    None (they have no rows of their own)."""
    assert set(READERS) | NO_ROWS == set(zoo.KINDS)
    for name in NO_ROWS:
        assert zoo.kind(name).rows(SEED, written[name].prefix, ROWS) is None, name


@pytest.mark.parametrize("name", sorted(READERS))
def test_rows_are_what_the_formats_reader_reads_through_glue(name, zoo_root, written):
    """rows() has the Glue columns then the partition keys, typed from the Glue types, and
    the same value digest as the files read by the format's own reader."""
    glue = _glue(name, written)
    columns = _value_columns(name, glue)
    rows = zoo.kind(name).rows(SEED, written[name].prefix, ROWS)
    assert rows.schema == _schema(columns), name
    read = READERS[name](zoo_root, glue, columns)
    assert read.num_rows == rows.num_rows == written[name].rows, name
    types = [glue_type for _, glue_type in columns]
    assert digest.digest_rows(rows, types) == digest.digest_rows(read, types), name


def test_delta_rows_have_the_delta_logs_columns(zoo_root, written):
    """Glue holds only Delta's placeholder column, so the Delta kinds' rows take the
    columns of the Delta log's schema, which the symlink table's Glue columns repeat."""
    table = DeltaTable(str(zoo_root / written["delta_lake"].prefix))
    assert [f.name for f in table.schema().fields] == [n for n, _ in delta_lake.value_columns()]
    assert _columns(_glue("delta_lake", written).table_input) == [("col", "array<string>")]
    assert _columns(_glue("delta_symlink", written).table_input) == delta_lake.value_columns()
    assert delta_symlink.COLUMNS == delta_lake.COLUMNS


def test_drifted_rows_fill_missing_columns_and_widen_amount(written):
    """The oldest partition's rows have NULL amount and email, the middle one's amounts are
    whole doubles from the bigint partition, the newest has every column."""
    rows = zoo.kind("schema_drift").rows(SEED, written["schema_drift"].prefix, ROWS)
    by_day = {}
    for row in rows.to_pylist():
        by_day.setdefault(row["dt"], []).append(row)
    oldest, middle, newest = (by_day[day] for day in sorted(by_day))
    assert all(r["amount"] is None and r["email"] is None for r in oldest)
    assert all(r["amount"] == int(r["amount"]) and r["email"] is None for r in middle)
    assert all(r["amount"] is not None and r["email"] is not None for r in newest)
