"""compare_findings and compare_databases: a tool's findings against a ground truth,
without pytest's plugin machinery (a small hand-written document)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import pytest

from aws2openstack_testenv.findings import (
    Difference,
    Differences,
    compare_databases,
    compare_findings,
)

TRUTH = {
    "databases": [
        {
            "name": "dev_analytics",
            "table_count": 2,
            "tables": [
                {
                    "name": "sales",
                    "rules_version": 1,
                    "expected": {
                        "format": "PARQUET",
                        "readiness": "NEEDS_CONVERSION",
                        "is_iceberg": False,
                        "column_count": 8,
                        "partition_keys": ["year", "month"],
                        "location": "s3://bucket/sales/",
                    },
                },
                {
                    "name": "customers",
                    "rules_version": 1,
                    "expected": {
                        "format": "ICEBERG",
                        "readiness": "READY",
                        "is_iceberg": True,
                        "column_count": 6,
                        "partition_keys": [],
                        "location": "s3://bucket/customers",
                    },
                },
            ],
        }
    ]
}


def agreeing() -> list[dict]:
    return [
        {
            "database_name": "dev_analytics",
            "table_name": table["name"],
            "table_format": table["expected"]["format"],
            "migration_readiness": table["expected"]["readiness"],
            "is_iceberg": table["expected"]["is_iceberg"],
            "column_count": table["expected"]["column_count"],
            "partition_keys": table["expected"]["partition_keys"],
            "storage_location": table["expected"]["location"],
        }
        for table in TRUTH["databases"][0]["tables"]
    ]


def test_agreeing_findings_have_no_difference():
    """Findings equal to `expected` give an empty (falsy) Differences."""
    differences = compare_findings(agreeing(), TRUTH)
    assert differences == [] and not differences
    assert str(differences) == "no differences from the ground truth"


def test_each_field_that_differs_is_one_difference():
    """Each differing field is one (table, field, expected, found), in the truth's order."""
    findings = agreeing()
    findings[0]["storage_location"] = ""
    findings[1]["is_iceberg"] = False
    findings[1]["partition_keys"] = ["id"]
    assert compare_findings(findings, TRUTH) == [
        Difference("dev_analytics.sales", "storage_location", "s3://bucket/sales/", ""),
        Difference("dev_analytics.customers", "is_iceberg", True, False),
        Difference("dev_analytics.customers", "partition_keys", [], ["id"]),
    ]


def test_missing_extra_and_twice_reported_tables_are_differences():
    """A table not reported, one reported twice and an extra one of a stack database differ;
    tables of other databases are not compared."""
    findings = agreeing()
    findings.append(dict(findings[0]))
    findings.append({**findings[0], "table_name": "scratch"})
    findings.append({**findings[0], "database_name": "someone_else", "table_name": "x"})
    del findings[1]
    assert [(d.table, d.field, d.expected, d.found) for d in compare_findings(findings, TRUTH)] == [
        ("dev_analytics.sales", "table", "reported once", "reported 2 times"),
        ("dev_analytics.customers", "table", "reported", "not reported"),
        ("dev_analytics.scratch", "table", "not in the stack", "reported"),
    ]


class Readiness(enum.Enum):
    READY = "READY"
    NEEDS_CONVERSION = "NEEDS_CONVERSION"


@dataclass
class GlueTable:
    """The shape of aws2openstack's model: attributes, an enum, a tuple."""

    database_name: str
    table_name: str
    table_format: str
    migration_readiness: Readiness
    is_iceberg: bool
    column_count: int
    partition_keys: tuple[str, ...]
    storage_location: str


@dataclass
class Report:
    tables: list[GlueTable] = field(default_factory=list)


def test_a_report_object_with_attributes_and_enums_is_compared():
    """A report object (`.tables` of objects, enum values, tuples) compares like dicts."""
    tables = [
        GlueTable(
            **{
                **f,
                "migration_readiness": Readiness(f["migration_readiness"]),
                "partition_keys": tuple(f["partition_keys"]),
            }
        )
        for f in agreeing()
    ]
    assert compare_findings(Report(tables), TRUTH) == []
    assert compare_findings({"tables": agreeing()}, TRUTH) == []


def test_a_field_the_finding_lacks_is_a_difference():
    """A finding without one of the compared fields says so instead of raising."""
    findings = agreeing()
    del findings[0]["is_iceberg"]
    (difference,) = compare_findings(findings, TRUTH)
    assert (difference.field, difference.found) == ("is_iceberg", "<no such field>")


def test_a_pinned_rules_version_refuses_other_rules():
    """compare_findings(..., rules_version=N) raises on a truth under other rules."""
    assert compare_findings(agreeing(), TRUTH, rules_version=1) == []
    with pytest.raises(ValueError, match=r"rules version\(s\) \[1\], the comparison expects 2"):
        compare_findings(agreeing(), TRUTH, rules_version=2)


def test_differences_render_as_a_table():
    """str() is a heading and aligned columns; values as JSON, words as they are."""
    differences = Differences(
        [
            Difference("dev_analytics.sales", "migration_readiness", "NEEDS_CONVERSION", "READY"),
            *compare_findings(agreeing()[:1], TRUTH),
        ]
    )
    assert str(differences).splitlines() == [
        "2 differences from the ground truth:",
        "table                    field                expected            found",
        "-----------------------  -------------------  ------------------  ------------",
        'dev_analytics.sales      migration_readiness  "NEEDS_CONVERSION"  "READY"',
        "dev_analytics.customers  table                reported            not reported",
    ]
    assert repr(differences).startswith("<2 differences from the ground truth: ")


def test_databases_compare_by_table_count():
    """compare_databases: a missing database and a wrong table count are differences."""
    assert compare_databases([{"database_name": "dev_analytics", "table_count": 2}], TRUTH) == []
    assert compare_databases([{"database_name": "dev_analytics", "table_count": 3}], TRUTH) == [
        Difference("dev_analytics", "table_count", 2, 3)
    ]
    (missing,) = compare_databases([], TRUTH)
    assert (missing.field, missing.found) == ("database", "not reported")
