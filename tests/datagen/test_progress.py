"""Generation progress: a line per table while a cache miss generates, none on a hit.

Each test runs in a process of its own, as the generator runs: the CLI without Pulumi
loaded, the program under a Pulumi engine (here the SDK's mock engine).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from datagen.manifest import Manifest

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(
    r"^datagen: \[(\d+)/(\d+)\] (\S+): ([\d,]+) rows, ([\d,]+) files, ([\d,]+) bytes in "
    r"(\d+\.\d\d) s$"
)

UNDER_PULUMI = textwrap.dedent(
    """\
    import json, logging, sys
    import pulumi
    from datagen.cache import generate_cached
    from datagen.catalog import select_tables

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return [f"{args.name}-id", args.inputs]
        def call(self, args):
            return {}

    messages = []
    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    engine_log = logging.getLogger("engine")
    engine_log.addHandler(Collect())
    engine_log.setLevel(logging.INFO)
    engine_log.propagate = False
    pulumi.runtime.set_mocks(Mocks(), project="p", stack="s", logger=engine_log)
    tables = select_tables(["sales_data", "events_raw"])
    generate_cached(sys.argv[1], tables=tables, rows=20, seed=3, location=None)
    miss = list(messages)
    entry, _ = generate_cached(sys.argv[1], tables=tables, rows=20, seed=3, location=None)
    print(json.dumps({"miss": miss, "hit": messages[len(miss):], "entry": str(entry)}))
    """
)


def _parse(lines: list[str]) -> list[tuple[int, int, str, int, int, int]]:
    parsed = []
    for text in lines:
        match = LINE.match(text)
        assert match, f"not a progress line: {text!r}"
        i, n, prefix, rows, files, size, _ = match.groups()
        parsed.append(
            (int(i), int(n), prefix, *(int(v.replace(",", "")) for v in (rows, files, size)))
        )
    return parsed


def _expected(manifest: Manifest) -> list[tuple[int, int, str, int, int, int]]:
    count = len(manifest.tables)
    return [
        (i, count, t.key, t.rows, t.files, t.bytes) for i, t in enumerate(manifest.tables, start=1)
    ]


def test_cli_prints_a_progress_line_per_table_to_stderr(tmp_path):
    """python -m datagen: one stderr line per table with its rows, files, bytes and seconds."""
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "datagen", "--out", str(out), "--rows", "30",
         "--tables", "sales_data,metrics_orc,customer_data"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _parse(done.stderr.splitlines()) == _expected(Manifest.load(out))
    assert "datagen: [" not in done.stdout  # stdout stays the file listing


def test_under_pulumi_a_miss_logs_each_table_to_the_engine_and_a_hit_logs_nothing(tmp_path):
    """Under a Pulumi engine each table is an info diagnostic; a cache hit reports nothing."""
    done = subprocess.run(
        [sys.executable, "-c", UNDER_PULUMI, str(tmp_path / "cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert _parse(result["miss"]) == _expected(Manifest.load(Path(result["entry"])))
    assert result["hit"] == []
    assert "datagen: [" not in done.stderr  # the engine has it, not stderr as well
