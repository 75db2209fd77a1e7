"""ORC: Hive-style, compressed. Athena reads ORC columns by position: the file's column
order is the catalog's, which is also the Glue column order."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from datagen.catalog import Format
from datagen.kinds.base import OCTET_STREAM
from datagen.kinds.hive import HiveKind, partition_period

if TYPE_CHECKING:
    import pyarrow as pa

    from datagen.catalog import TableSpec
    from datagen.checks import RowChecker
    from datagen.manifest import FileEntry


class OrcKind(HiveKind):
    name = "orc"
    format = Format.ORC
    extension = "orc"
    content_type = OCTET_STREAM
    classification = "orc"
    input_format = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"
    serde = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"

    def write_file(self, path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
        import pyarrow as pa
        import pyarrow.orc as pa_orc

        # pyarrow writes ORC uncompressed unless told.
        writer = pa_orc.ORCWriter(str(path), compression="snappy")
        try:
            wrote = False
            for batch in batches:
                writer.write(pa.Table.from_batches([batch], schema=schema))
                wrote = True
            if not wrote:
                writer.write(schema.empty_table())
        finally:
            writer.close()

    def read_file(
        self, path: Path, file: FileEntry, spec: TableSpec, rows: RowChecker
    ) -> tuple[int, list[str]]:
        import pyarrow.orc as pa_orc

        from datagen.checks import schema_problems

        orc = pa_orc.ORCFile(str(path))
        problems = schema_problems(file.key, orc.schema, spec, exact=False)
        if orc.compression == "UNCOMPRESSED":
            problems.append(f"{file.key}: the file is not compressed")
        if problems:
            return orc.nrows, problems
        stripes = (orc.read_stripe(i) for i in range(orc.nstripes))
        return rows.check(file.key, stripes, partition_period(spec, file)), problems


KIND = OrcKind()
