"""The program's environment for the account family's tests: the same fixtures (and so
the same generator cache) as the stack's tests, and the account stack's program run once
per module (it is deterministic; each test applies it to a clean emulator)."""

from __future__ import annotations

import pytest

from tests.stack.conftest import cache_dir, docker_daemon, free_port, program_env
from tests.stack.program import ProgramRun, run_program

__all__ = ["account_run", "cache_dir", "docker_daemon", "free_port", "program_env"]

ACCOUNT = {"account": "true", "zoo": "true", "database": "false"}
"""The account family needs the zoo; no container is needed to test it."""


@pytest.fixture(scope="module")
def account_run(cache_dir) -> ProgramRun:
    """The ``test`` stack with ``account: true``, under the mocks."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TESTENV_CACHE_DIR", str(cache_dir))
        return run_program(ACCOUNT)
