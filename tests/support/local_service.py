"""What the suite's locally started services (Java processes from Maven Central) share:
waiting until one is ready, the tail of its log for an error message, and stopping it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def wait_ready(
    name: str,
    process: subprocess.Popen | None,
    log: Path,
    ready: Callable[[], bool],
    seconds: float,
) -> None:
    """Ask ``ready`` once a second until it says yes; fail with the log's tail when the
    process exits first or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"{name} exited with {process.returncode} while starting:\n{log_tail(log)}"
            )
        if ready():
            return
        time.sleep(1)
    raise RuntimeError(f"{name} is not ready after {seconds:.0f} s:\n{log_tail(log)}")


def log_tail(log: Path, lines: int = 40) -> str:
    """The last ``lines`` of ``log`` (empty while the service has written none)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def stop_process(process: subprocess.Popen | None, seconds: float = 30) -> None:
    """SIGTERM, then SIGKILL after ``seconds``; nothing for a process already gone."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=seconds)
