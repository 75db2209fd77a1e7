"""The claims of families/zoo/engines.py: one per kind and engine, each well formed."""

from __future__ import annotations

import pytest

from families.zoo.engines import CLAIMS, ENGINES, THROUGH, TRANSLATED, Claim, engines, label
from tests.datagen.kinds import zoo_kinds as zoo


def test_every_kind_has_a_claim_for_every_engine_in_order() -> None:
    """Each zoo kind, and only those, lists every engine of the matrix in ENGINES order."""
    assert list(CLAIMS) == list(zoo.KINDS)
    for kind, claims in CLAIMS.items():
        assert list(claims) == list(ENGINES), kind


def test_the_ground_truth_entry_carries_result_detail_and_source() -> None:
    """engines(kind) gives each engine, under its label, its result and detail, whether
    the suite translated the Glue definition for it, and the measuring test."""
    entry = engines("csv_header")
    assert entry["spark (translated DDL)"] == {
        "result": "wrong",
        "detail": CLAIMS["csv_header"]["spark"].detail,
        "translated": True,
        "source": "tests/engines/test_zoo_matrix.py",
    }
    assert entry["duckdb (translated SQL)"]["result"] == "reads"
    assert entry["pyiceberg (Glue catalog)"]["translated"] is False


def test_every_engine_says_how_it_gets_to_the_table() -> None:
    """Each engine has its way to the data (THROUGH); a translated engine's label says
    that the suite translated, an engine on its own Glue integration's says which."""
    assert set(THROUGH) == set(ENGINES) and TRANSLATED <= set(ENGINES)
    for engine in ENGINES:
        translated = THROUGH[engine].startswith("translated") or "from Glue" in THROUGH[engine]
        assert translated == (engine in TRANSLATED), engine
        assert label(engine) == f"{engine} ({THROUGH[engine]})"
    assert "library" not in ENGINES  # the writer check is test code, not an engine


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
