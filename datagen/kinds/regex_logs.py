"""ALB-style access logs (``*.log.gz``) read by RegexSerDe.

Columns and regex follow Athena's ALB access-log table
(docs.aws.amazon.com/athena/latest/ug/create-alb-access-logs-table.html), cut to the
first 17 fields of the ALB log line, so a line of this table is the prefix of a real
ALB log line. RegexSerDe needs every column to be matched by one group.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds import zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "alb_access_logs"
SERDE = "org.apache.hadoop.hive.serde2.RegexSerDe"
# Java and Python read this regex alike (no possessive quantifiers, no named groups).
INPUT_REGEX = (
    r"([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) "
    r'([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) "([^ ]*) (.*) (- |[^ ]*)" '
    r'"([^"]*)"'
)
COLUMNS = [
    ("type", "string"),
    ("time", "string"),
    ("elb", "string"),
    ("client_ip", "string"),
    ("client_port", "int"),
    ("target_ip", "string"),
    ("target_port", "int"),
    ("request_processing_time", "double"),
    ("target_processing_time", "double"),
    ("response_processing_time", "double"),
    ("elb_status_code", "int"),
    ("target_status_code", "string"),
    ("received_bytes", "bigint"),
    ("sent_bytes", "bigint"),
    ("request_verb", "string"),
    ("request_url", "string"),
    ("request_proto", "string"),
    ("user_agent", "string"),
]
PARTITION_KEYS = [("day", "string")]
PARTITIONS = 2
_PATHS = ("/", "/api/orders", "/api/orders/42", "/login", "/static/app.js")
_VERBS = ("GET", "GET", "GET", "POST", "PUT")
_AGENTS = ("Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "aws-sdk-java/2.25 Linux/6.1")


def log_lines(seed: int, table_prefix: str, count: int, day: dt.date) -> list[str]:
    generator = zoo.rng(seed, f"{table_prefix}/{day.isoformat()}")
    start = dt.datetime.combine(day, dt.time())
    lines = []
    for _ in range(count):
        moment = start + dt.timedelta(microseconds=int(generator.integers(86_400_000_000)))
        status = int(generator.choice([200, 200, 200, 201, 304, 404, 502]))
        client = ".".join(str(int(x)) for x in generator.integers(1, 255, 4))
        path = _PATHS[int(generator.integers(len(_PATHS)))]
        lines.append(
            f"https {moment.strftime('%Y-%m-%dT%H:%M:%S.%f')}Z app/zoo-alb/50dc6c495c0c9188 "
            f"{client}:{int(generator.integers(1024, 65535))} 10.0.1.17:8080 "
            f"0.000 {generator.integers(1, 900) / 1000:.3f} 0.000 {status} {status} "
            f"{int(generator.integers(100, 2000))} {int(generator.integers(200, 90000))} "
            f'"{_VERBS[int(generator.integers(len(_VERBS)))]} '
            f'https://zoo.example.com:443{path} HTTP/1.1" '
            f'"{_AGENTS[int(generator.integers(len(_AGENTS)))]}"'
        )
    return lines


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    files = []
    for day, count in zip(zoo.days(PARTITIONS), zoo.split(rows, PARTITIONS), strict=True):
        key = f"{table_prefix}/day={day.isoformat()}/zoo-alb_{day:%Y%m%d}T0000Z.log.gz"
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        text = "".join(line + "\n" for line in log_lines(seed, table_prefix, count, day))
        with (root / key).open("wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as out:
            out.write(text.encode())
        files.append(zoo.file_record(root, key, count, {"day": day.isoformat()}))
    return zoo.Written(table_prefix, tuple(files))


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    descriptor = zoo.storage_descriptor(
        zoo.table_location(bucket, written),
        COLUMNS,
        zoo.TEXT_INPUT,
        zoo.TEXT_OUTPUT,
        SERDE,
        {"serialization.format": "1", "input.regex": INPUT_REGEX},
        compressed=True,
    )
    # No classification: Athena's documented DDL for ALB logs sets no table properties.
    table = zoo.external_table(name, descriptor, {}, PARTITION_KEYS)
    return zoo.GlueTable(table, zoo.hive_partitions(bucket, written, descriptor, {}))


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="regex_logs",
        detected_format="REGEX_TEXT",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "RegexSerDe text logs: the schema lives in input.regex; rewrite to Parquet",
            "gzip files cannot be split: one reader per file",
        ),
    )


def _typed(text: str, glue_type: str) -> Any:
    """A group's text as RegexSerDe gives it for the column's type: a number that does not
    parse (``-``, empty) is NULL, as Hive's RegexSerDe makes it."""
    if glue_type == "string":
        return text
    try:
        return float(text) if glue_type == "double" else int(text)
    except ValueError:
        return None


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: each line's ``input.regex``
    groups cast to the column types, then ``day``."""
    from datagen.kinds import glue_rows

    pattern = re.compile(INPUT_REGEX)
    records = []
    for day, count in zip(zoo.days(PARTITIONS), zoo.split(rows, PARTITIONS), strict=True):
        for line in log_lines(seed, table_prefix, count, day):
            match = pattern.fullmatch(line)
            if match is None:
                raise ValueError(f"{table_prefix}: a log line does not match input.regex: {line}")
            record: dict[str, Any] = {
                name: _typed(text, glue_type)
                for (name, glue_type), text in zip(COLUMNS, match.groups(), strict=True)
            }
            records.append({**record, "day": day.isoformat()})
    return glue_rows.from_records(records, [*COLUMNS, *PARTITION_KEYS])


KIND = zoo.ZooKind("regex_logs", write, glue_table, expected, rows)
