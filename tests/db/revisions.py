"""Writes extra Alembic revisions into a copy of ``migrations/`` for the tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory


def head_of(migrations_dir: Path) -> str:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, f"no head in {migrations_dir}"
    return head


def add_revision(
    migrations_dir: Path,
    revision: str,
    upgrade_sql: list[str],
    downgrade_sql: list[str] | None = None,
) -> Path:
    """Append ``revision`` after the current head; each SQL string is one ``op.execute``."""
    down = head_of(migrations_dir)
    body = "\n".join(f"    op.execute({sql!r})" for sql in upgrade_sql) or "    pass"
    undo = "\n".join(f"    op.execute({sql!r})" for sql in downgrade_sql or []) or "    pass"
    path = migrations_dir / "versions" / f"{revision}.py"
    path.write_text(
        textwrap.dedent(f'''\
        """Test revision {revision}."""

        from alembic import op

        revision = {revision!r}
        down_revision = {down!r}
        branch_labels = None
        depends_on = None


        def upgrade() -> None:
        {{body}}


        def downgrade() -> None:
        {{undo}}
        ''').format(body=body, undo=undo)
    )
    return path
