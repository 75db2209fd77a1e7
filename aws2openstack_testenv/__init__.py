"""aws2openstack-testenv's stack for the tests of the tool it serves.

The pytest plugin (``aws2openstack_testenv.pytest_plugin``, registered as a ``pytest11``
entry point) gives a test the stack as fixtures; the same pieces work without pytest:
``load`` reads a stack's outputs into a ``Testenv``, ``load_ground_truth`` its ground
truth, ``compare_findings`` lists where a report of the tool differs from it.
"""

from aws2openstack_testenv.findings import Difference, Differences, compare_findings
from aws2openstack_testenv.stack import DatabaseUrl, Source, Table, Testenv, TestenvError, load
from aws2openstack_testenv.truth import load_ground_truth

__all__ = [
    "DatabaseUrl",
    "Difference",
    "Differences",
    "Source",
    "Table",
    "Testenv",
    "TestenvError",
    "compare_findings",
    "load",
    "load_ground_truth",
]
