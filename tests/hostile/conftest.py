"""Attacks and faults against the CLI, the cache, the config and the preflight checks.

Every test is bounded in time (subprocesses have timeouts) and touches only temporary
folders and 127.0.0.1. The program fixtures are the stack suite's own.
"""

from tests.stack.conftest import cache_dir, docker_daemon, free_port, program_env

__all__ = ["cache_dir", "docker_daemon", "free_port", "program_env"]
