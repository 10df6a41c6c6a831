"""The web application factory: resources, middlewares and routes."""

from __future__ import annotations

from typing import Any, AsyncIterator

import weakref

from aiohttp import WSCloseCode, web

from chatnomina.assistant.service import Assistant
from chatnomina.db import create_pool
from chatnomina.jobs import JobQueue
from chatnomina.keys import ASSISTANT, BROKER_REDIS, DB, JOBS, REDIS, S3, SETTINGS, WEBSOCKETS
from chatnomina.logs import get_logger
from chatnomina.metrics import POOL
from chatnomina.redis import create_redis, key
from chatnomina.s3 import S3 as S3Client
from chatnomina.settings import Settings
from chatnomina.web import chat, health, middleware, openapi, throttling
from chatnomina.web.routing import RouteTable, mount
from chatnomina.web.security import authentication_middlewares

log = get_logger("chatnomina.app")


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    """The asyncpg pool; lazy (min_size 0) so a database outage never stops startup."""
    pool = await create_pool(app[SETTINGS], min_size=0)
    app[DB] = pool
    POOL.pool = pool
    yield
    POOL.pool = None
    await pool.close()


async def redis_ctx(app: web.Application) -> AsyncIterator[None]:
    """Redis for caches, rate limits, revocations and pub/sub, and the broker's Redis."""
    settings = app[SETTINGS]
    app[REDIS] = create_redis(settings)
    app[BROKER_REDIS] = create_redis(settings)
    yield
    await app[BROKER_REDIS].aclose()
    await app[REDIS].aclose()


async def s3_ctx(app: web.Application) -> AsyncIterator[None]:
    """S3 (uploads, exports, presigned URLs), opened on first use."""
    app[S3] = S3Client(app[SETTINGS])
    yield
    await app[S3].close()


async def jobs_ctx(app: web.Application) -> AsyncIterator[None]:
    """The producer side of the job broker."""
    app[JOBS] = JobQueue(app[SETTINGS])
    yield
    app[JOBS].close()


async def assistant_ctx(app: web.Application) -> AsyncIterator[None]:
    """The assistant's models, trained once per process (cached across apps)."""
    app[ASSISTANT] = await Assistant.load(app[SETTINGS])
    yield


async def close_websockets(app: web.Application) -> None:
    """on_shutdown: tell every open websocket we are going away (1001) so clients reconnect."""
    sockets: weakref.WeakSet[web.WebSocketResponse] = app[WEBSOCKETS]
    for ws in list(sockets):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")


async def _is_revoked(request: web.Request, claims: dict[str, Any]) -> bool:
    from chatnomina.auth.revocation import is_access_token_revoked

    return await is_access_token_revoked(request.app[REDIS], request.app[SETTINGS], claims)


def route_tables() -> tuple[list[RouteTable], list[RouteTable]]:
    """(root tables, API tables); each web module contributes its own table."""
    from chatnomina.web import api_tables

    return [health.root], [health.api, openapi.routes, *api_tables()]


def create_app(settings: Settings, *, extra_api_tables: tuple[RouteTable, ...] = ()) -> web.Application:
    """Build the aiohttp application for ``settings`` (tests may mount extra API tables)."""
    prefix = settings.api_prefix
    app = web.Application(
        middlewares=[
            middleware.request_context,
            middleware.error_shape,
            middleware.cors,
            *authentication_middlewares(settings, _is_revoked, skip_paths=(rf"^{prefix}/chat/ws$",)),
            throttling.rate_limit,
        ],
        client_max_size=settings.max_body_bytes,
    )
    app[SETTINGS] = settings
    app.cleanup_ctx.append(database_ctx)
    app.cleanup_ctx.append(redis_ctx)
    app.cleanup_ctx.append(throttling.throttle_ctx)
    app.cleanup_ctx.append(s3_ctx)
    app.cleanup_ctx.append(jobs_ctx)
    app.cleanup_ctx.append(assistant_ctx)
    app.cleanup_ctx.append(chat.hub_ctx)
    app[WEBSOCKETS] = weakref.WeakSet()
    app.on_response_prepare.append(middleware.add_common_headers)
    app.on_response_prepare.append(throttling.add_rate_headers)
    app.on_shutdown.append(close_websockets)
    root_tables, api_tables = route_tables()
    endpoints = mount(app, root_tables) + mount(app, [*api_tables, *extra_api_tables], prefix=prefix)
    app[openapi.ENDPOINTS] = endpoints
    return app


__all__ = ["create_app", "key"]
