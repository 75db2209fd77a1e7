"""CSV for OpenCSVSerde: no header line, RFC 4180 quoting, every column declared string.

Hive and Trino read OpenCSVSerde columns only as string, and its default escape
character (``\\``) eats backslashes, so the files hold none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from datagen.catalog import Format
from datagen.kinds.hive import TEXT_INPUT, TEXT_OUTPUT, HiveKind, partition_period

if TYPE_CHECKING:
    import pyarrow as pa

    from datagen.catalog import TableSpec
    from datagen.checks import RowChecker
    from datagen.manifest import FileEntry

_BATCH_LINES = 65_536


def _batches(reader: Iterator[list[str]], names: list[str], where: str) -> Iterator[pa.RecordBatch]:
    import pyarrow as pa

    chunk: list[list[str]] = []

    def flush() -> pa.RecordBatch:
        columns = list(zip(*chunk, strict=True)) if chunk else [() for _ in names]
        return pa.RecordBatch.from_arrays([pa.array(c, pa.string()) for c in columns], names=names)

    for number, record in enumerate(reader, start=1):
        if len(record) != len(names):
            raise ValueError(f"{where}: line {number} has {len(record)} fields, not {len(names)}")
        chunk.append(record)
        if len(chunk) == _BATCH_LINES:
            yield flush()
            chunk = []
    yield flush()


class CsvKind(HiveKind):
    """CSV without a header line, RFC 4180 quoting (quotes doubled, never backslash-escaped),
    as OpenCSVSerde reads it; every column is text. No header because Spark ignores
    ``skip.header.line.count`` and would return each header as a row."""

    name = "csv"
    format = Format.CSV
    extension = "csv"
    content_type = "text/csv"
    classification = "csv"
    input_format = TEXT_INPUT
    output_format = TEXT_OUTPUT
    serde = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
    serde_parameters = {"separatorChar": ",", "quoteChar": '"', "escapeChar": "\\"}

    def write_file(self, path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
        import pyarrow.csv as pa_csv

        options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
        with pa_csv.CSVWriter(path, schema, write_options=options) as writer:
            for batch in batches:
                writer.write_batch(batch)

    def read_file(
        self, path: Path, file: FileEntry, spec: TableSpec, rows: RowChecker
    ) -> tuple[int, list[str]]:
        raw = path.read_bytes()
        problems = []
        if b"\\" in raw:
            problems.append(
                f"{file.key}: contains a backslash, which OpenCSVSerde treats as escape"
            )
        names = [c.name for c in spec.columns]
        reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), strict=True)
        try:
            count = rows.check(
                file.key, _batches(reader, names, file.key), partition_period(spec, file)
            )
        except (ValueError, csv.Error) as err:
            return 0, problems + [f"{file.key}: {err}"]
        return count, problems


KIND = CsvKind()
