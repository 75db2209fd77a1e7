"""Every numeric limit of the generator and the stack, declared once.

Config validation (``components/config.py``), the CLI (``python -m datagen``) and the
generator's own checks (``datagen.generate.check_rows`` / ``check_seed``) all read these
objects, so a bound is changed here or nowhere. ``tests/hostile/test_limits.py`` keeps
``Pulumi.yaml``, docs/configuration.md and ``docs/performance.md`` in step with them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """An inclusive range of whole numbers that one knob accepts."""

    key: str
    """The config key (``pulumi config set <key>``) the limit belongs to."""
    low: int
    high: int
    description: str
    example: int
    """A valid value to suggest in a fix."""

    def contains(self, value: int) -> bool:
        return self.low <= value <= self.high

    @property
    def expected(self) -> str:
        return f"a whole number from {self.low:,} to {self.high:,}"


ROWS = Limit("rows", 1, 5_000_000, "rows per table", 1000)
# The seed feeds numpy's SeedSequence through 32-bit words; one word keeps it portable.
SEED = Limit("seed", 0, 2**32 - 1, "seed of the test data", 42)
MONTHLY_PARTITIONS = Limit(
    "monthlyPartitions", 1, 120, "monthly partitions of each monthly-partitioned table", 3
)
DAILY_PARTITIONS = Limit(
    "dailyPartitions", 1, 366, "daily partitions of each daily-partitioned table", 3
)
SCALE_DATABASES = Limit("scaleDatabases", 0, 20, "extra Glue databases of table copies", 3)
TABLES_PER_DATABASE = Limit("tablesPerDatabase", 0, 1000, "tables in each extra database", 150)
LIFECYCLE_DAYS = Limit("lifecycleDays", 1, 3650, "days until S3 expires the objects", 7)
# Below 1024 needs root on the host; the container publishes on 127.0.0.1 only.
POSTGRES_PORT = Limit("postgresPort", 1024, 65535, "host port of PostgreSQL", 55432)
TARGET_PORT_BASE = Limit(
    "targetPortBase", 1024, 65532, "first of the target lakehouse's four host ports", 19000
)

# The volume family's Glue job (docs/volume.md): 0 turns it off; a size above the cap
# needs the cap raised first, explicitly.
# Above 10,000 GB the driver's digest pass alone outlasts Glue's 48-hour timeout.
VOLUME_GB = Limit("volumeGb", 0, 10_000, "GB of volume tables a Glue job writes", 10)
VOLUME_MAX_GB = Limit("volumeMaxGb", 1, 10_000, "the largest volumeGb the stack accepts", 1000)

ALL: tuple[Limit, ...] = (
    ROWS,
    SEED,
    MONTHLY_PARTITIONS,
    DAILY_PARTITIONS,
    SCALE_DATABASES,
    TABLES_PER_DATABASE,
    LIFECYCLE_DAYS,
    POSTGRES_PORT,
    VOLUME_GB,
    VOLUME_MAX_GB,
    TARGET_PORT_BASE,
)
BY_KEY: dict[str, Limit] = {limit.key: limit for limit in ALL}
