"""How big a stack is on each profile, measured by running the program under Pulumi mocks.

For each profile the program runs under the suite's mocks (``tests/stack/program.py``)
with a generator cache (``TESTENV_CACHE_DIR``, else a temporary folder) and a stand-in
Docker daemon, and the table the README shows is printed: the resources the stack
declares (components and providers included), the S3 objects and their bytes (the
generated files and the ground truth) and the ground truth's size.

    uv run --no-sync python benchmarks/sizes.py [--profiles small,large+zoo] [--write]

``--write`` puts the table into README.md between its two ``sizes`` markers; the suite
checks the README's rows against a fresh measurement (tests/stack/test_sizes.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILES: dict[str, dict[str, str]] = {
    "small": {"profile": "small"},
    "small+zoo": {"profile": "small", "zoo": "true"},
    "medium": {"profile": "medium"},
    "large": {"profile": "large"},
    "large+zoo": {"profile": "large", "zoo": "true"},
}
README = ROOT / "README.md"
BEGIN = "<!-- sizes: written by benchmarks/sizes.py --write -->"
END = "<!-- /sizes -->"
HEADER = (
    "| profile | tables | resources | S3 objects | bytes in S3 | ground truth |\n"
    "|---|---|---|---|---|---|"
)
OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"


@dataclass(frozen=True)
class Sizes:
    tables: int
    resources: int
    objects: int
    bytes: int
    """The generated files and the ground truth, as uploaded."""
    ground_truth: int


def measure(run) -> Sizes:
    """The sizes of one program run (a ``tests.stack.program.ProgramRun``)."""
    from components.ground_truth import to_json

    truth = run.ground_truth
    truth_bytes = len(to_json(truth).encode())
    return Sizes(
        tables=truth["totals"]["tables"],
        resources=len(run.resources),
        objects=len(run.of_type(OBJECT)),
        bytes=truth["totals"]["bytes"] + truth_bytes,
        ground_truth=truth_bytes,
    )


def _size(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    return f"{count / 1000:.0f} KB"


def row(profile: str, sizes: Sizes) -> str:
    return (
        f"| {profile} | {sizes.tables:,} | {sizes.resources:,} | {sizes.objects:,} | "
        f"{_size(sizes.bytes)} | {_size(sizes.ground_truth)} |"
    )


def readme_rows(text: str | None = None) -> dict[str, str]:
    """The README's rows of the table, by profile."""
    text = README.read_text() if text is None else text
    block = text[text.index(BEGIN) + len(BEGIN) : text.index(END)]
    rows = [line for line in block.strip().splitlines()[2:] if line.startswith("| ")]
    return {line.split("|")[1].strip(): line for line in rows}


def run_profile(profile: str, port: int = 55431):
    """The program under mocks with ``profile``'s configuration (needs a cache folder)."""
    from tests.stack.fake_docker import FakeDocker
    from tests.stack.program import run_program

    saved = os.environ.get("DOCKER_HOST")
    with FakeDocker() as docker:
        os.environ["DOCKER_HOST"] = docker.host
        try:
            return run_program({**PROFILES[profile], "postgresPort": str(port)})
        finally:
            if saved is None:
                os.environ.pop("DOCKER_HOST", None)
            else:
                os.environ["DOCKER_HOST"] = saved


def write(rows: list[str]) -> None:
    text = README.read_text()
    head, tail = text[: text.index(BEGIN) + len(BEGIN)], text[text.index(END) :]
    README.write_text(head + "\n" + HEADER + "\n" + "\n".join(rows) + "\n" + tail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--write", action="store_true", help="update README.md's table")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="sizes-") as scratch:
        os.environ.setdefault("TESTENV_CACHE_DIR", scratch)
        rows = []
        print(HEADER, flush=True)
        for profile in args.profiles.split(","):
            rows.append(row(profile, measure(run_profile(profile))))
            print(rows[-1], flush=True)
    if args.write:
        write(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
