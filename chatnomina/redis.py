"""The asyncio Redis client and the naming of keys and channels.

Every key and pub/sub channel starts with ``REDIS_NAMESPACE`` so that several deployments
(or test sessions) can share one Redis; pub/sub ignores the database number, so the
prefix is what keeps channels apart.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from chatnomina.settings import Settings


def create_redis(settings: Settings, *, url: str | None = None, max_connections: int = 512) -> Redis:
    """A client that reconnects by itself after an outage and never hangs for long.

    The pool blocks (up to 5 s) when all connections are busy instead of failing at once:
    redis-py's default async pool refuses the 101st concurrent command, which under load
    would turn into spurious 503s.
    """
    pool = BlockingConnectionPool.from_url(
        url or settings.redis_url(),
        max_connections=max_connections,
        timeout=5,
        socket_connect_timeout=1.5,
        socket_timeout=5,
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        decode_responses=False,
    )
    return Redis.from_pool(pool)  # the client owns the pool and closes it


def key(settings: Settings, *parts: object) -> str:
    """``<namespace>:part1:part2``."""
    return ":".join((settings.redis_namespace, *(str(p) for p in parts)))
