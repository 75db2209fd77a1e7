"""The claims of families/zoo/engines.py: one per kind and engine, each well formed."""

from __future__ import annotations

import pytest

from families.zoo.engines import CLAIMS, ENGINES, Claim, engines
from tests.datagen.kinds import zoo_kinds as zoo


def test_every_kind_has_a_claim_for_every_engine_in_order() -> None:
    """Each zoo kind, and only those, lists every engine of the matrix in ENGINES order."""
    assert list(CLAIMS) == list(zoo.KINDS)
    for kind, claims in CLAIMS.items():
        assert list(claims) == list(ENGINES), kind


def test_the_ground_truth_entry_carries_result_detail_and_source() -> None:
    """engines(kind) gives each engine's result and detail with the measuring test."""
    entry = engines("csv_header")
    assert entry["spark"] == {
        "result": "wrong",
        "detail": CLAIMS["csv_header"]["spark"].detail,
        "source": "tests/engines/test_zoo_matrix.py",
    }
    assert entry["duckdb"]["result"] == "reads"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"result": "maybe"}, "result 'maybe'"),
        ({"result": "fails"}, "names its error"),
        ({"result": "reads", "error": "boom"}, "names its error"),
        ({"result": "wrong", "wrong": "odd rows"}, "one of"),
        ({"result": "reads", "wrong": "no rows"}, "one of"),
    ],
)
def test_a_malformed_claim_is_refused(arguments: dict[str, str], message: str) -> None:
    """A claim whose result is unknown, or whose error / wrong field does not fit its
    result, raises with what is expected."""
    with pytest.raises(ValueError, match=message):
        Claim(**arguments)
