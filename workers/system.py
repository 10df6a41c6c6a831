"""Housekeeping actors: a ping that proves a worker is consuming."""

from __future__ import annotations

import dramatiq

from chatnomina import jobs
from chatnomina.redis import key
from workers.context import instrumented
from workers.resources import resources


@dramatiq.actor(queue_name=jobs.PING.queue, actor_name=jobs.PING.actor, max_retries=0)
@instrumented
async def ping(token: str) -> None:
    """Write ``token`` to Redis so a caller can see that a worker processed the message."""
    res = resources()
    await res.redis.set(key(res.settings, "ping", token), b"pong", ex=300)
