"""Measure the memory the target lakehouse's services take on a developer machine.

Each of ``--runs`` runs starts the REST catalog, the Hive metastore and Trino as the
suite does (``tests/families/target/services.py``: the containers' files and JVM heaps,
``components.target_settings.HEAPS``), runs the canary of ``pulumi up`` through them
(``components.target_canary``: a table made, read back and dropped in each catalog),
then reads each process's resident set (``VmRSS`` of it and its children, from
``/proc``), and stops them. The object store is moto and PostgreSQL is a local server
(one per benchmark, as in the suite); neither is the container's, so neither is counted.

Printed per service: the median and range of the resident sizes, and the median total.

    uv run --no-sync python benchmarks/target_memory.py [--runs 5]

Needs the services' caches (``scripts/test`` fills them) and the PostgreSQL 15 binaries.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SERVICES = ("rest", "metastore", "trino")


def resident_kib(pid: int, field: str = "VmRSS") -> int:
    """``field`` of ``/proc/<pid>/status`` (``VmRSS`` now, ``VmHWM`` the peak) summed over
    ``pid`` and every process below it, in KiB."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except FileNotFoundError:
            continue
        for line in status.splitlines():
            if line.startswith(f"{field}:"):
                total += int(line.split()[1])
        children = Path(f"/proc/{current}/task/{current}/children")
        if children.exists():
            pending.extend(int(child) for child in children.read_text().split())
    return total


def one_run(object_store: str, postgres: object, folder: Path) -> dict[str, tuple[int, int]]:
    """Start the three services, run the canary, measure; (now, peak) KiB per service."""
    from components import target_canary
    from tests.families.target import services

    with contextlib.ExitStack() as stack:
        rest = stack.enter_context(services.rest_service(object_store, folder / "rest"))
        metastore = stack.enter_context(
            services.metastore_service(object_store, postgres, folder / "metastore")
        )
        trino = stack.enter_context(
            services.trino_service(object_store, rest.url, metastore.uri, folder / "trino")
        )
        target_canary.run(f"http://127.0.0.1:{trino.port}")
        processes = {"rest": rest.process, "metastore": metastore.process, "trino": trino.process}
        return {
            name: (resident_kib(process.pid), resident_kib(process.pid, "VmHWM"))
            for name, process in processes.items()
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs to take medians of (5)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error(f"--runs {args.runs}: give 1 or more runs")

    import boto3
    from moto.server import ThreadedMotoServer

    from components import target_settings as settings
    from tests.support import postgres as local_postgres
    from tests.support.moto_server import ACCESS_KEY, SECRET_KEY

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    emulator = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    emulator.start()
    host, port = emulator.get_host_and_port()
    object_store = f"http://{host}:{port}"
    boto3.client(
        "s3",
        endpoint_url=object_store,
        region_name=settings.S3_REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    ).create_bucket(Bucket=settings.WAREHOUSE_BUCKET)
    server = local_postgres.start_server()
    samples: dict[str, list[int]] = {name: [] for name in SERVICES}
    peaks: dict[str, list[int]] = {name: [] for name in SERVICES}
    try:
        for run in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="target-memory-") as tmp:
                folder = Path(tmp)
                for name in SERVICES:
                    (folder / name).mkdir()
                measured = one_run(object_store, server, folder)
            for name, (now, peak) in measured.items():
                samples[name].append(now)
                peaks[name].append(peak)
            print(
                f"run {run + 1}: "
                + ", ".join(f"{n} {k / 1024:,.0f} MiB" for n, (k, _) in measured.items())
            )
    finally:
        local_postgres.remove_server(server)
        emulator.stop()

    print(f"\nresident memory after the canary (VmRSS; peak VmHWM), {args.runs} runs, MiB:")
    for name in SERVICES:
        values = [kib / 1024 for kib in samples[name]]
        peak = statistics.median(kib / 1024 for kib in peaks[name])
        heap = settings.HEAPS[name]
        print(
            f"  {name:<10} heap -Xmx{heap:<5} median {statistics.median(values):>6,.0f} "
            f"(min {min(values):,.0f}, max {max(values):,.0f}); peak median {peak:,.0f}"
        )
    for label, table in (("total", samples), ("total peak", peaks)):
        totals = [sum(table[name][i] for name in SERVICES) / 1024 for i in range(args.runs)]
        print(f"  {label:<16} median {statistics.median(totals):>12,.0f}")


if __name__ == "__main__":
    main()
