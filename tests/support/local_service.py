"""What the suite's locally started services (Java processes from Maven Central) share:
the tail of a service's log for an error message, and stopping its process."""

from __future__ import annotations

import subprocess
from pathlib import Path


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
