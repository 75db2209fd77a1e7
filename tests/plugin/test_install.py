"""The plugin as another project gets it: this checkout installed with uv into a new
virtual environment, pytest run there in a folder outside the checkout.

The install is constrained to the versions of uv.lock, so that it takes what uv's cache
already holds instead of whatever is newest on the index; what is installed is this
checkout as a wheel (a build, not an editable install).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.plugin.conftest import write_outputs
from tests.stack.program import ROOT

TWO_LINES = """\
def test_the_stack_has_tables(ground_truth):
    assert ground_truth["totals"]["tables"] > 0
"""


def test_a_new_environment_with_the_package_has_the_plugin(offline_outputs, tmp_path):
    """uv pip install <checkout> gives pytest the plugin; a two-line test outside the
    checkout gets ground_truth from --testenv-outputs and passes."""
    uv = shutil.which("uv") or str(os.path.expanduser("~/.local/bin/uv"))
    venv = tmp_path / "venv"
    python = str(venv / "bin" / "python")
    locked = tmp_path / "constraints.txt"
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    steps = [
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
        [uv, "export", "--frozen", "--quiet", "--extra", "test", "--no-emit-project",
         "--no-hashes", "--project", str(ROOT), "--output-file", str(locked)],
        [uv, "pip", "install", "--quiet", "--python", python, "--constraint", str(locked),
         "--reinstall-package", "aws2openstack-testenv", str(ROOT), "pytest"],
    ]  # fmt: skip
    for step in steps:
        done = subprocess.run(step, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{' '.join(step)}\n{done.stderr}"

    elsewhere = tmp_path / "their-repository"
    elsewhere.mkdir()
    (elsewhere / "test_with_the_stack.py").write_text(TWO_LINES)
    outputs = write_outputs(tmp_path, offline_outputs)
    done = subprocess.run(
        [str(venv / "bin" / "pytest"), "-p", "no:cacheprovider", "--testenv-outputs", str(outputs)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    plugins = next(line for line in done.stdout.splitlines() if line.startswith("plugins:"))
    assert "aws2openstack-testenv" in plugins
    shown = subprocess.run(
        [python, "-c", "import aws2openstack_testenv; print(aws2openstack_testenv.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert shown.stdout.startswith(str(venv)), shown.stdout + shown.stderr
