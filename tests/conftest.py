"""Shared fixtures: real PostgreSQL, Redis and (on demand) an S3 endpoint.

Which servers: the ones the environment names (``DB_HOST``, ``REDIS_HOST``), else the ones
listening on the standard local ports, else embedded ones started here. Each test session
gets its own database and its own Redis namespace, so sessions never see each other.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import asyncpg
import pytest

from chatnomina.devserver import EmbeddedPostgres, EmbeddedRedis, EmbeddedS3, port_open
from chatnomina.settings import Settings



def _postgres_env(tmp: Path, stops: list[Any]) -> dict[str, str]:
    if os.environ.get("DB_HOST"):
        return {
            name: os.environ[name]
            for name in ("DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD")
            if name in os.environ
        }
    if port_open("127.0.0.1", 5432):
        return {"DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_USER": "postgres", "DB_PASSWORD": ""}
    server = EmbeddedPostgres(tmp / "postgres").start()
    stops.append(server.stop)
    return server.env()


def _redis_env(tmp: Path, stops: list[Any]) -> dict[str, str]:
    if os.environ.get("REDIS_HOST"):
        return {
            name: os.environ[name]
            for name in ("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD")
            if name in os.environ
        }
    if port_open("127.0.0.1", 6379):
        return {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379", "REDIS_PASSWORD": ""}
    server = EmbeddedRedis(tmp / "redis").start()
    stops.append(server.stop)
    return server.env()


async def _create_database(settings: Settings) -> None:
    conn = await asyncpg.connect(
        host=settings.db_host, port=settings.db_port, user=settings.db_user,
        password=settings.db_password.get() or None, database="postgres",
    )
    try:
        await conn.execute(f'CREATE DATABASE "{settings.db_name}"')
    finally:
        await conn.close()


async def _drop_database(settings: Settings) -> None:
    conn = await asyncpg.connect(
        host=settings.db_host, port=settings.db_port, user=settings.db_user,
        password=settings.db_password.get() or None, database="postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{settings.db_name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def service_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment variables of a migrated, private database and a Redis namespace."""
    tmp = tmp_path_factory.mktemp("services")
    stops: list[Any] = []
    suffix = uuid.uuid4().hex[:10]
    env = {
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "warning",
        "DB_NAME": f"cn_test_{suffix}",
        "REDIS_NAMESPACE": f"cntest-{suffix}",
        "WORKER_HEARTBEAT_SECONDS": "5",
        "WORKER_MAINTENANCE_CHANCE": "200000",
        "SHUTDOWN_GRACE_SECONDS": "10",
        "METRICS_PORT": "0",
    }
    try:
        env.update(_postgres_env(tmp, stops))
        env.update(_redis_env(tmp, stops))
        s3 = EmbeddedS3().start()
        stops.append(s3.stop)
        env.update(s3.env())
        env["S3_BUCKET"] = f"cn-test-{suffix}"
        # aiobotocore reads credentials from the process environment
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            os.environ[name] = env[name]
        settings = Settings.from_env(env)
        asyncio.run(_create_database(settings))
        from chatnomina.migrate import upgrade_head

        upgrade_head(settings)
        yield env
        asyncio.run(_drop_database(settings))
    finally:
        for stop in reversed(stops):
            stop()


@pytest.fixture(scope="session")
def base_settings(service_env: dict[str, str]) -> Settings:
    """Settings pointing at the session's database and Redis namespace."""
    return Settings.from_env(service_env)


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    """Per-test settings (tests may override fields with ``with_overrides``)."""
    return base_settings


async def _truncate_all(settings: Settings) -> None:
    conn = await asyncpg.connect(
        host=settings.db_host, port=settings.db_port, user=settings.db_user,
        password=settings.db_password.get() or None, database=settings.db_name,
    )
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )
        if tables:
            names = ", ".join(f'"{row["tablename"]}"' for row in tables)
            # replica mode skips triggers, including the ones guarding closed payroll runs
            await conn.execute("SET session_replication_role = replica")
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


async def _flush_namespace(settings: Settings) -> None:
    from chatnomina.redis import create_redis

    redis = create_redis(settings)
    try:
        async for name in redis.scan_iter(match=f"{settings.redis_namespace}:*", count=1000):
            await redis.delete(name)
    finally:
        await redis.aclose()


@pytest.fixture
async def clean_state(settings: Settings) -> AsyncIterator[None]:
    """An empty database and Redis namespace before the test."""
    await _truncate_all(settings)
    await _flush_namespace(settings)
    yield


@pytest.fixture
async def db(settings: Settings, clean_state: None) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the (emptied) test database."""
    from chatnomina.db import create_pool

    pool = await create_pool(settings, min_size=0, max_size=5)
    yield pool
    await pool.close()


@pytest.fixture
async def redis(settings: Settings, clean_state: None) -> AsyncIterator[Any]:
    """An asyncio Redis client."""
    from chatnomina.redis import create_redis

    client = create_redis(settings)
    yield client
    await client.aclose()


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, clean_state: None) -> Any:
    """A test client on ``create_app(settings)`` with the real wiring."""
    from chatnomina.app import create_app

    return await aiohttp_client(create_app(settings))


