"""Cost of the whole Pulumi program per profile, under Pulumi's mocks.

For each profile: one untimed run fills the data generator's cache (as the first
``pulumi preview`` would), then ``--runs`` timed runs, each in a fresh Python process
(imports included, as ``pulumi up`` starts a fresh interpreter). Reports the median
and spread of the run time, the resource count per type, and the dependency depth of
the custom resources (the longest chain Pulumi must create one after another), from
which docs/performance.md derives the expected ``pulumi up`` time.

    uv run --no-sync python benchmarks/bench_program.py [--runs 5] [--profiles small,large]
    uv run --no-sync python benchmarks/bench_program.py --json results.json

A profile name ``<profile>+zoo`` (``small+zoo``) runs that profile with ``zoo: true``.

Targets on the 2-core reference machine: small < 3 s, large (>= 450 tables) < 30 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import net  # noqa: E402  (after the path above)

TARGETS = {"small": 3.0, "medium": None, "large": 30.0}
DEFAULT_PROFILES = "small,small+zoo,medium,large"

_CHILD = r"""
import json, sys, time
start = time.perf_counter()
from tests.stack.fake_docker import FakeDocker
from tests.stack.program import run_program
with FakeDocker() as docker:
    import os
    os.environ["DOCKER_HOST"] = docker.host
    profile, _, extra = sys.argv[1].partition("+")
    config = {"profile": profile, "postgresPort": sys.argv[2]}
    if extra == "zoo":
        config["zoo"] = "true"
    run = run_program(config)
elapsed = time.perf_counter() - start
from tests.stack.program import graph_depth
print(json.dumps({"seconds": elapsed, "counts": run.count_by_type(),
                  "depth": graph_depth(run)}))
"""



def run_once(profile: str, cache: Path) -> dict:
    env = dict(os.environ, TESTENV_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, profile, str(net.free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{profile}: the program failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = wall
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profiles", default=DEFAULT_PROFILES)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-program-") as tmp:
        for profile in args.profiles.split(","):
            cache = Path(tmp) / profile.replace("+", "-")
            fill_start = time.perf_counter()
            first = run_once(profile, cache)
            fill = time.perf_counter() - fill_start
            runs = [run_once(profile, cache) for _ in range(args.runs)]
            seconds = sorted(r["process_seconds"] for r in runs)
            counts = first["counts"]
            result = {
                "first_run_seconds_with_generation": round(fill, 2),
                "median_seconds": round(statistics.median(seconds), 3),
                "min_seconds": round(seconds[0], 3),
                "max_seconds": round(seconds[-1], 3),
                "median_program_seconds": round(statistics.median(r["seconds"] for r in runs), 3),
                "runs": args.runs,
                "resources": sum(counts.values()),
                "custom_resources": sum(
                    n for t, n in counts.items() if not t.startswith("aws2openstack:")
                ),
                "counts": dict(sorted(counts.items())),
                "depth": first["depth"],
                "target_seconds": TARGETS.get(profile),
            }
            results[profile] = result
            target = result["target_seconds"]
            verdict = (
                ""
                if target is None
                else (
                    f"  target < {target:.0f} s: "
                    f"{'met' if result['median_seconds'] < target else 'MISSED'}"
                )
            )
            print(
                f"{profile:9s} median {result['median_seconds']:.2f} s "
                f"(min {result['min_seconds']:.2f}, max {result['max_seconds']:.2f}, "
                f"n={args.runs}); "
                f"{result['resources']} resources, depth {result['depth']['depth']}{verdict}"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    missed = [
        p
        for p, r in results.items()
        if r["target_seconds"] is not None and r["median_seconds"] >= r["target_seconds"]
    ]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
