"""The floor program of ``benchmarks/bench_program.py`` registers exactly what ours does.

The benchmark divides the program's time by the floor's; these tests keep that ratio
meaningful: the floor rebuilt from a recording of the small stack registers the same
resources, and the comparison notices when a resource differs.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest

from benchmarks import floor
from tests.stack.program import ROOT, run_program
from tests.support import net


@pytest.fixture
def recorded(program_env, free_port, tmp_path):
    """The small stack run under the mocks with options recorded, and its recording."""
    ours = run_program({"postgresPort": free_port}, record_options=True)
    path = tmp_path / "resources.json"
    floor.record(ours, path)
    return ours, path


def test_floor_registers_the_same_resources_as_the_program(recorded):
    """Every resource of the small stack comes back with equal type, name, inputs,
    parent, provider, dependencies and options, and the outputs are equal."""
    ours, path = recorded
    bare = run_program(main=floor.floor_main(path), record_options=True)
    assert floor.differences(ours.resources, bare.resources) == []
    assert len(bare.resources) == len(ours.resources) == 48
    assert bare.outputs == ours.outputs
    assert bare.secret_outputs == ours.secret_outputs
    # Not a trivially empty comparison: the options and dependencies were recorded.
    container = bare.one("docker:index/container:Container")
    assert container.options.get("deleteBeforeReplace") is True
    assert container.dependencies


def test_floor_imports_provider_sdks_and_none_of_the_programs_modules(recorded):
    """A fresh process running the floor loads pulumi_aws, pulumi_docker and
    pulumi_random, and neither ``components`` nor ``datagen``."""
    _, path = recorded
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from benchmarks.floor import floor_main\n"
        "from tests.stack.program import run_program\n"
        "run = run_program(main=floor_main(Path(sys.argv[1])))\n"
        "print(len(run.resources), sorted({m.split('.')[0] for m in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    count, modules = done.stdout.split(" ", 1)
    assert int(count) == 48
    loaded = set(ast.literal_eval(modules))
    assert {"pulumi_aws", "pulumi_docker", "pulumi_random"} <= loaded
    assert not {"components", "datagen"} & loaded


def test_a_changed_input_is_reported_by_name(recorded, tmp_path):
    """A recording with one input changed yields a floor the comparison tells apart."""
    ours, path = recorded
    document = json.loads(path.read_text())
    table = next(e for e in document["resources"] if e["type"].endswith(":CatalogTable"))
    table["inputs"]["description"] = "something else"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    bare = run_program(main=floor.floor_main(changed), record_options=True)
    found = floor.differences(ours.resources, bare.resources)
    assert found == [f"{table['type']} {table['name']}: inputs digest differ"]


def test_a_missing_resource_is_reported(recorded):
    """A resource the floor did not register is named as registered by the program only."""
    ours, path = recorded
    bare = floor.load(path)
    dropped = bare.resources.pop()
    found = floor.differences(ours.resources, bare.resources)
    assert found == [f"{dropped.type} {dropped.name}: registered by the program only"]


# Libraries only a cache miss (generation) or the migration itself needs.
NOT_ON_A_CACHE_HIT = {"alembic", "faker", "numpy", "psycopg", "pyarrow", "pyiceberg", "sqlalchemy"}


def test_a_cache_hit_imports_no_generator_or_migration_library(recorded, program_env, cache_dir):
    """With the cache filled, a fresh program process imports neither the writers'
    libraries nor psycopg, SQLAlchemy or Alembic."""
    script = (
        "import sys\n"
        "from tests.stack.program import run_program\n"
        "run = run_program({'postgresPort': sys.argv[1]})\n"
        "print(len(run.resources), sorted({m.split('.')[0] for m in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(net.free_port())],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DOCKER_HOST": program_env.host,
            "TESTENV_CACHE_DIR": str(cache_dir),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    count, modules = done.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(count) == 48
    assert NOT_ON_A_CACHE_HIT & set(ast.literal_eval(modules)) == set()
