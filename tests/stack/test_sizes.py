"""How big a stack and its outputs are, measured under Pulumi mocks: every output fits an
environment variable on the largest stack, and the README's sizes are measured ones."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from benchmarks.sizes import PROFILES, measure, readme_rows, row
from components.outputs import OUTPUT_LIMIT, output_size
from tests.stack.program import ROOT, run_program

ENV_FILE_LIMIT = 8192
"""The most characters the env file of any stack may have (Linux allows 128 KiB a variable)."""


def state_module():
    """scripts/_state.py, which writes the env file (it imports scripts/_lib.py)."""
    scripts = str(ROOT / "scripts")
    sys.path.insert(0, scripts)
    try:
        spec = importlib.util.spec_from_file_location("_state", ROOT / "scripts" / "_state.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(scripts)
    return module


@pytest.fixture(scope="module")
def large_zoo_run(tmp_path_factory):
    """The largest stack of the profiles: large with the zoo, database on."""
    from tests.stack.fake_docker import FakeDocker

    patch = pytest.MonkeyPatch()
    with FakeDocker() as docker:
        patch.setenv("DOCKER_HOST", docker.host)
        patch.setenv("TESTENV_CACHE_DIR", str(tmp_path_factory.mktemp("large-zoo-cache")))
        try:
            yield run_program({**PROFILES["large+zoo"], "postgresPort": "55431"})
        finally:
            patch.undo()


def test_no_output_and_no_env_file_is_large_on_the_largest_stack(large_zoo_run, tmp_path):
    """On large+zoo (2,761 resources), every output is at most OUTPUT_LIMIT characters and
    the whole env file, secrets and ground-truth path included, at most 8 KiB."""
    sizes = {key: output_size(value) for key, value in large_zoo_run.outputs.items()}
    assert large_zoo_run.ground_truth["totals"]["tables"] == 475
    assert sizes and max(sizes.values()) <= OUTPUT_LIMIT, sorted(sizes.items(), key=lambda i: i[1])
    values = {**large_zoo_run.outputs, "TESTENV_GROUND_TRUTH_FILE": str(tmp_path / "t.json")}
    path = tmp_path / "large-zoo.env"
    for emulator in (None, "http://127.0.0.1:5000"):
        text = "\n".join(state_module().env_lines("test", values, path, emulator, None))
        assert len(text) <= ENV_FILE_LIMIT, len(text)


def test_the_readme_shows_large_with_the_zoo_as_measured(large_zoo_run):
    """The README's large+zoo row is what benchmarks/sizes.py measures for it."""
    assert readme_rows()["large+zoo"] == row("large+zoo", measure(large_zoo_run))


@pytest.mark.parametrize("profile", ["small", "small+zoo"])
def test_the_readme_shows_small_stacks_as_measured(program_env, free_port, profile):
    """The README's small and small+zoo rows are what benchmarks/sizes.py measures."""
    run = run_program({**PROFILES[profile], "postgresPort": free_port})
    assert readme_rows()[profile] == row(profile, measure(run))


def test_the_readme_sizes_table_lists_every_profile():
    """benchmarks/sizes.py wrote a row for each of its profiles into the README."""
    assert list(readme_rows()) == list(PROFILES)
    assert Path(ROOT / "README.md").read_text().count("<!-- sizes:") == 1
