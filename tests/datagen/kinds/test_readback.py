"""Each kind's files read back by the format's own library give the rows written."""

from __future__ import annotations

import gzip
import json
import re

import fastavro
import pyarrow as pa
import pyarrow.csv as pacsv

from datagen.kinds import avro_crawler, csv_header, json_openx, regex_logs, tsv
from tests.datagen.kinds import zoo_kinds as zoo
from tests.datagen.kinds.conftest import BUCKET, DATABASE, ROWS, SEED


def _glue(name: str, written):
    module = zoo.kind(name)
    return module.glue_table(BUCKET, DATABASE, module.TABLE, written[name])


def test_avro_files_read_back_by_fastavro_with_the_table_schema(zoo_root, written):
    """fastavro reads each partition's file with the schema in avro.schema.literal and gets
    the partition's records."""
    glue = _glue("avro_crawler", written)
    literal = json.loads(
        glue.table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"]["avro.schema.literal"]
    )
    expected = avro_crawler.records(SEED, written["avro_crawler"].prefix, ROWS)
    for f in written["avro_crawler"].files:
        with (zoo_root / f.key).open("rb") as handle:
            reader = fastavro.reader(handle, reader_schema=literal)
            assert reader.codec == "deflate", f.key
            assert list(reader) == expected[f.partition["dt"]], f.key
    assert sum(len(v) for v in expected.values()) == ROWS


def test_openx_json_lines_are_one_object_per_line(zoo_root, written):
    """Every line of the OpenX table's file is one JSON object with exactly the table's
    columns, equal to the rows generated."""
    (f,) = written["json_openx"].files
    lines = (zoo_root / f.key).read_text().splitlines()
    records = [json.loads(line) for line in lines]
    columns = [
        c["Name"] for c in _glue("json_openx", written).table_input["StorageDescriptor"]["Columns"]
    ]
    assert all(list(r) == columns for r in records)
    assert records == json_openx.objects(SEED, written["json_openx"].prefix, ROWS)


def test_hive_json_gzip_files_decompress_to_json_lines(zoo_root, written):
    """Each ``*.json.gz`` is gzip (header without a name or time) holding JSON lines; the
    partitions together hold every row."""
    records = []
    for f in written["json_gzip_hive"].files:
        raw = (zoo_root / f.key).read_bytes()
        assert f.key.endswith(".json.gz") and raw[:2] == b"\x1f\x8b", f.key
        assert raw[4:8] == b"\0\0\0\0", f"{f.key}: gzip mtime is set"
        part = [json.loads(line) for line in gzip.decompress(raw).decode().splitlines()]
        assert len(part) == f.rows, f.key
        records += part
    assert records == json_openx.objects(SEED, written["json_gzip_hive"].prefix, ROWS)
    assert len(_glue("json_gzip_hive", written).partitions) == 2


def test_csv_has_one_header_line_and_quoted_fields(zoo_root, written):
    """pyarrow reads the CSV with its header as the Glue columns and the generated rows,
    commas inside quoted fields included."""
    (f,) = written["csv_header"].files
    read = pacsv.read_csv(
        zoo_root / f.key,
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c, _ in csv_header.COLUMNS}
        ),
    )
    assert read.column_names == [c for c, _ in csv_header.COLUMNS]
    assert read.equals(csv_header.table(SEED, written["csv_header"].prefix, ROWS))
    assert any("," in name for name in read.column("name").to_pylist())
    params = _glue("csv_header", written).table_input["Parameters"]
    assert params["skip.header.line.count"] == "1"


def test_tsv_reads_back_with_the_glue_columns_and_the_tab(zoo_root, written):
    """pyarrow reads the headerless TSV with the SerDe's field.delim and the Glue column
    names and gets the typed rows back."""
    glue = _glue("tsv", written)
    delimiter = glue.table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"]
    (f,) = written["tsv"].files
    expected = tsv.table(SEED, written["tsv"].prefix, ROWS)
    read = pacsv.read_csv(
        zoo_root / f.key,
        read_options=pacsv.ReadOptions(column_names=[c for c, _ in tsv.COLUMNS]),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False),
        convert_options=pacsv.ConvertOptions(column_types=expected.schema),
    )
    assert delimiter == "\t"
    assert read.equals(expected)


def test_alb_logs_match_the_tables_input_regex_line_by_line(zoo_root, written):
    """Every line of every ``*.log.gz`` matches the table's own input.regex, with one group
    per Glue column, and the lines are the rows written."""
    glue = _glue("regex_logs", written)
    descriptor = glue.table_input["StorageDescriptor"]
    pattern = re.compile(descriptor["SerdeInfo"]["Parameters"]["input.regex"])
    total = 0
    for f in written["regex_logs"].files:
        assert f.key.endswith(".log.gz"), f.key
        lines = gzip.decompress((zoo_root / f.key).read_bytes()).decode().splitlines()
        for line in lines:
            match = pattern.fullmatch(line)
            assert match, f"{f.key}: {line!r} does not match input.regex"
            assert len(match.groups()) == len(descriptor["Columns"])
            assert int(match.group(11)) in {200, 201, 304, 404, 502}
        assert len(lines) == f.rows, f.key
        total += len(lines)
    assert total == ROWS
    assert regex_logs.INPUT_REGEX == pattern.pattern
