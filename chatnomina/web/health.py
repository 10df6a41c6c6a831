"""Liveness, readiness, the API health view and the metrics endpoint."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Literal

from aiohttp import web
from pydantic import BaseModel

from chatnomina import __version__, metrics
from chatnomina.keys import BROKER_REDIS, DB, REDIS
from chatnomina.web.routing import PUBLIC, RouteTable, dumps

CHECK_TIMEOUT_SECONDS = 1.5

root = RouteTable("operaciones")
api = RouteTable("operaciones")


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, Literal["up", "down"]]


class ServiceHealth(BaseModel):
    status: Literal["healthy", "degraded"]
    version: str
    timestamp: datetime
    services: dict[str, Literal["up", "down"]]


async def _timed(check: Callable[[], Awaitable[Any]]) -> bool:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
        return True
    except Exception:  # any failure of a dependency means "down", never a crash
        return False


async def dependency_status(app: web.Application) -> dict[str, str]:
    """Check PostgreSQL, Redis and the broker concurrently, each within the timeout."""

    async def database() -> None:
        await app[DB].fetchval("SELECT 1")

    async def cache() -> None:
        started = time.perf_counter()
        await app[REDIS].ping()
        metrics.REDIS_LATENCY.observe(time.perf_counter() - started)

    async def queue() -> None:
        await app[BROKER_REDIS].ping()

    names = ("database", "cache", "queue")
    results = await asyncio.gather(*(_timed(check) for check in (database, cache, queue)))
    status = {}
    for name, ok in zip(names, results):
        metrics.DEPENDENCY_UP.labels(name).set(1 if ok else 0)
        status[name] = "up" if ok else "down"
    return status


@root.get("/health", summary="Vida del proceso (no toca dependencias)", access=PUBLIC, response=Liveness)
async def health(request: web.Request) -> dict[str, str]:
    """200 while the process serves requests."""
    return {"status": "ok"}


@root.get(
    "/ready",
    summary="Disponibilidad: PostgreSQL, Redis y el broker responden",
    access=PUBLIC,
    response=Readiness,
    extra_responses={503: "Alguna dependencia no responde; `checks` dice cuál."},
)
async def ready(request: web.Request) -> web.Response:
    """200 when every dependency answers, else 503 naming the ones that do not."""
    checks = await dependency_status(request.app)
    ok = all(value == "up" for value in checks.values())
    body = {"status": "ready" if ok else "unavailable", "checks": checks}
    return web.Response(text=dumps(body), status=200 if ok else 503, content_type="application/json")


@root.get("/metrics", summary="Métricas en formato Prometheus", access=PUBLIC)
async def metrics_endpoint(request: web.Request) -> web.Response:
    """Prometheus text exposition of this process."""
    response = web.Response(body=metrics.render())
    response.content_type = "text/plain"
    response.charset = "utf-8"
    response.headers["Content-Type"] = metrics.CONTENT_TYPE
    return response


@api.get("/health", summary="Estado del servicio y sus dependencias", access=PUBLIC, response=ServiceHealth)
async def api_health(request: web.Request) -> dict[str, Any]:
    """Version, time and the state of each dependency."""
    services = await dependency_status(request.app)
    healthy = all(value == "up" for value in services.values())
    return {
        "status": "healthy" if healthy else "degraded",
        "version": __version__,
        "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "services": services,
    }
