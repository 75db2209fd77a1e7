"""Cost of the whole Pulumi program per profile under Pulumi's mocks, next to its floor.

For each profile: one untimed run fills the data generator's cache (as the first
``pulumi preview`` would) and records every registered resource (``benchmarks/floor.py``);
one untimed run of the floor program (the same resources declared bare, with the
provider SDKs' own classes) must register the same set: type, name, a digest of the
inputs, parent, provider, dependencies and options of each. The benchmark stops with
the differences if not. Then ``--runs`` timed pairs, interleaved (ours, floor, ours,
floor, ...), each run a fresh Python process (imports included, as ``pulumi up`` starts
a fresh interpreter) under the same mocks and the same stand-in Docker daemon.

Reports the medians and spreads, ours ÷ floor (ratio of the medians, and the range of
the per-pair ratios), the resource count per type and the dependency depth of the
custom resources (the longest chain Pulumi must create one after another), from which
docs/performance.md derives the expected ``pulumi up`` time.

    uv run --no-sync python benchmarks/bench_program.py [--runs 5] [--profiles small,large]
    uv run --no-sync python benchmarks/bench_program.py --json results.json

A profile name ``<profile>+zoo`` (``small+zoo``) runs that profile with ``zoo: true``;
its line gives the zoo's own resources, and when ``<profile>`` runs too, a last line gives
what the zoo adds to it (resources, median wall and CPU time, ours and floor).

Targets on the 2-core reference machine: small < 3 s and <= 1.5x its floor,
large (>= 450 tables) < 30 s and <= 1.3x its floor.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
RATIO_TARGETS = {"small": 1.5, "medium": None, "large": 1.3}

# One child for both programs, so that both pay the same harness: the interpreter, the
# mocks, the recording monitor and the stand-in Docker daemon. argv: which program
# ("ours" or "floor"), profile, port, the recording (written for ours, read by the
# floor), and "check" to record options and write the floor's own recording.
_CHILD = r"""
import json, sys, time
start = time.perf_counter()
from pathlib import Path
from tests.stack.fake_docker import FakeDocker
from tests.stack.program import run_program
which, profile, port, recording, mode = sys.argv[1:6]
with FakeDocker() as docker:
    import os
    os.environ["DOCKER_HOST"] = docker.host
    if which == "ours":
        base, _, extra = profile.partition("+")
        config = {"profile": base, "postgresPort": port}
        if extra == "zoo":
            config["zoo"] = "true"
        run = run_program(config, record_options=mode == "check")
    else:
        from benchmarks.floor import floor_main
        run = run_program(main=floor_main(Path(recording)), record_options=mode == "check")
elapsed = time.perf_counter() - start
result = {"seconds": elapsed, "resources": len(run.resources)}
if mode == "check":
    from benchmarks.floor import record
    from tests.stack.program import graph_depth
    record(run, Path(recording if which == "ours" else recording + ".floor"))
    result.update(counts=run.count_by_type(), depth=graph_depth(run))
    # The zoo's own resources, by the names the GlueCatalog "glue" and the SyntheticData
    # "testdata" give their children: database glue-zoo, tables and partitions glue-zoo-*,
    # objects testdata-zoo/*.
    result["zoo"] = sum(
        r.name == "glue-zoo" or r.name.startswith(("glue-zoo-", "testdata-zoo/"))
        for r in run.resources
    )
print(json.dumps(result))
"""


def run_once(which: str, profile: str, cache: Path, recording: Path, check: bool = False) -> dict:
    env = dict(os.environ, TESTENV_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    argv = [which, profile, str(net.free_port()), str(recording), "check" if check else "time"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{profile}: the {which} program failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = wall
    result["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def check_floor(profile: str, recording: Path) -> None:
    """Stop unless the floor registered exactly the program's resources."""
    from benchmarks.floor import differences, load

    ours, floor = load(recording), load(Path(f"{recording}.floor"))
    found = differences(ours.resources, floor.resources)
    if ours.outputs != floor.outputs:
        found.append("the stack outputs differ")
    if found:
        raise SystemExit(
            f"{profile}: the floor program does not register the program's resources, so "
            f"the ratio would mean nothing ({len(found)} differences):\n  "
            + "\n  ".join(found[:50])
        )


def _spread(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 3),
        "min": round(ordered[0], 3),
        "max": round(ordered[-1], 3),
    }


def bench_profile(profile: str, runs: int, tmp: Path) -> dict:
    cache = tmp / profile
    recording = tmp / f"{profile}-resources.json"
    fill_start = time.perf_counter()
    first = run_once("ours", profile, cache, recording, check=True)
    fill = time.perf_counter() - fill_start
    run_once("floor", profile, cache, recording, check=True)
    check_floor(profile, recording)

    pairs = [
        (run_once("ours", profile, cache, recording), run_once("floor", profile, cache, recording))
        for _ in range(runs)
    ]
    ours = [o["process_seconds"] for o, _ in pairs]
    floor = [f["process_seconds"] for _, f in pairs]
    ours_cpu = [o["cpu_seconds"] for o, _ in pairs]
    floor_cpu = [f["cpu_seconds"] for _, f in pairs]
    counts = first["counts"]
    ratio = statistics.median(ours) / statistics.median(floor)
    pair_ratios = sorted(o / f for o, f in zip(ours, floor, strict=True))
    cpu_pair_ratios = sorted(o / f for o, f in zip(ours_cpu, floor_cpu, strict=True))
    return {
        "first_run_seconds_with_generation": round(fill, 2),
        "runs": runs,
        "ours_seconds": _spread(ours),
        "floor_seconds": _spread(floor),
        "ratio": round(ratio, 2),
        "pair_ratio_min": round(pair_ratios[0], 2),
        "pair_ratio_max": round(pair_ratios[-1], 2),
        "ours_runs": [round(s, 3) for s in ours],
        "floor_runs": [round(s, 3) for s in floor],
        # CPU time (user + system) of each process: less disturbed by other load on the
        # machine than the wall time, which is what the targets are set on.
        "ours_cpu_seconds": _spread(ours_cpu),
        "floor_cpu_seconds": _spread(floor_cpu),
        "cpu_ratio": round(statistics.median(ours_cpu) / statistics.median(floor_cpu), 2),
        "cpu_pair_ratio_min": round(cpu_pair_ratios[0], 2),
        "cpu_pair_ratio_max": round(cpu_pair_ratios[-1], 2),
        "resources": sum(counts.values()),
        "zoo_resources": first["zoo"],
        "custom_resources": sum(n for t, n in counts.items() if not t.startswith("aws2openstack:")),
        "counts": dict(sorted(counts.items())),
        "depth": first["depth"],
        "target_seconds": TARGETS.get(profile),
        "target_ratio": RATIO_TARGETS.get(profile),
    }


def missed(result: dict) -> list[str]:
    found = []
    if result["target_seconds"] is not None:
        if result["ours_seconds"]["median"] >= result["target_seconds"]:
            found.append(f"< {result['target_seconds']:.0f} s")
    if result["target_ratio"] is not None and result["ratio"] > result["target_ratio"]:
        found.append(f"<= {result['target_ratio']}x floor")
    return found


def zoo_adds(with_zoo: dict, without: dict) -> dict:
    """What ``zoo: true`` adds to its base profile: resources and median seconds."""
    timed = ("ours_seconds", "floor_seconds", "ours_cpu_seconds", "floor_cpu_seconds")
    return {
        "resources": with_zoo["resources"] - without["resources"],
        "zoo_resources": with_zoo["zoo_resources"],
        **{key: round(with_zoo[key]["median"] - without[key]["median"], 3) for key in timed},
    }


def format_zoo_adds(profile: str, base: str, adds: dict) -> str:
    return (
        f"zoo       {profile} over {base}: +{adds['resources']} resources "
        f"({adds['zoo_resources']} of the zoo); "
        f"ours +{adds['ours_seconds']:.2f} s wall, +{adds['ours_cpu_seconds']:.2f} s CPU; "
        f"floor +{adds['floor_seconds']:.2f} s wall, +{adds['floor_cpu_seconds']:.2f} s CPU"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profiles", default="small,small+zoo,medium,large")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-program-") as tmp:
        for profile in args.profiles.split(","):
            result = results[profile] = bench_profile(profile, args.runs, Path(tmp))
            ours, floor = result["ours_seconds"], result["floor_seconds"]
            targets = [t for t in (result["target_seconds"], result["target_ratio"]) if t]
            misses = missed(result)
            verdict = (
                ""
                if not targets
                else (f"  targets: {'MISSED ' + ', '.join(misses) if misses else 'met'}")
            )
            print(
                f"{profile:9s} ours {ours['median']:.2f} s ({ours['min']:.2f}-{ours['max']:.2f}), "
                f"floor {floor['median']:.2f} s ({floor['min']:.2f}-{floor['max']:.2f}), "
                f"n={args.runs} each, interleaved; ours/floor {result['ratio']:.2f}x "
                f"(pairs {result['pair_ratio_min']:.2f}-{result['pair_ratio_max']:.2f}), "
                f"CPU {result['cpu_ratio']:.2f}x "
                f"(pairs {result['cpu_pair_ratio_min']:.2f}-{result['cpu_pair_ratio_max']:.2f}); "
                f"{result['resources']} resources"
                + (f" ({result['zoo_resources']} of the zoo)" if result["zoo_resources"] else "")
                + f", depth {result['depth']['depth']}{verdict}"
            )
    for profile, result in results.items():
        base, _, extra = profile.partition("+")
        if extra == "zoo" and base in results:
            result["zoo_adds"] = zoo_adds(result, results[base])
            print(format_zoo_adds(profile, base, result["zoo_adds"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 1 if any(missed(r) for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
