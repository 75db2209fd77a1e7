"""Parquet: Hive-style, read by every engine through ``ParquetHiveSerDe``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from datagen.catalog import Format
from datagen.kinds.base import PARQUET_CONTENT_TYPE
from datagen.kinds.hive import HiveKind, partition_period

if TYPE_CHECKING:
    import pyarrow as pa

    from datagen.catalog import TableSpec
    from datagen.checks import RowChecker
    from datagen.manifest import FileEntry


class ParquetKind(HiveKind):
    """Parquet as Hive, Athena, Spark and Trino read it: INT96 timestamps, int32 for
    ``int``, fixed-length decimals, Snappy pages.

    INT96 because Hive's ``ParquetHiveSerDe`` (2.3, as in EMR and Spark's Hive SerDe
    path) reads no other timestamp encoding, and it is what Spark, Glue ETL and
    Athena's Hive writer produce; every engine of docs/engines.md reads its wall clock."""

    name = "parquet"
    format = Format.PARQUET
    extension = "parquet"
    content_type = PARQUET_CONTENT_TYPE
    classification = "parquet"
    input_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    serde = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"

    def write_file(self, path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
        import pyarrow.parquet as pq

        with pq.ParquetWriter(
            path,
            schema,
            compression="snappy",
            version="2.6",
            use_deprecated_int96_timestamps=True,
        ) as writer:
            for batch in batches:
                writer.write_batch(batch)

    def read_file(
        self, path: Path, file: FileEntry, spec: TableSpec, rows: RowChecker
    ) -> tuple[int, list[str]]:
        import pyarrow.parquet as pq

        from datagen.checks import schema_problems

        # Timestamps are INT96, which pyarrow reads as nanoseconds unless told.
        parquet = pq.ParquetFile(path, coerce_int96_timestamp_unit="us")
        problems = schema_problems(file.key, parquet.schema_arrow, spec, exact=True)
        timestamps = {c.name for c in spec.columns if c.glue_type == "timestamp"}
        for index in range(len(parquet.schema)):
            leaf = parquet.schema.column(index)
            if leaf.path in timestamps and leaf.physical_type != "INT96":
                problems.append(
                    f"{file.key}: column {leaf.path} is {leaf.physical_type}, not INT96"
                )
        metadata = parquet.metadata
        for group in range(metadata.num_row_groups):
            for index in range(metadata.num_columns):
                chunk = metadata.row_group(group).column(index)
                if chunk.compression == "UNCOMPRESSED":
                    problems.append(f"{file.key}: column {chunk.path_in_schema} is not compressed")
        if problems:
            return metadata.num_rows, problems
        return rows.check(file.key, parquet.iter_batches(), partition_period(spec, file)), problems


KIND = ParquetKind()
