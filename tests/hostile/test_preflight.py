"""Machine faults found by the preflight checks, before any resource is declared."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest

from components import preflight
from datagen.catalog import TABLES
from tests.stack.program import ROOT, run_program

# The capabilities that let root read, enter and write whatever the file modes say.
FILE_MODE_OVERRIDES = "-dac_override,-dac_read_search,-fowner"


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
    """Run check_cache_dir where file modes apply: as root, without the capabilities that
    let root ignore them."""
    code = (
        "import sys; from pathlib import Path; from components import preflight\n"
        "try:\n    preflight.check_cache_dir(Path(sys.argv[1]))\n"
        "except preflight.PreflightError as err:\n    print(err); sys.exit(3)\n"
    )
    command = [sys.executable, "-c", code, str(cache_dir)]
    if os.geteuid() == 0:
        # Not another user: that one would need to read the checkout, the interpreter and
        # the venv, which a clone in a folder only its owner can enter (or a uv Python in
        # root's home) does not allow. Root without these capabilities still reads its own
        # files, and is refused what the folder's mode refuses (capabilities(7)).
        setpriv = shutil.which("setpriv")
        assert setpriv, "running as root needs setpriv (Debian: util-linux) for this test"
        command = [setpriv, "--bounding-set", FILE_MODE_OVERRIDES, "--", *command]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_a_read_only_cache_dir_is_reported_with_the_fix(tmp_path):
    """A read-only TESTENV_CACHE_DIR (or one in a read-only folder) fails naming it and the fix."""
    read_only = tmp_path / "ro"
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
