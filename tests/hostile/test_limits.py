"""One home per knob: the limits and profiles, and the files that must agree with them."""

from __future__ import annotations

import re

import pulumi
import pytest
import yaml

from components import config as stack_config
from datagen import generate, limits
from datagen.__main__ import main
from tests.stack.program import ROOT, run_program

RANGE = re.compile(r"(\d[\d,]*) to (\d[\d,]*)")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _ranges(text: str) -> set[tuple[int, int]]:
    return {(_number(low), _number(high)) for low, high in RANGE.findall(text)}


def test_pulumi_yaml_states_every_limit_and_profile_default():
    """Each limited key's description in Pulumi.yaml states its range and profile defaults."""
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    for limit in limits.ALL:
        description = declared[limit.key]["description"]
        assert (limit.low, limit.high) in _ranges(description), (
            f"Pulumi.yaml: {limit.key} does not say {limit.low:,} to {limit.high:,}: "
            f"{description!r}"
        )
    fields = {
        "rows": "rows",
        "monthlyPartitions": "monthly_partitions",
        "dailyPartitions": "daily_partitions",
        "scaleDatabases": "scale_databases",
        "tablesPerDatabase": "tables_per_database",
    }
    for key, field in fields.items():
        description = declared[key]["description"]
        for name, profile in stack_config.PROFILES.items():
            stated = re.search(rf"\b{name} (\d[\d,]*)", description)
            assert stated, f"Pulumi.yaml: {key} does not state the {name} default"
            assert _number(stated[1]) == getattr(profile, field), (
                f"Pulumi.yaml: {key} says {name} {stated[1]}, "
                f"the profile table says {getattr(profile, field)}"
            )


def test_the_config_table_states_every_limit():
    """docs/configuration.md's table gives each limited key the range of datagen.limits."""
    doc = (ROOT / "docs" / "configuration.md").read_text()
    rows = [line for line in doc.splitlines() if line.startswith("| `")]
    for limit in limits.ALL:
        row = next((r for r in rows if f"`{limit.key}`" in r.split("|")[1]), None)
        assert row, f"docs/configuration.md: no row for {limit.key}"
        assert (limit.low, limit.high) in _ranges(row), (
            f"docs/configuration.md: the row of {limit.key} does not say "
            f"{limit.low:,} to {limit.high:,}: {row!r}"
        )


def test_performance_doc_profile_table_matches_the_profiles():
    """docs/performance.md's profile table: rows, partitions, databases and tables per profile."""
    text = (ROOT / "docs" / "performance.md").read_text()
    for name, profile in stack_config.PROFILES.items():
        row = next((line for line in text.splitlines() if line.startswith(f"| {name}")), None)
        assert row, f"docs/performance.md: no profile row for {name}"
        cells = [c.strip() for c in row.strip("|").split("|")]
        expected = {
            "rows per table": (cells[1], f"{profile.rows:,}"),
            "partitions": (
                cells[2],
                f"{profile.monthly_partitions} / {profile.daily_partitions}",
            ),
            "databases": (cells[3].split(" / ")[0], str(2 + profile.scale_databases)),
            "tables": (
                cells[3].split(" / ")[1],
                f"{5 + profile.scale_databases * profile.tables_per_database:,}",
            ),
        }
        for what, (stated, truth) in expected.items():
            assert stated == truth, (
                f"docs/performance.md: {name} {what} is {stated}, the profile table says {truth}"
            )


def test_one_limit_changes_config_cli_and_generator_together(monkeypatch, program_env, capsys):
    """Lowering limits.ROWS alone moves the bound of config, CLI and generate.check_rows."""
    monkeypatch.setattr(limits, "ROWS", limits.Limit("rows", 1, 50, "rows per table", 10))
    with pytest.raises(generate.BadArgument, match="1 to 50"):
        generate.check_rows(51)
    assert main(["--out", "unused", "--rows", "51"]) == 2
    assert "1 to 50" in capsys.readouterr().err
    with pytest.raises(pulumi.RunError, match="from 1 to 50"):
        run_program({"rows": "51"})


def test_config_errors_state_the_shared_range(program_env):
    """The config error for rows states the range declared in datagen.limits."""
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"rows": str(limits.ROWS.high + 1)})
    assert limits.ROWS.expected in str(raised.value)
