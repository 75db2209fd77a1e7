"""A tool's findings against the ground truth: every difference, as a row of a table.

aws2openstack reports each Glue table with the fields of its ``GlueTable`` model
(``database_name``, ``table_name``, ``table_format``, ``migration_readiness``,
``is_iceberg``, ``column_count``, ``partition_keys``, ``storage_location``); its JSON
report and its ``glue_tables`` rows use the same names. The ground truth states what each
field should be under ``expected`` (docs/ground-truth.md). Only the databases the ground
truth lists are compared: the catalog may hold other tables than the stack's.
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# (the tool's field, the key under the ground truth's ``expected``)
FIELDS: tuple[tuple[str, str], ...] = (
    ("table_format", "format"),
    ("migration_readiness", "readiness"),
    ("is_iceberg", "is_iceberg"),
    ("column_count", "column_count"),
    ("partition_keys", "partition_keys"),
    ("storage_location", "location"),
)
PRESENCE = "table"
"""The field of a difference about a table itself: not reported, reported twice, or extra."""

_MISSING = object()


class Note(str):
    """Words about a value (``not reported``, ``<no such field>``), shown as they are;
    values themselves are shown as JSON, so ``""``, ``null`` and ``"null"`` differ."""


@dataclass(frozen=True)
class Difference:
    """One disagreement: ``table`` is ``database.table``, ``field`` the tool's field name."""

    table: str
    field: str
    expected: Any
    found: Any


class Differences(list[Difference]):
    """The differences of one comparison; empty when the findings agree.

    ``str()`` is a table with a line per difference. pytest shows it under a failing
    ``assert not compare_findings(...)`` (the plugin adds it to the report) and in the
    explanation of ``assert compare_findings(...) == []``.
    """

    def rows(self) -> list[str]:
        """One line per difference, in columns (the table without its heading)."""
        return self._lines()[2:]

    def render(self) -> str:
        if not self:
            return "no differences from the ground truth"
        noun = "difference" if len(self) == 1 else "differences"
        return "\n".join([f"{len(self)} {noun} from the ground truth:", *self._lines()])

    def _lines(self) -> list[str]:
        cells = [("table", "field", "expected", "found")]
        cells += [(d.table, d.field, _cell(d.expected), _cell(d.found)) for d in self]
        widths = [max(len(row[i]) for row in cells) for i in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return [line.rstrip() for line in lines]

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        # pytest prints this on one line of at most 240 characters; the table follows.
        if not self:
            return "Differences([])"
        first = ", ".join(f"{d.table} {d.field}" for d in self[:3])
        more = f", and {len(self) - 3} more" if len(self) > 3 else ""
        return f"<{len(self)} differences from the ground truth: {first}{more} (table below)>"


def _cell(value: Any) -> str:
    if isinstance(value, Note):
        return str(value)
    return json.dumps(value, default=str)


def _get(finding: Any, name: str) -> Any:
    if isinstance(finding, Mapping):
        value = finding.get(name, _MISSING)
    else:
        value = getattr(finding, name, _MISSING)
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, tuple):
        value = list(value)
    return value


def findings_tables(findings: Any) -> list[Any]:
    """The reported tables of ``findings``: a report (``.tables``, or a mapping with
    ``"tables"``, such as the tool's JSON report) or the tables themselves."""
    if isinstance(findings, Mapping):
        return list(findings["tables"])
    tables = getattr(findings, "tables", None)
    if tables is not None:
        return list(tables)
    return list(findings)


def compare_findings(
    findings: Any, truth: Mapping[str, Any], *, rules_version: int | None = None
) -> Differences:
    """Every difference between ``findings`` and the ground truth ``truth``.

    Each reported table is an object or a mapping with aws2openstack's field names. A
    table of the ground truth that is not reported, a table reported twice and a
    reported table of one of the stack's databases that the ground truth does not list
    are differences of the field ``table``; so is a field the finding lacks. With
    ``rules_version``, a ground truth written under other rules raises ``ValueError``
    instead of comparing against them.
    """
    expected = {
        f"{database['name']}.{table['name']}": table
        for database in truth["databases"]
        for table in database["tables"]
    }
    if rules_version is not None:
        versions = sorted({table.get("rules_version") for table in expected.values()}, key=str)
        if versions != [rules_version]:
            raise ValueError(
                f"the ground truth's tables are under rules version(s) {versions}, "
                f"the comparison expects {rules_version}: docs/ground-truth.md says what changed"
            )
    databases = {database["name"] for database in truth["databases"]}
    reported: dict[str, Any] = {}
    counts: Counter[str] = Counter()
    for finding in findings_tables(findings):
        database = _get(finding, "database_name")
        if database not in databases:
            continue
        key = f"{database}.{_get(finding, 'table_name')}"
        counts[key] += 1
        reported.setdefault(key, finding)

    differences = Differences()
    for key, table in expected.items():
        finding = reported.get(key)
        if finding is None:
            differences.append(Difference(key, PRESENCE, Note("reported"), Note("not reported")))
            continue
        if counts[key] > 1:
            differences.append(
                Difference(
                    key, PRESENCE, Note("reported once"), Note(f"reported {counts[key]} times")
                )
            )
        for name, truth_key in FIELDS:
            want = table["expected"][truth_key]
            found = _get(finding, name)
            if found is _MISSING:
                differences.append(Difference(key, name, want, Note("<no such field>")))
            elif found != want:
                differences.append(Difference(key, name, want, found))
    for key in sorted(reported.keys() - expected.keys()):
        differences.append(Difference(key, PRESENCE, Note("not in the stack"), Note("reported")))
    return differences


def compare_databases(databases: Any, truth: Mapping[str, Any]) -> Differences:
    """Every difference between the reported databases (``database_name``, ``table_count``,
    as aws2openstack's ``GlueDatabase`` and ``glue_databases`` rows have them) and the
    ground truth's; databases the ground truth does not list are not compared."""
    reported: dict[str, Any] = {}
    for database in databases:
        reported.setdefault(_get(database, "database_name"), database)
    differences = Differences()
    for database in truth["databases"]:
        found = reported.get(database["name"])
        if found is None:
            differences.append(
                Difference(database["name"], "database", Note("reported"), Note("not reported"))
            )
        elif _get(found, "table_count") != database["table_count"]:
            differences.append(
                Difference(
                    database["name"],
                    "table_count",
                    database["table_count"],
                    _get(found, "table_count"),
                )
            )
    return differences
