"""Tab-separated text read by LazySimpleSerDe (no quoting, typed columns).

docs.aws.amazon.com/athena/latest/ug/lazy-simple-serde.html: ``field.delim`` names the
separator; ``serialization.format`` carries the same character, as Hive's DDL writes it.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from zoo import base

TABLE = "tsv"
SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
SERDE_PARAMETERS = {"field.delim": "\t", "serialization.format": "\t"}
COLUMNS = [("id", "bigint"), ("name", "string"), ("qty", "int"), ("amount", "double"),
           ("day", "date")]


def table(seed: int, table_prefix: str, rows: int) -> pa.Table:
    sample = base.sample_rows(base.rng(seed, table_prefix), rows, base.REFERENCE_DATE)
    return pa.table(
        {
            "id": pa.array(range(1, rows + 1), pa.int64()),
            "name": [r["name"] for r in sample],
            "qty": pa.array([r["qty"] for r in sample], pa.int32()),
            "amount": [float(r["amount"]) for r in sample],
            "day": pa.array([r["ts"].date() for r in sample], pa.date32()),
        }
    )


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> base.Written:
    key = f"{table_prefix}/part-00000.tsv"
    (root / key).parent.mkdir(parents=True, exist_ok=True)
    # No header and no quotes: LazySimpleSerDe would read both as data.
    options = pacsv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none")
    pacsv.write_csv(table(seed, table_prefix, rows), root / key, options)
    return base.Written(table_prefix, (base.file_record(root, key, rows),))


def glue_table(bucket: str, database: str, name: str, written: base.Written) -> base.GlueTable:
    descriptor = base.storage_descriptor(
        base.table_location(bucket, written), COLUMNS, base.TEXT_INPUT, base.TEXT_OUTPUT,
        SERDE, SERDE_PARAMETERS,
    )
    # How a crawler labels delimited text (classification csv plus its delimiter); no AWS
    # page defines a classification for TSV.
    return base.GlueTable(
        base.external_table(name, descriptor, {"classification": "csv", "delimiter": "\t"})
    )


def expected(written: base.Written) -> base.Expected:
    return base.Expected(
        kind="tsv", detected_format="TSV", is_iceberg=False, rows=written.rows,
        notes=("delimited text: needs conversion to Parquet or Iceberg",),
    )
