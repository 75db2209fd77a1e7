"""The generator never deletes what it did not create, and cleans up after killed runs."""

from __future__ import annotations

import signal

from tests.hostile.helpers import (
    COMMAND_TIMEOUT,
    backdate,
    datagen,
    killed_in_staging,
    start_datagen,
    wait_for_staging,
)


def _user_project(folder):
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "main.py").write_text("print('mine')\n")
    (folder / "README.md").write_text("# my project\n")
    (folder / "manifest.json").write_text('{"name": "my-project", "version": "1.0.0"}\n')
    return _files(folder)


def _files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_user_folder_with_its_own_manifest_is_never_replaced(tmp_path):
    """--out on a folder holding manifest.json, src/ and README.md: exit 2, nothing lost."""
    project = tmp_path / "project"
    before = _user_project(project)
    result = datagen("--out", str(project), "--rows", "5", "--tables", "access_logs")
    assert result.returncode == 2, result.stderr
    assert _files(project) == before
    assert "--out" in result.stderr
    assert "name a new or empty folder" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


def test_an_earlier_output_is_still_replaced(tmp_path):
    """The generator's own earlier output (it carries the marker) is replaced as before."""
    out = tmp_path / "out"
    assert datagen("--out", str(out), "--rows", "5", "--tables", "access_logs").returncode == 0
    result = datagen("--out", str(out), "--rows", "6", "--tables", "metrics_orc")
    assert result.returncode == 0, result.stderr
    assert not (out / "logs").exists() and (out / "analytics" / "metrics_orc").is_dir()


def test_ctrl_c_prints_one_line_exits_130_and_leaves_no_staging(tmp_path):
    """SIGINT mid-generation: exit 130, one line on stderr, no traceback, no staging folder."""
    process = start_datagen("--out", str(tmp_path / "out"), "--rows", "400000")
    try:
        wait_for_staging(tmp_path, process)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=COMMAND_TIMEOUT)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert "interrupted" in err
    assert list(tmp_path.iterdir()) == []


def test_staging_of_a_killed_run_is_removed_by_the_next_run_after_an_hour(tmp_path):
    """A SIGKILLed run's staging folder, untouched for 2 h, is gone after the next run."""
    left = killed_in_staging(tmp_path, "--out", str(tmp_path / "out"), "--rows", "400000")
    assert left.is_dir()
    backdate(left, 2 * 3600)
    result = datagen("--out", str(tmp_path / "out"), "--rows", "5", "--tables", "access_logs")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_recent_or_foreign_lookalike_folders_are_kept(tmp_path):
    """A fresh killed staging folder, and an old look-alike without the marker, are kept."""
    fresh = killed_in_staging(tmp_path, "--out", str(tmp_path / "out"), "--rows", "400000")
    lookalike = tmp_path / ".out.staging-abcd1234"
    lookalike.mkdir()
    (lookalike / "thesis.tex").write_text("years of work\n")
    backdate(lookalike, 5 * 3600)
    result = datagen("--out", str(tmp_path / "out"), "--rows", "5", "--tables", "access_logs")
    assert result.returncode == 0, result.stderr
    assert fresh.is_dir()
    assert (lookalike / "thesis.tex").read_text() == "years of work\n"


def test_a_symlinked_out_folder_is_not_replaced(tmp_path):
    """--out naming a symbolic link to a folder of the user's: exit 2, the target untouched."""
    target = tmp_path / "mine"
    target.mkdir()
    (target / "keep.txt").write_text("keep\n")
    link = tmp_path / "link"
    link.symlink_to(target)
    result = datagen("--out", str(link), "--rows", "5", "--tables", "access_logs")
    assert result.returncode == 2, result.stderr
    assert "--out" in result.stderr
    assert (target / "keep.txt").read_text() == "keep\n" and link.is_symlink()
