"""The command line: exit status 0 / 2 / 1, one-line errors naming the argument and the fix."""

from __future__ import annotations

import pytest

from datagen.__main__ import main
from datagen.manifest import Manifest
from tests.datagen.test_generate import fail_csv_writes


def test_success_prints_each_file_and_a_summary(tmp_path, capsys):
    """Exit 0; one line per file with its size, a summary, and the validation result."""
    out = tmp_path / "out"
    assert (
        main(
            [
                "--out",
                str(out),
                "--rows",
                "40",
                "--seed",
                "5",
                "--tables",
                "access_logs,metrics_orc",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    manifest = Manifest.load(out)
    assert [t.name for t in manifest.tables] == ["metrics_orc", "access_logs"]
    assert manifest.seed == 5 and manifest.location == f"file://{out.resolve()}"
    for file in manifest.files:
        assert f"{file.bytes:>12,}  {file.key}" in lines
    assert lines[len(manifest.files)].startswith(f"{len(manifest.files)} files, 80 rows, ")
    assert lines[-1].startswith("validated:")


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--rows", "0"], "--rows"),
        (["--rows", "ten"], "--rows"),
        (["--seed", "-3"], "--seed"),
        (["--tables", "sales_data,nope"], "--tables"),
        (["--location", "https://bucket/x"], "--location"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, argv, option):
    """Exit 2 and a single stderr line that names the option and says how to fix it."""
    assert main(["--out", str(tmp_path / "out"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"datagen: {option}: ") and "; fix: " in err
    assert not (tmp_path / "out").exists()


def test_unwritable_out_dir_exits_2(tmp_path, capsys):
    """An output folder that cannot be created is a bad --out, not a crash."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["--out", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("datagen: --out: ") and "fix:" in err


def test_missing_out_exits_2(capsys):
    """Forgetting --out is a usage error on one line."""
    with pytest.raises(SystemExit) as exited:
        main(["--rows", "5"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == (
        "datagen: the following arguments are required: --out; fix: see python -m datagen --help"
    )


def test_failure_exits_1_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    """A failing writer gives exit 1, a one-line message and no output folder."""
    fail_csv_writes(monkeypatch)
    assert main(["--out", str(tmp_path / "out"), "--rows", "10"]) == 1
    lines = capsys.readouterr().err.splitlines()
    errors = [line for line in lines if not line.startswith("datagen: [")]  # not progress
    assert len(errors) == 1 and errors[0].startswith("datagen: generation failed: OSError")
    assert list(tmp_path.iterdir()) == []
