"""Machine faults found by the preflight checks, before any resource is declared."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pulumi
import pytest

from components import preflight
from datagen.catalog import TABLES
from tests.stack.program import ROOT, run_program

SYSTEM_PYTHON = Path("/usr/bin/python3")


@pytest.mark.parametrize("host", ["127.0.0.1:2375", "localhost:2375", "/var/run/docker.sock"])
def test_docker_host_without_a_scheme_is_an_error_with_the_fix(host):
    """DOCKER_HOST without unix:// or tcp:// fails naming DOCKER_HOST and both fixes."""
    with pytest.raises(preflight.PreflightError) as err:
        preflight.check_docker(host)
    message = str(err.value)
    assert "DOCKER_HOST" in message and repr(host) in message
    assert "unix:///var/run/docker.sock" in message and "tcp://" in message


def test_docker_host_without_a_scheme_stops_the_program(program_env, monkeypatch):
    """The program with DOCKER_HOST=127.0.0.1:2375 stops in preflight, declaring nothing."""
    monkeypatch.setenv("DOCKER_HOST", "127.0.0.1:2375")
    records: list = []
    with pytest.raises(pulumi.RunError, match="DOCKER_HOST"):
        run_program({}, records=records)
    assert records == []


def _cache_dir_error(program_env, monkeypatch, cache_dir: Path) -> str:
    monkeypatch.setenv("TESTENV_CACHE_DIR", str(cache_dir))
    records: list = []
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"database": "false"}, records=records)
    assert records == [], "resources were declared before the cache was found unusable"
    return str(raised.value)


def test_a_cache_dir_that_is_a_file_is_reported_before_any_resource(
    program_env, monkeypatch, tmp_path
):
    """TESTENV_CACHE_DIR naming a file: preflight error naming TESTENV_CACHE_DIR and the fix."""
    a_file = tmp_path / "cache"
    a_file.write_text("not a folder\n")
    message = _cache_dir_error(program_env, monkeypatch, a_file)
    assert f"TESTENV_CACHE_DIR={a_file}" in message
    assert "Fix: export TESTENV_CACHE_DIR=" in message


def test_a_cache_dir_below_a_file_is_reported_before_any_resource(
    program_env, monkeypatch, tmp_path
):
    """TESTENV_CACHE_DIR below a file: preflight error naming TESTENV_CACHE_DIR and the fix."""
    a_file = tmp_path / "cache"
    a_file.write_text("not a folder\n")
    message = _cache_dir_error(program_env, monkeypatch, a_file / "datagen")
    assert "TESTENV_CACHE_DIR=" in message and "Fix: export TESTENV_CACHE_DIR=" in message


def _check_as_unprivileged_user(cache_dir: Path) -> subprocess.CompletedProcess:
    """Run check_cache_dir where permissions apply: as ``nobody`` when the suite is root."""
    code = (
        "import sys; from pathlib import Path; from components import preflight\n"
        "try:\n    preflight.check_cache_dir(Path(sys.argv[1]))\n"
        "except preflight.PreflightError as err:\n    print(err); sys.exit(3)\n"
    )
    if os.geteuid() != 0:
        command, extra = [sys.executable], {}
    else:
        # root writes anywhere; the uv interpreter lives in root's home, so use the system
        # one (same minor version) with the project's site-packages.
        assert SYSTEM_PYTHON.exists(), "running as root needs /usr/bin/python3 for this test"
        site = ROOT / ".venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
        command = [str(SYSTEM_PYTHON)]
        extra = {
            "env": {"PYTHONPATH": f"{ROOT}:{site / 'site-packages'}", "PATH": "/usr/bin:/bin"},
            "user": "nobody",
        }
    return subprocess.run(
        [*command, "-c", code, str(cache_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        **extra,
    )


def test_a_read_only_cache_dir_is_reported_with_the_fix():
    """A read-only TESTENV_CACHE_DIR (or one in a read-only folder) fails naming it and the fix."""
    # Not pytest's tmp_path: its parents are closed to other users, and the check must fail
    # for the read-only folder itself, not for a parent it cannot enter.
    with tempfile.TemporaryDirectory(prefix="hostile-cache-") as top:
        Path(top).chmod(0o755)
        read_only = Path(top) / "ro"
        read_only.mkdir()
        read_only.chmod(0o555)
        try:
            for cache_dir, problem in (
                (read_only, "is not writable"),
                (read_only / "datagen", "cannot be created"),
            ):
                result = _check_as_unprivileged_user(cache_dir)
                assert result.returncode == 3, (result.stdout, result.stderr)
                assert f"TESTENV_CACHE_DIR={cache_dir} {problem}" in result.stdout
                assert "Fix: export TESTENV_CACHE_DIR=" in result.stdout
        finally:
            read_only.chmod(0o755)


def test_disk_error_without_room_for_the_headroom_does_not_suggest_fewer_rows(tmp_path):
    """Free space below the fixed headroom: no 'fewer rows' advice; says how much to free."""
    with pytest.raises(preflight.PreflightError) as err:
        preflight.check_disk(tmp_path, TABLES[:1], 1, free_bytes=lambda _: 10 * 2**20)
    message = str(err.value)
    assert "pulumi config set rows" not in message
    assert "10 MiB free" in message and "MiB more" in message
    assert "rm -rf" in message


def test_disk_error_with_room_for_the_headroom_still_suggests_fewer_rows(tmp_path):
    """Free space above the headroom but below the data: fewer rows is the suggested fix."""
    with pytest.raises(preflight.PreflightError) as err:
        preflight.check_disk(tmp_path, TABLES, 5_000_000, free_bytes=lambda _: 100 * 2**20)
    assert "pulumi config set rows 1000" in str(err.value)
