"""Digests of what the program declares and generates, to prove a refactoring changed nothing.

For each profile (``default`` is the stack with no profile set) the program runs under the
suite's Pulumi mocks (``tests/stack/program.py``) in a fresh process with an empty
generator cache, and two sha256 digests are printed:

- ``resources``: every registered resource's URN (type, name and parent chain), type,
  name and inputs as canonical JSON (sorted keys), sorted; a file asset is replaced by
  the sha256 of its bytes and the checkout's and the cache's paths by placeholders, so
  two checkouts compare equal;
- ``files``: every generated file (the manifest's entries): its key and its bytes;
- ``outputs``: the stack outputs as canonical JSON.

    uv run --no-sync python benchmarks/digest.py [--profiles default,small,small+zoo,...]

(profiles: default, small, medium, large, small+zoo, small+zoo+account)

Run it on two commits: equal digests mean the same seed still gives byte-identical files,
identical resource inputs and identical outputs.

The small and small+zoo digests are pinned in ``tests/pins/digests.json`` and checked by
the suite (``tests/test_byte_pin.py``). When a change of them is meant, record the new ones:

    uv run --no-sync python benchmarks/digest.py --profiles small,small+zoo --write-pin

A changed file digest means that every existing stack uploads its objects again on its
next ``pulumi up``; a changed resource digest, that it updates or replaces resources.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILES = {"default": {}, "small": {"profile": "small"}, "medium": {"profile": "medium"}}
PROFILES["large"] = {"profile": "large"}
PROFILES["small+zoo"] = {"profile": "small", "zoo": "true"}
PROFILES["small+zoo+account"] = {"profile": "small", "zoo": "true", "account": "true"}
# A fixed port: it is an input of the container, so it must not differ between runs.
PORT = 55431
PIN = ROOT / "tests" / "pins" / "digests.json"
PINNED_PROFILES = ("small", "small+zoo")
PIN_COMMAND = "uv run --no-sync python benchmarks/digest.py --profiles small,small+zoo --write-pin"
# What the caller's shell may hold that the program reads: not part of any digest.
_LOCAL_ENV = ("TESTENV_", "PULUMI_", "AWS_", "DOCKER_")

_CHILD = r"""
import hashlib, json, os, sys
from pathlib import Path
from pulumi.runtime import rpc
from tests.stack.fake_docker import FakeDocker
from tests.stack.program import run_program

root, cache = sys.argv[2], os.environ["TESTENV_CACHE_DIR"]
with FakeDocker() as docker:
    os.environ["DOCKER_HOST"] = docker.host
    run = run_program(json.loads(sys.argv[1]))

def canonical(value):
    if isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_asset_sig:
        return {"asset-sha256": hashlib.sha256(Path(value["path"]).read_bytes()).hexdigest()}
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, str):
        return value.replace(cache, "<cache>").replace(root, "<root>")
    return value

lines = sorted(
    json.dumps(
        {"urn": r.urn, "type": r.type, "name": r.name, "inputs": canonical(r.inputs)},
        sort_keys=True,
    )
    for r in run.resources
)
resources = hashlib.sha256("\n".join(lines).encode()).hexdigest()
files = hashlib.sha256()
entries = [p for p in Path(cache).iterdir() if not p.name.startswith(".")]
assert len(entries) == 1, entries
manifest = json.loads((entries[0] / "manifest.json").read_text())
keys = sorted(f["key"] for f in manifest["files"])
for key in keys:
    data = (entries[0] / key).read_bytes()
    files.update(key.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
outputs = json.dumps(canonical(run.outputs), sort_keys=True, default=str)
print(json.dumps({"resources": resources, "files": files.hexdigest(),
                  "outputs": hashlib.sha256(outputs.encode()).hexdigest(),
                  "count": len(lines), "file_count": len(keys)}))
"""


def digest(config: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="digest-") as cache:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_LOCAL_ENV)}
        env.update(TESTENV_CACHE_DIR=cache, PYTHONPATH=str(ROOT))
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps(config), str(ROOT)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise SystemExit(f"{config}: the program failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def profile_digest(profile: str) -> dict:
    """The digests of one profile, run as the pin records them."""
    return digest({**PROFILES[profile], "postgresPort": str(PORT)})


def read_pin() -> dict[str, dict]:
    """The pinned digests by profile."""
    return json.loads(PIN.read_text())["profiles"]


def write_pin(results: dict[str, dict]) -> None:
    missing = set(PINNED_PROFILES) - set(results)
    if missing:
        raise SystemExit(f"--write-pin records {', '.join(PINNED_PROFILES)}: add {missing}")
    PIN.parent.mkdir(parents=True, exist_ok=True)
    pin = {
        "update": PIN_COMMAND,
        "profiles": {profile: results[profile] for profile in PINNED_PROFILES},
    }
    PIN.write_text(json.dumps(pin, indent=2, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument(
        "--write-pin",
        action="store_true",
        help=f"record the digests of {' and '.join(PINNED_PROFILES)} in {PIN.relative_to(ROOT)}",
    )
    args = parser.parse_args(argv)
    results = {}
    for profile in args.profiles.split(","):
        result = results[profile] = profile_digest(profile)
        print(
            f"{profile:8} resources {result['resources']} ({result['count']})"
            f"  files {result['files']} ({result['file_count']})"
            f"  outputs {result['outputs']}",
            flush=True,
        )
    if args.write_pin:
        write_pin(results)
        print(f"wrote {PIN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
