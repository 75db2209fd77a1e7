"""Reads an Iceberg table with iceberg-rust (pyiceberg-core's DataFusion table provider).

Run as a child process: ``python -m tests.engines.iceberg_rust ARGUMENTS_JSON OUT_FILE``.
iceberg-rust holds the GIL while it waits for S3, and the test suite's emulator serves
S3 from a thread of the test process, so in-process the read would wait for itself
until its I/O timeout. The rows go back as an Arrow IPC file.
"""

from __future__ import annotations

import json
import sys

import pyarrow as pa


def read(identifier: list[str], metadata_location: str, properties: dict[str, str], sql: str):
    from datafusion import SessionContext
    from pyiceberg_core.datafusion import IcebergDataFusionTable

    provider = IcebergDataFusionTable(
        identifier=identifier,
        metadata_location=metadata_location,
        file_io_properties=properties,
    )
    context = SessionContext()
    context.register_table("t", provider)
    return context.sql(sql).to_arrow_table()


def main(arguments: str, out: str) -> None:
    given = json.loads(arguments)
    data = read(given["identifier"], given["metadata_location"], given["properties"], given["sql"])
    with pa.OSFile(out, "wb") as sink, pa.ipc.new_file(sink, data.schema) as writer:
        writer.write_table(data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
