"""One Trino statement through Trino's Python client (DB-API), asked again while Trino
says it has no node to run it on.

A node the coordinator already lists as active can announce its catalogs a little later:
a statement in between fails with ``NO_NODES_AVAILABLE`` (seen once on a busy 2-core
machine, after Trino's readiness check had passed). The target's canary
(``components.target_canary``) and the suite's Trino reader both run statements here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

GRACE_SECONDS = 120.0
"""How long a statement may keep finding no node."""


def execute(
    connection: Any,
    sql: str,
    *,
    grace_seconds: float = GRACE_SECONDS,
    pause: Callable[[float], None] = time.sleep,
) -> tuple[list[str], list[str], list[list[Any]]]:
    """Column names, Trino type names and rows of ``sql``; Trino's error for anything
    but ``NO_NODES_AVAILABLE`` within ``grace_seconds``."""
    from trino.exceptions import TrinoQueryError

    deadline = time.monotonic() + grace_seconds
    while True:
        cursor = connection.cursor()
        try:
            cursor.execute(sql)
            rows = cursor.fetchall()
            description = cursor.description or []
            return [c[0] for c in description], [c[1] for c in description], rows
        except TrinoQueryError as error:
            if error.error_name != "NO_NODES_AVAILABLE" or time.monotonic() > deadline:
                raise
        finally:
            cursor.close()
        pause(1.0)
