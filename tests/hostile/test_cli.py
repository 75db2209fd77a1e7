"""The CLI refuses out-of-range rows and seeds and invalid bucket names before writing."""

from __future__ import annotations

import pytest

from datagen.__main__ import main
from tests.hostile.helpers import datagen


def test_cli_refuses_more_rows_than_the_limit_before_writing(tmp_path):
    """--rows above 5,000,000 exits 2 naming --rows and the range; nothing is written."""
    result = datagen("--out", str(tmp_path / "out"), "--rows", "5000001", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "--rows" in result.stderr and "5,000,000" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("seed", ["4294967296", "-1", "99999999999999999999"])
def test_cli_refuses_seeds_outside_32_bits(tmp_path, capsys, seed):
    """--seed above 2^32-1 (or negative) exits 2 naming --seed and the range."""
    out = str(tmp_path / "out")
    assert main(["--out", out, "--rows", "1", "--tables", "access_logs", "--seed", seed]) == 2
    err = capsys.readouterr().err
    assert "--seed" in err and "4,294,967,295" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "bucket",
    ["My_Bucket", "ab", "a" * 64, "192.168.1.10", "-bucket", "bucket-", "my..bucket", "b:80"],
)
def test_cli_refuses_invalid_bucket_names_in_location(tmp_path, capsys, bucket):
    """--location s3://<bad bucket> exits 2 naming --location and the bucket rules."""
    argv = ["--out", str(tmp_path / "out"), "--rows", "1", "--tables", "access_logs"]
    assert main([*argv, "--location", f"s3://{bucket}/prefix"]) == 2
    err = capsys.readouterr().err
    assert "--location" in err and "not a valid S3 bucket name" in err
    assert list(tmp_path.iterdir()) == []
