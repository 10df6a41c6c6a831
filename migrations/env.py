"""Alembic environment: asyncpg through SQLAlchemy, serialized by an advisory lock.

Two processes running ``alembic upgrade head`` (two release tasks, or a release task and
a developer) would otherwise race; the first takes the lock and migrates, the second
waits, then finds the database at head and does nothing.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import create_async_engine

from chatnomina.settings import Settings

MIGRATION_LOCK_ID = 7_246_110_401  # arbitrary, constant: "chatnomina migrations"


def _url() -> URL:
    override = context.config.attributes.get("settings")
    settings = override if override is not None else Settings.from_env(os.environ)
    return URL.create(
        "postgresql+asyncpg",
        username=settings.db_user,
        password=settings.db_password.get() or None,
        host=settings.db_host,
        port=settings.db_port,
        database=settings.db_name,
    )


def _run(connection: Connection) -> None:
    connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
    connection.commit()
    try:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
        connection.commit()


async def _run_online() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url().render_as_string(hide_password=True), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
