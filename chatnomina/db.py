"""The asyncpg pool and the transaction helper.

Stores receive a pool or a connection (both have ``fetch``/``execute``); nothing else
in the code base talks to asyncpg directly.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from contextlib import asynccontextmanager
from typing import AsyncIterator

import asyncpg

from chatnomina.settings import Settings

Executor = asyncpg.Pool | asyncpg.Connection


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _dumps(value: object) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False, separators=(",", ":"))


async def _init_connection(conn: asyncpg.Connection) -> None:
    # Binary codecs, so that COPY (binary) can carry json/jsonb columns too.
    await conn.set_type_codec(
        "jsonb", schema="pg_catalog", format="binary",
        encoder=lambda value: b"\x01" + _dumps(value).encode(), decoder=lambda data: json.loads(data[1:]),
    )
    await conn.set_type_codec(
        "json", schema="pg_catalog", format="binary",
        encoder=lambda value: _dumps(value).encode(), decoder=lambda data: json.loads(data),
    )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Pool release without asyncpg's default reset query.

    asyncpg rolls back an open transaction before calling this either way. The default
    reset (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL) is one more round trip per
    query, and this code base never leaves session state behind: no session-level SET,
    LISTEN, advisory lock or cursor outside a transaction goes through the pool.
    """


def connect_kwargs(settings: Settings, database: str | None = None) -> dict[str, object]:
    """Connection arguments for asyncpg (the password stays out of any DSN string)."""
    return dict(
        host=settings.db_host,
        port=settings.db_port,
        user=settings.db_user,
        password=settings.db_password.get() or None,
        database=database or settings.db_name,
    )


async def create_pool(
    settings: Settings, *, min_size: int | None = None, max_size: int | None = None
) -> asyncpg.Pool:
    """Open a pool; with ``min_size=0`` it connects lazily, so a database outage at
    startup does not stop the process (readiness reports it instead)."""
    pool = await asyncpg.create_pool(
        **connect_kwargs(settings),
        min_size=settings.db_pool_min if min_size is None else min_size,
        max_size=max_size or settings.db_pool_max,
        init=_init_connection,
        reset=_keep_session,
        timeout=5,
        command_timeout=60,
        max_inactive_connection_lifetime=300,
        server_settings={"application_name": "chatnomina", "timezone": "UTC"},
    )
    assert pool is not None
    return pool


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """Acquire a connection and run the block in one transaction."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            yield conn
