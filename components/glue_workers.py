"""Glue's worker types and price, and what a volume job run costs before it is spent (pure).

The estimate of a run (``estimate``) is built from the script's speed measured here
(``datagen.volume.MEASURED``, by ``benchmarks/bench_volume.py``) and these facts of AWS
Glue 5.0 Spark jobs:

- a worker of type ``G.nX`` is ``n`` DPU with ``4 n`` vCPUs; one worker runs the Spark
  driver, the others the executors, one task per vCPU;
- a run is billed $0.44 per DPU-hour (us-east-1 and eu-central-1; see the region's
  price list), by the second with a 1-minute minimum;
- a job has at least 2 workers.

The model: the run's time is a fixed start (``START_SECONDS``, an assumption: the Glue
5.0 start and the Spark session), plus the write of both tables spread over the executor
cores, plus the digest pass, which takes the longer of its executor part (rendering the
rows' text, spread over the cores) and its driver part (hashing all of that text in
order, on one core). The local cores this was measured on are slower and busier than a
Glue worker's, so the estimate errs high; the run's own truth records the seconds of each
phase, which calibrates it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

from datagen.volume import MEASURED, TABLES

PRICE_PER_DPU_HOUR = 0.44
"""US dollars per DPU-hour of a Glue Spark job (us-east-1, eu-central-1)."""
MINIMUM_BILLED_SECONDS = 60
START_SECONDS = 60
"""Assumed: from StartJobRun to the script's first line, and the Spark session."""
MIN_WORKERS = 2
MAX_WORKERS = 1000
MAX_TIMEOUT_MINUTES = 2880
"""Glue's longest job timeout (48 hours)."""
VCPUS_PER_DPU = 4

WORKER_DPUS = MappingProxyType({"G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8})
"""The Glue 5.0 Spark worker types and the DPUs of one worker."""


@dataclass(frozen=True)
class Workers:
    """A job's workers: ``volumeWorkers`` as ``<type>:<count>``."""

    type: str
    count: int

    @property
    def dpus(self) -> int:
        return WORKER_DPUS[self.type] * self.count

    @property
    def executor_cores(self) -> int:
        """vCPUs of every worker but the driver's."""
        return (self.count - 1) * WORKER_DPUS[self.type] * VCPUS_PER_DPU

    def __str__(self) -> str:
        return f"{self.type}:{self.count}"


def parse_workers(text: str) -> Workers | None:
    """``G.1X:10`` as ``Workers``, or ``None`` when it is not such a value."""
    kind, colon, count = text.strip().partition(":")
    if not colon or kind not in WORKER_DPUS or not count.isdigit():
        return None
    workers = Workers(kind, int(count))
    return workers if MIN_WORKERS <= workers.count <= MAX_WORKERS else None


@dataclass(frozen=True)
class Estimate:
    rows: int
    """Rows per table."""
    seconds: float
    write_seconds: float
    digest_seconds: float
    dpu_hours: float
    dollars: float

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    def describe(self, volume_gb: int, workers: Workers) -> str:
        return (
            f"volume tables: {volume_gb:,} GB ({self.rows:,} rows per table) on "
            f"{workers.count} x {workers.type}: about {self.minutes:,.0f} min "
            f"(write {self.write_seconds / 60:,.0f}, digest {self.digest_seconds / 60:,.0f}), "
            f"{self.dpu_hours:,.2f} DPU-hours, ${self.dollars:,.2f} at "
            f"${PRICE_PER_DPU_HOUR} per DPU-hour (estimate; docs/volume.md)"
        )


def estimate(rows: int, workers: Workers) -> Estimate:
    """The time and price of one run making ``rows`` rows per table on ``workers`` (see
    the module docstring)."""
    cores = workers.executor_cores
    write = rows * sum(1 / MEASURED.write_rows_per_core_second[t] for t in TABLES) / cores
    render = rows * sum(1 / MEASURED.digest_rows_per_core_second[t] for t in TABLES) / cores
    hashing = len(TABLES) * rows * MEASURED.text_bytes_per_row / MEASURED.driver_hash_bytes
    digest = max(render, hashing)
    seconds = START_SECONDS + write + digest
    dpu_hours = max(seconds, MINIMUM_BILLED_SECONDS) * workers.dpus / 3600
    return Estimate(
        rows=rows,
        seconds=seconds,
        write_seconds=write,
        digest_seconds=digest,
        dpu_hours=dpu_hours,
        dollars=dpu_hours * PRICE_PER_DPU_HOUR,
    )


def fits(expected: Estimate) -> bool:
    """Whether the run is expected to end within Glue's longest timeout."""
    return expected.minutes <= MAX_TIMEOUT_MINUTES


def fewest_workers(rows: int, worker_type: str) -> Workers | None:
    """The fewest workers of ``worker_type`` expected to finish within Glue's longest
    timeout, or ``None`` when no count does (the driver's hashing alone is too long)."""
    for count in range(MIN_WORKERS, MAX_WORKERS + 1):
        if fits(estimate(rows, Workers(worker_type, count))):
            return Workers(worker_type, count)
    return None


def timeout_minutes(expected: Estimate) -> int:
    """The run's bound: three times the estimate plus 15 minutes, within Glue's 1 to 2,880
    minutes (the job's ``timeout``; the run resource waits as long)."""
    return min(MAX_TIMEOUT_MINUTES, max(15, math.ceil(3 * expected.minutes) + 15))
