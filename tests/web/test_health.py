"""Probes: liveness, readiness going 503 and back, the API health view, metrics."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from chatnomina.app import create_app
from chatnomina.devserver import EmbeddedPostgres, free_port
from chatnomina.settings import Settings


async def test_health_touches_nothing(client: Any) -> None:
    response = await client.get("/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_ready_when_everything_answers(client: Any) -> None:
    response = await client.get("/ready")
    assert response.status == 200
    assert await response.json() == {
        "status": "ready", "checks": {"database": "up", "cache": "up", "queue": "up"}
    }


async def test_api_health_shape(client: Any) -> None:
    body = await (await client.get("/api/v1/health")).json()
    assert body["status"] == "healthy"
    assert set(body) == {"status", "version", "timestamp", "services"}
    assert body["services"] == {"database": "up", "cache": "up", "queue": "up"}
    assert body["timestamp"].endswith("Z")


async def test_metrics_exposition(client: Any) -> None:
    await client.get("/health")
    response = await client.get("/metrics")
    assert response.status == 200
    text = await response.text()
    assert "chatnomina_http_requests_total" in text
    assert "chatnomina_db_pool_connections" in text


async def test_ready_names_redis_when_it_is_down(aiohttp_client: Any, settings: Settings, clean_state: None) -> None:
    down = settings.with_overrides(redis_port=free_port())
    client = await aiohttp_client(create_app(down))
    started = time.monotonic()
    response = await client.get("/ready")
    assert time.monotonic() - started < 2.0
    assert response.status == 503
    body = await response.json()
    assert body == {"status": "unavailable", "checks": {"database": "up", "cache": "down", "queue": "down"}}
    # liveness does not depend on it
    assert (await client.get("/health")).status == 200


async def _ready_status(client: Any) -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    response = await client.get("/ready")
    return response.status, await response.json(), time.monotonic() - started


async def test_ready_follows_postgres_down_and_back(
    aiohttp_client: Any, settings: Settings, clean_state: None, tmp_path: Path
) -> None:
    server = await asyncio.to_thread(EmbeddedPostgres(tmp_path / "pg").start)
    try:
        own = settings.with_overrides(db_host=server.host, db_port=server.port, db_name="postgres", db_user="postgres")
        client = await aiohttp_client(create_app(own))
        status, body, _ = await _ready_status(client)
        assert status == 200, body

        await asyncio.to_thread(server.stop, "immediate")
        status, body, elapsed = await _ready_status(client)
        assert status == 503 and body["checks"]["database"] == "down"
        assert elapsed < 2.0
        assert (await client.get("/health")).status == 200

        await asyncio.to_thread(server.start)
        deadline = time.monotonic() + 20
        while True:
            status, body, _ = await _ready_status(client)
            if status == 200 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert status == 200, body
    finally:
        await asyncio.to_thread(server.stop)
