"""Re-read generated output with each format's real reader and check it against the catalog.

``validate`` returns a list of problems (empty when everything holds): the manifest
matches the files byte for byte, every file's columns, types and row counts are the
catalog's, partitions are the catalog's with the folder text equal to the values,
and every value is one its column's value spec can produce.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.orc as pa_orc
import pyarrow.parquet as pq
from pyiceberg.table import StaticTable

from datagen.catalog import (
    REFERENCE_DATE,
    TABLES,
    Choice,
    Column,
    DateBefore,
    DecimalRange,
    FloatRange,
    Format,
    IntRange,
    JsonObject,
    Pool,
    StringList,
    TableSpec,
    Timestamp,
    Uuid,
)
from datagen.catalog import (
    Sequence as SequenceSpec,
)
from datagen.iceberg import mirror_properties
from datagen.manifest import MANIFEST_NAME, FileEntry, Manifest, TableEntry
from datagen.pools import pool
from datagen.values import recent_days

_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
_CSV_TIMESTAMP = "%Y-%m-%d %H:%M:%S"

Period = tuple[dt.datetime, dt.datetime] | None


# --- types -------------------------------------------------------------------------------


def _comparable(data_type: pa.DataType) -> pa.DataType:
    """A type with the differences the readers introduce removed: ORC gives back
    nanosecond timestamps, and list item names and string sizes vary by reader."""
    if pa.types.is_timestamp(data_type):
        return pa.timestamp("us", data_type.tz)
    if pa.types.is_large_string(data_type) or pa.types.is_string_view(data_type):
        return pa.string()
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return pa.list_(_comparable(data_type.value_type))
    return data_type


def schema_problems(where: str, actual: pa.Schema, spec: TableSpec, exact: bool) -> list[str]:
    """Columns of ``actual`` against the catalog: same names in the same order, same types
    (``exact``: including the timestamp unit, for the Parquet files engines read)."""
    expected = spec.arrow_schema
    if actual.names != expected.names:
        return [f"{where}: columns {actual.names}, the catalog says {expected.names}"]
    problems = []
    for got, want in zip(actual, expected, strict=True):
        same = got.type == want.type if exact else _comparable(got.type) == _comparable(want.type)
        if not same:
            problems.append(
                f"{where}: column {got.name} is {got.type}, the catalog says {want.type}"
            )
    return problems


# --- values ------------------------------------------------------------------------------


def _as_drawn(column: Column, array: pa.Array) -> pa.Array:
    """CSV text back to the type its values were drawn as."""
    if not pa.types.is_string(array.type):
        return array
    if isinstance(column.values, Timestamp):
        return pc.strptime(array, format=_CSV_TIMESTAMP, unit="us")
    if isinstance(column.values, (IntRange, SequenceSpec)):
        return array.cast(pa.int64())
    return array


def _outside(array: pa.Array, low: Any, high: Any, *, high_open: bool = False) -> str | None:
    if len(array) == 0:
        return None
    least, most = pc.min_max(array).values()
    if least.as_py() < low or (most.as_py() >= high if high_open else most.as_py() > high):
        bound = ")" if high_open else "]"
        return f"values {least.as_py()}..{most.as_py()} outside [{low}, {high}{bound}"
    return None


def _not_in(array: pa.Array, allowed: pa.Array) -> str | None:
    missing = pc.invert(pc.is_in(array, value_set=allowed))
    if pc.any(missing).as_py():
        return f"value {pc.filter(array, missing)[0].as_py()!r} is not one it can take"
    return None


def _json_problem(spec: JsonObject, array: pa.Array) -> str | None:
    keys = [key for key, _ in spec.fields]
    for text in array.to_pylist():
        try:
            document = json.loads(text)
        except ValueError:
            return f"{text!r} is not JSON"
        if not isinstance(document, dict) or list(document) != keys:
            return f"{text!r} is not an object with the keys {keys}"
        for key, values in spec.fields:
            wanted = int if isinstance(values, (IntRange, SequenceSpec)) else str
            if type(document[key]) is not wanted:
                return f"{text!r}: {key} is not a {wanted.__name__}"
    return None


def _list_problem(spec: StringList, array: pa.Array, seed: int) -> str | None:
    lengths = pc.list_value_length(array)
    problem = _outside(lengths, spec.min_len, spec.max_len)
    if problem:
        return f"list lengths: {problem}"
    return _not_in(pc.list_flatten(array), pool(spec.pool, seed))


def value_problem(column: Column, array: pa.Array, period: Period, seed: int) -> str | None:
    """Why ``array`` cannot be values of ``column`` (``None`` if it can)."""
    if array.null_count:
        return f"{array.null_count} null values"
    try:
        array = _as_drawn(column, array)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        return f"values do not parse as drawn: {err}"
    values = column.values
    if isinstance(values, SequenceSpec):
        return _outside(array, values.start, float("inf"))
    if isinstance(values, IntRange):
        return _outside(array, values.low, values.high)
    if isinstance(values, DecimalRange):
        return _outside(array, Decimal(f"{values.low:.2f}"), Decimal(f"{values.high:.2f}"))
    if isinstance(values, FloatRange):
        return _outside(array, values.low, values.high)
    if isinstance(values, Choice):
        return _not_in(array, pa.array(values.options, pa.string()))
    if isinstance(values, Pool):
        return _not_in(array, pool(values.name, seed))
    if isinstance(values, Uuid):
        bad = pc.invert(pc.match_substring_regex(array, _UUID))
        return f"{pc.filter(array, bad)[0]} is not a UUID" if pc.any(bad).as_py() else None
    if isinstance(values, Timestamp):
        start, end = period or recent_days(values.days)
        return _outside(array.cast(pa.timestamp("us")), start, end, high_open=True)
    if isinstance(values, DateBefore):
        return _outside(array, REFERENCE_DATE - dt.timedelta(days=values.days - 1), REFERENCE_DATE)
    if isinstance(values, JsonObject):
        return _json_problem(values, array)
    if isinstance(values, StringList):
        return _list_problem(values, array, seed)
    return f"no check for value spec {values!r}"


class _Rows:
    """Checks the batches of one table's files and keeps what spans files (unique ids)."""

    def __init__(self, spec: TableSpec, seed: int):
        self.spec = spec
        self.seed = seed
        self.problems: list[str] = []
        self._sequences: dict[str, list[np.ndarray]] = {
            c.name: [] for c in spec.columns if isinstance(c.values, SequenceSpec)
        }

    def check(self, where: str, batches: Iterable[pa.RecordBatch], period: Period) -> int:
        rows = 0
        for batch in batches:
            rows += batch.num_rows
            for column in self.spec.columns:
                array = batch.column(column.name)
                if isinstance(array, pa.ChunkedArray):
                    array = array.combine_chunks()
                problem = value_problem(column, array, period, self.seed)
                if problem:
                    self.problems.append(f"{where}: column {column.name}: {problem}")
                elif column.name in self._sequences:
                    self._sequences[column.name].append(_as_drawn(column, array).to_numpy())
        return rows

    def finish(self) -> list[str]:
        for name, chunks in self._sequences.items():
            ids = np.concatenate(chunks) if chunks else np.array([], dtype=np.int64)
            if len(np.unique(ids)) != len(ids):
                self.problems.append(f"{self.spec.prefix}: column {name} repeats values")
        return self.problems


# --- formats -----------------------------------------------------------------------------


def _partition_period(spec: TableSpec, entry: FileEntry) -> Period:
    if spec.partitioning is None or entry.partition is None:
        return None
    return spec.partitioning.period_bounds(
        tuple(entry.partition[k.name] for k in spec.partition_keys)
    )


def _parquet_rows(
    path: Path, entry: FileEntry, spec: TableSpec, rows: _Rows
) -> tuple[int, list[str]]:
    problems = []
    # Timestamps are INT96, which pyarrow reads as nanoseconds unless told.
    parquet = pq.ParquetFile(path, coerce_int96_timestamp_unit="us")
    problems += schema_problems(entry.key, parquet.schema_arrow, spec, exact=True)
    timestamps = {c.name for c in spec.columns if pa.types.is_timestamp(c.arrow_type)}
    for index in range(len(parquet.schema)):
        leaf = parquet.schema.column(index)
        if leaf.path in timestamps and leaf.physical_type != "INT96":
            problems.append(f"{entry.key}: column {leaf.path} is {leaf.physical_type}, not INT96")
    metadata = parquet.metadata
    for group in range(metadata.num_row_groups):
        for index in range(metadata.num_columns):
            chunk = metadata.row_group(group).column(index)
            if chunk.compression == "UNCOMPRESSED":
                problems.append(f"{entry.key}: column {chunk.path_in_schema} is not compressed")
    if problems:
        return metadata.num_rows, problems
    count = rows.check(entry.key, parquet.iter_batches(), _partition_period(spec, entry))
    return count, problems


def _orc_rows(path: Path, entry: FileEntry, spec: TableSpec, rows: _Rows) -> tuple[int, list[str]]:
    orc = pa_orc.ORCFile(str(path))
    problems = schema_problems(entry.key, orc.schema, spec, exact=False)
    if orc.compression == "UNCOMPRESSED":
        problems.append(f"{entry.key}: the file is not compressed")
    if problems:
        return orc.nrows, problems
    stripes = (orc.read_stripe(i) for i in range(orc.nstripes))
    return rows.check(entry.key, stripes, _partition_period(spec, entry)), problems


def _csv_batches(
    reader: Iterator[list[str]], names: list[str], where: str
) -> Iterator[pa.RecordBatch]:
    chunk: list[list[str]] = []

    def flush() -> pa.RecordBatch:
        columns = list(zip(*chunk, strict=True)) if chunk else [() for _ in names]
        return pa.RecordBatch.from_arrays([pa.array(c, pa.string()) for c in columns], names=names)

    for number, record in enumerate(reader, start=1):
        if len(record) != len(names):
            raise ValueError(f"{where}: line {number} has {len(record)} fields, not {len(names)}")
        chunk.append(record)
        if len(chunk) == 65_536:
            yield flush()
            chunk = []
    yield flush()


def _csv_rows(path: Path, entry: FileEntry, spec: TableSpec, rows: _Rows) -> tuple[int, list[str]]:
    raw = path.read_bytes()
    problems = []
    if b"\\" in raw:
        problems.append(f"{entry.key}: contains a backslash, which OpenCSVSerde treats as escape")
    names = [c.name for c in spec.columns]
    reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), strict=True)
    try:
        count = rows.check(
            entry.key, _csv_batches(reader, names, entry.key), _partition_period(spec, entry)
        )
    except (ValueError, csv.Error) as err:
        return 0, problems + [f"{entry.key}: {err}"]
    return count, problems


HIVE_READERS: dict[Format, Callable[[Path, FileEntry, TableSpec, _Rows], tuple[int, list[str]]]] = {
    Format.PARQUET: _parquet_rows,
    Format.ORC: _orc_rows,
    Format.CSV: _csv_rows,
}


def _hive_table(root: Path, manifest: Manifest, entry: TableEntry, spec: TableSpec) -> list[str]:
    problems = []
    rows = _Rows(spec, manifest.seed)
    read = HIVE_READERS[spec.format]
    for file in manifest.files_of(entry):
        folder = file.key[len(entry.prefix) + 1 :].rpartition("/")[0]
        partition = file.partition or {}
        values = tuple(partition.get(key.name, "") for key in spec.partition_keys)
        expected = spec.partitioning.path(values) if spec.partitioning and partition else ""
        if folder != expected:
            problems.append(
                f"{file.key}: folder {folder!r} does not match partition {file.partition}"
            )
        if not (root / file.key).is_file():
            continue
        try:
            count, file_problems = read(root / file.key, file, spec, rows)
        except (OSError, ValueError, pa.ArrowException) as err:
            problems.append(f"{file.key}: cannot be read: {err}")
            continue
        problems += file_problems
        if count != file.rows:
            problems.append(f"{file.key}: {count} rows, the manifest says {file.rows}")
    return problems + rows.finish()


def _iceberg_table(root: Path, manifest: Manifest, entry: TableEntry, spec: TableSpec) -> list[str]:
    if not entry.metadata_location:
        return [f"{entry.prefix}: Iceberg table without metadata_location"]
    problems = []
    keys = {f.key for f in manifest.files_of(entry)}
    base = manifest.location.rstrip("/") + "/"

    def key_of(location: str, what: str) -> str | None:
        if not location.startswith(entry.location + "/"):
            problems.append(
                f"{entry.prefix}: {what} {location} is outside the table {entry.location}"
            )
            return None
        key = location[len(base) :]
        if key not in keys:
            problems.append(f"{entry.prefix}: {what} {location} is not a generated file")
        return key

    key_of(entry.metadata_location, "metadata")
    if problems:
        return problems
    table = StaticTable.from_metadata(
        entry.metadata_location, properties=mirror_properties(manifest.location, root)
    )
    metadata = table.metadata
    if metadata.format_version != 2:
        problems.append(f"{entry.prefix}: Iceberg format version {metadata.format_version}, not 2")
    if metadata.location != entry.location:
        problems.append(f"{entry.prefix}: table location {metadata.location}, not {entry.location}")
    problems += schema_problems(entry.prefix, table.schema().as_arrow(), spec, exact=False)
    snapshot = table.current_snapshot()
    if snapshot is None:
        return problems + [f"{entry.prefix}: the table has no snapshot"]
    key_of(snapshot.manifest_list, "manifest list")
    data_rows: dict[str, int] = {}
    for manifest_file in snapshot.manifests(table.io):
        key_of(manifest_file.manifest_path, "manifest")
        for manifest_entry in manifest_file.fetch_manifest_entry(table.io):
            data_file = manifest_entry.data_file
            key = key_of(data_file.file_path, "data file")
            if key:
                data_rows[key] = data_file.record_count
    listed = {f.key: f.rows for f in manifest.files_of(entry) if f.kind == "data"}
    if data_rows != listed:
        problems.append(
            f"{entry.prefix}: snapshot data files {data_rows}, the manifest says {listed}"
        )
    if problems:
        return problems
    rows = _Rows(spec, manifest.seed)
    count = rows.check(entry.prefix, table.scan().to_arrow_batch_reader(), None)
    if count != entry.rows:
        problems.append(
            f"{entry.prefix}: the table scans {count} rows, the manifest says {entry.rows}"
        )
    return problems + rows.finish()


TABLE_CHECKS: dict[Format, Callable[[Path, Manifest, TableEntry, TableSpec], list[str]]] = {
    Format.PARQUET: _hive_table,
    Format.ORC: _hive_table,
    Format.CSV: _hive_table,
    Format.ICEBERG: _iceberg_table,
}


# --- the whole output --------------------------------------------------------------------


def _file_problems(root: Path, manifest: Manifest) -> list[str]:
    problems = []
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    on_disk.discard(MANIFEST_NAME)
    listed = {f.key for f in manifest.files}
    problems += [f"{key}: on disk but not in the manifest" for key in sorted(on_disk - listed)]
    problems += [f"{key}: in the manifest but missing" for key in sorted(listed - on_disk)]
    for file in manifest.files:
        if file.key not in on_disk:
            continue
        path = root / file.key
        if path.stat().st_size != file.bytes:
            problems.append(
                f"{file.key}: {path.stat().st_size} bytes, the manifest says {file.bytes}"
            )
            continue
        with path.open("rb") as handle:
            if hashlib.file_digest(handle, "sha256").hexdigest() != file.sha256:
                problems.append(f"{file.key}: sha256 differs from the manifest")
    return problems


def _partition_problems(manifest: Manifest, entry: TableEntry, spec: TableSpec) -> list[str]:
    problems = []
    if entry.partition_keys != [k.name for k in spec.partition_keys]:
        problems.append(
            f"{entry.prefix}: partition keys {entry.partition_keys}, "
            f"the catalog says {[k.name for k in spec.partition_keys]}"
        )
    expected = spec.partitioning.values() if spec.partitioning else []
    keys = [key.name for key in spec.partition_keys]
    found = [tuple(p.values.get(key, "") for key in keys) for p in entry.partitions]
    if found != expected or any(list(p.values) != keys for p in entry.partitions):
        problems.append(f"{entry.prefix}: partitions {found}, the catalog says {expected}")
    for partition, values in zip(entry.partitions, found, strict=True):
        if (
            spec.partitioning
            and partition.prefix != f"{spec.prefix}/{spec.partitioning.path(values)}/"
        ):
            problems.append(
                f"{entry.prefix}: partition prefix {partition.prefix} does not match its values"
            )
        files = [f for f in manifest.files if f.key.startswith(partition.prefix)]
        if partition.files != len(files) or partition.rows != sum(f.rows or 0 for f in files):
            problems.append(f"{partition.prefix}: file or row counts differ from its files")
    if entry.rows != manifest.rows:
        problems.append(f"{entry.prefix}: {entry.rows} rows, {manifest.rows} were asked for")
    if entry.partitions and sum(p.rows for p in entry.partitions) != entry.rows:
        problems.append(f"{entry.prefix}: partition rows do not add up to the table's")
    return problems


def validate(out_dir: str | Path, tables: Sequence[TableSpec] | None = None) -> list[str]:
    """Problems with the output in ``out_dir``; empty if it is what the catalog declares.

    ``tables`` are the specs the output was generated from (default: the catalog's).
    """
    root = Path(out_dir)
    try:
        manifest = Manifest.load(root)
    except (OSError, ValueError, KeyError, TypeError) as err:
        return [f"{root / MANIFEST_NAME}: cannot be read: {err}"]
    specs = {spec.prefix: spec for spec in (tables if tables is not None else TABLES)}
    problems = _file_problems(root, manifest)
    present = {entry.prefix for entry in manifest.tables}
    if tables is not None:
        problems += [
            f"{prefix}: selected but not generated" for prefix in specs if prefix not in present
        ]
    for entry in manifest.tables:
        spec = specs.get(entry.prefix)
        if spec is None:
            problems.append(f"{entry.prefix}: not a table of the catalog")
            continue
        if (entry.name, entry.role, entry.format) != (spec.name, spec.role, spec.format.value):
            problems.append(f"{entry.prefix}: name, role or format differ from the catalog")
            continue
        problems += _partition_problems(manifest, entry, spec)
        try:
            problems += TABLE_CHECKS[spec.format](root, manifest, entry, spec)
        except Exception as err:  # a reader's failure is a finding, whatever its type
            problems.append(f"{entry.prefix}: cannot be read: {type(err).__name__}: {err}")
    return problems
