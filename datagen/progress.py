"""One progress line per generated table, while a cache miss generates data.

Under ``pulumi up`` (or preview) the line goes to the engine as an info diagnostic
(``pulumi.log.info``), which the CLI shows while the program runs; from the command
line (``python -m datagen``) it goes to stderr, away from the file listing on stdout.
Nothing is printed on a cache hit: ``generate`` is not called then.
"""

from __future__ import annotations

import sys
import time

from datagen.manifest import TableEntry


def _engine_log():
    """``pulumi.log.info`` when running under the Pulumi engine (or its mocks), else None."""
    # datagen does not import pulumi itself: only a program that has is under an engine.
    pulumi = sys.modules.get("pulumi")
    if pulumi is None:
        return None
    from pulumi.runtime.settings import get_engine

    return pulumi.log.info if get_engine() is not None else None


def line(entry: TableEntry, index: int, count: int, seconds: float) -> str:
    return (
        f"datagen: [{index}/{count}] {entry.key}: {entry.rows:,} rows, "
        f"{entry.files:,} files, {entry.bytes:,} bytes in {seconds:.2f} s"
    )


class Progress:
    """Reports each table as it is written, with the seconds it took."""

    def __init__(self, count: int):
        self.count = count
        self.done = 0
        self._last = time.perf_counter()

    def table(self, entry: TableEntry) -> None:
        now = time.perf_counter()
        self.done += 1
        message = line(entry, self.done, self.count, now - self._last)
        self._last = now
        log = _engine_log()
        if log is not None:
            log(message)
        else:
            print(message, file=sys.stderr, flush=True)
