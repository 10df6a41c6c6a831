"""Events on Redis pub/sub: channel names and the JSON envelope.

Shared by the web process (chat messages, typing) and the workers (``payslip.generated``,
payroll-run progress). Persist first, then publish: an event only ever announces something
PostgreSQL already holds, except typing indicators, which are ephemeral by design.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from redis.asyncio import Redis

from chatnomina import metrics
from chatnomina.redis import key
from chatnomina.settings import Settings


def conversation_channel(settings: Settings, conversation_id: uuid.UUID | str) -> str:
    """Where every message and typing event of one conversation is published."""
    return key(settings, "chat", "conversation", conversation_id)


def user_channel(settings: Settings, user_id: int) -> str:
    """Where notifications for one user (payslip.generated, handoff news) are published."""
    return key(settings, "chat", "user", user_id)


def agents_channel(settings: Settings) -> str:
    """Where HR agents' sockets hear about new handoff requests."""
    return key(settings, "chat", "agents")


def admin_channel(settings: Settings) -> str:
    """Payroll-run progress for administrators."""
    return key(settings, "chat", "admin")


def encode(event: dict[str, Any]) -> bytes:
    """The envelope: the event plus the publish time (delivery-latency metric)."""
    return json.dumps({**event, "published_at": time.time()}, separators=(",", ":"), default=str).encode()


async def publish(redis: Redis, channel: str, event: dict[str, Any]) -> None:
    """Publish one event (after the transaction that stored it committed)."""
    await redis.publish(channel, encode(event))
    metrics.CHAT_PUBLISHED.inc()


async def publish_many(redis: Redis, items: list[tuple[str, dict[str, Any]]]) -> None:
    """Publish several events in one round trip, in order."""
    if not items:
        return
    async with redis.pipeline(transaction=False) as pipe:
        for channel, event in items:
            pipe.publish(channel, encode(event))
        await pipe.execute()
    metrics.CHAT_PUBLISHED.inc(len(items))


async def notify_user(redis: Redis, settings: Settings, user_id: int, name: str, data: dict[str, Any]) -> None:
    """A notification frame for every open socket of ``user_id`` on any replica."""
    await publish(redis, user_channel(settings, user_id), {"type": "event", "event": name, "data": data})
