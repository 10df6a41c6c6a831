"""Per-job context: log fields bound inside the actor's coroutine, and a trace span."""

from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable, TypeVar

import structlog
from dramatiq.middleware import CurrentMessage

from chatnomina.telemetry import span

T = TypeVar("T")


def instrumented(fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Bind ``actor``/``message_id`` to every log line of the job and open a span around it."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> T:
        message = CurrentMessage.get_current_message()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            actor=fn.__name__, message_id=message.message_id if message else None
        )
        with span(f"job.{fn.__name__}", **{"messaging.message.id": message.message_id if message else None}):
            return await fn(*args, **kwargs)

    return wrapper
