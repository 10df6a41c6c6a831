"""Request rate limits (contract: 100/min per IP, 1,000/h and 10,000/day per user)."""

from __future__ import annotations

from typing import AsyncIterator, Awaitable, Callable

from aiohttp import web
from redis.exceptions import RedisError

from chatnomina.auth.throttle import LimitState, Throttle
from chatnomina.errors import RateLimited
from chatnomina.keys import REDIS, SETTINGS, THROTTLE
from chatnomina.logs import get_logger
from chatnomina.web.client_ip import client_ip
from chatnomina.web.routing import PRINCIPAL

log = get_logger("chatnomina.throttle")

RATE_STATE = web.RequestKey("rate_state", LimitState)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def throttle_ctx(app: web.Application) -> AsyncIterator[None]:
    """The shared limiter (its counters live in Redis, so every replica agrees)."""
    app[THROTTLE] = Throttle(app[SETTINGS], app[REDIS])
    yield


@web.middleware
async def rate_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count API requests per IP and per user; 429 with Retry-After past a limit."""
    settings = request.app[SETTINGS]
    if not settings.rate_limits_enabled or request.method == "OPTIONS" or not request.path.startswith("/api/"):
        return await handler(request)
    principal = request.get(PRINCIPAL)
    try:
        state = await request.app[THROTTLE].hit_request(
            client_ip(request, settings.trusted_proxy_hops), principal.subject if principal else None
        )
    except (RedisError, OSError) as exc:
        # A Redis outage must not take the API down with it; /ready reports Redis.
        log.warning("throttle.unavailable", error=repr(exc))
        return await handler(request)
    request[RATE_STATE] = state
    if not state.allowed:
        raise RateLimited(retry_after=state.retry_after)
    return await handler(request)


async def add_rate_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: X-RateLimit-* on every limited response, errors included."""
    state = request.get(RATE_STATE)
    if state is not None:
        response.headers.update(state.headers())
