"""Running ``python -m datagen`` as a separate process, as a user would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.stack.program import ROOT

# Generous bounds: the machine is shared; a correct run takes a few seconds.
COMMAND_TIMEOUT = 120
APPEAR_TIMEOUT = 60


def datagen(*args: str, timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
    """Run the CLI to completion (killed, and the test failed, after ``timeout`` seconds)."""
    return subprocess.run(
        [sys.executable, "-m", "datagen", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# Prepended to a child's code: the first batch of rows waits before it is drawn, so a test
# that interrupts or kills the run does so mid-generation however fast the machine is.
HOLD_GENERATION = f"""
import sys, time
import datagen.rows as _rows
_batches = _rows.TablePlan.batches
def _held(self, partition):
    time.sleep({COMMAND_TIMEOUT})
    yield from _batches(self, partition)
_rows.TablePlan.batches = _held
"""


def start_datagen(*args: str) -> subprocess.Popen:
    """``python -m datagen`` with ``args``, held in its first table (``HOLD_GENERATION``)."""
    code = HOLD_GENERATION + "from datagen.__main__ import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_staging(parent: Path, process: subprocess.Popen) -> Path:
    """The staging folder the running generator created in ``parent`` (polled, bounded)."""
    deadline = time.monotonic() + APPEAR_TIMEOUT
    while time.monotonic() < deadline:
        found = [p for p in parent.iterdir() if ".staging-" in p.name]
        # Wait until it holds a table folder: the run is then past its setup.
        if found and any(child.is_dir() for child in found[0].iterdir()):
            return found[0]
        if process.poll() is not None:
            raise AssertionError(f"generator ended early: {process.communicate()}")
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"no staging folder appeared in {parent} within {APPEAR_TIMEOUT} s")


def killed_in_staging(parent: Path, *args: str) -> Path:
    """The staging folder a generator run (``args``) leaves in ``parent`` when it is
    SIGKILLed in the middle of its first table."""
    process = start_datagen(*args)
    try:
        left = wait_for_staging(parent, process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=COMMAND_TIMEOUT)
    finally:
        process.kill()
    return left


def backdate(folder: Path, seconds: float) -> None:
    """Set every mtime in ``folder`` (and its own) ``seconds`` into the past."""
    when = time.time() - seconds
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            os.utime(os.path.join(dirpath, name), (when, when), follow_symlinks=False)
    os.utime(folder, (when, when))
