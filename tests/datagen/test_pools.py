"""Value pools: seeded, realistic, and safe for CSV and JSON."""

from __future__ import annotations

import pytest

from datagen.pools import BUILDERS, pool


def test_pools_depend_on_the_seed_only():
    """The same seed gives the same pool; another seed gives another."""
    for name in ("person_name", "email", "user_agent", "ipv4"):
        first = pool(name, 11).to_pylist()
        pool.cache_clear()
        assert pool(name, 11).to_pylist() == first, name
        assert pool(name, 12).to_pylist() != first, name


def test_user_agents_have_commas_and_quotes_but_no_backslashes():
    """User agents exercise CSV quoting: commas and quotes, never backslashes or newlines."""
    agents = pool("user_agent", 42).to_pylist()
    assert any("," in a and '"' in a for a in agents)
    assert not any("\\" in a or "\n" in a or "\r" in a for a in agents)


def test_every_pool_is_nonempty_and_without_control_characters():
    """No pool value holds a control character or backslash (CSV escape, JSON text)."""
    for name in BUILDERS:
        values = pool(name, 42).to_pylist()
        assert len(values) >= 40, name
        assert len(set(values)) == len(values), name
        assert not any(ch == "\\" or ord(ch) < 0x20 for v in values for ch in v), name


def test_unknown_pool_names_the_pools():
    """Asking for a pool that does not exist fails with the list of pools."""
    with pytest.raises(KeyError, match="the pools are: product_name"):
        pool("no_such_pool", 42)
