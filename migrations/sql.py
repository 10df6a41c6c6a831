"""Run a block of SQL statements inside the current migration's transaction.

``op.execute`` goes through a prepared statement, which PostgreSQL limits to one command;
revisions are whole SQL scripts, so they go to asyncpg's simple-query ``execute`` on the
same connection (and therefore the same transaction).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.util import await_only


def execute(script: str) -> None:
    """Execute ``script`` (any number of statements) on the migration connection."""
    driver = op.get_bind().connection.driver_connection
    await_only(driver.execute(script))  # type: ignore[union-attr]
