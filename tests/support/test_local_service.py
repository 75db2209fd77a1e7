"""The suite's one wait for a local service: it returns when the service is ready, and
fails with the log's tail when the process exits first or the time is up."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import local_service


def _service(tmp_path, script: str) -> tuple[subprocess.Popen, object]:
    log = tmp_path / "service.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-c", script], stdout=out, stderr=out)
    return process, log


def test_a_process_that_exits_while_starting_fails_with_its_code_and_log(tmp_path):
    process, log = _service(tmp_path, "print('port already in use'); raise SystemExit(3)")
    process.wait()
    with pytest.raises(RuntimeError, match="the toy exited with 3 while starting") as failed:
        local_service.wait_ready("the toy", process, log, lambda: False, seconds=30)
    assert "port already in use" in str(failed.value)


def test_a_service_never_ready_fails_after_the_time_given(tmp_path):
    process, log = _service(tmp_path, "import time; print('still loading'); time.sleep(60)")
    try:
        with pytest.raises(RuntimeError, match="the toy is not ready after 1 s"):
            local_service.wait_ready("the toy", process, log, lambda: False, seconds=1)
    finally:
        local_service.stop_process(process)


def test_a_ready_service_returns_at_once(tmp_path):
    process, log = _service(tmp_path, "import time; time.sleep(60)")
    asked = []
    try:
        local_service.wait_ready("the toy", process, log, lambda: not asked.append(1), 30)
    finally:
        local_service.stop_process(process)
    assert asked == [1]
