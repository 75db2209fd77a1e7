"""The engine quirks the encodings avoid, kept true: each test writes the encoding the
generator no longer uses and shows the engine misreading it (docs/engines.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datagen.kinds import kind_for
from tests.engines.conftest import SPARK_MODES, spark_session


def _hive_table(session, name: str, kind: str, columns: str, folder: Path, extra: str = ""):
    hive = kind_for(kind)
    serde = ", ".join(f"'{k}'='{v}'" for k, v in hive.serde_parameters.items()).replace(
        "\\", "\\\\"
    )
    session.sql(f"DROP TABLE IF EXISTS quirks.{name}")
    session.sql("CREATE DATABASE IF NOT EXISTS quirks")
    session.sql(
        f"CREATE EXTERNAL TABLE quirks.{name} ({columns}) "
        f"ROW FORMAT SERDE '{hive.serde}' WITH SERDEPROPERTIES ({serde}) "
        f"STORED AS INPUTFORMAT '{hive.input_format}' OUTPUTFORMAT '{hive.output_format}' "
        f"LOCATION 'file://{folder}' {extra}"
    )


def test_hive_serde_cannot_read_int64_parquet_timestamps(spark_tables, tmp_path) -> None:
    """Hive's ParquetHiveSerDe fails on INT64 TIMESTAMP(MICROS) (ClassCastException), which
    is why the Parquet tables store INT96; Spark's own reader reads it."""
    table = pa.table({"ts": pa.array([dt.datetime(2024, 12, 31, 12, 0)], pa.timestamp("us"))})
    pq.write_table(table, tmp_path / "part-00000.parquet", coerce_timestamps="us")
    session = spark_session(spark_tables, "spark-hive-serde")
    _hive_table(session, "int64_timestamps", "parquet", "ts timestamp", tmp_path)
    with pytest.raises(Exception, match="LongWritable cannot be cast"):
        session.sql("SELECT ts FROM quirks.int64_timestamps").collect()
    native = spark_session(spark_tables, "spark")
    rows = native.sql("SELECT CAST(ts AS TIMESTAMP_NTZ) FROM quirks.int64_timestamps").collect()
    assert [tuple(r) for r in rows] == [(dt.datetime(2024, 12, 31, 12, 0),)]


@pytest.mark.parametrize("mode", list(SPARK_MODES))
def test_spark_returns_a_csv_header_as_a_row(mode, spark_tables, tmp_path) -> None:
    """Spark ignores skip.header.line.count: a CSV file with a header and two rows reads as
    three rows, which is why the CSV table has no header line."""
    (tmp_path / "part-00000.csv").write_text('a,b\n"1","x"\n"2","y"\n', encoding="utf-8")
    session = spark_session(spark_tables, mode)
    _hive_table(
        session,
        f"header_csv_{mode.replace('-', '_')}",
        "csv",
        "a string, b string",
        tmp_path,
        "TBLPROPERTIES ('skip.header.line.count'='1')",
    )
    rows = session.sql(f"SELECT a, b FROM quirks.header_csv_{mode.replace('-', '_')}").collect()
    assert sorted(tuple(r) for r in rows) == [("1", "x"), ("2", "y"), ("a", "b")]
