"""Connections the actors share, opened on each worker process's event loop.

Async actors run on the event-loop thread that Dramatiq's ``AsyncIO`` middleware starts;
asyncpg pools and asyncio Redis clients are bound to the loop that created them, so they
are opened there, after that thread starts, and closed before it stops.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import Middleware
from redis.asyncio import Redis

from chatnomina.db import create_pool
from chatnomina.jobs import JobQueue
from chatnomina.redis import create_redis
from chatnomina.s3 import S3
from chatnomina.settings import Settings


@dataclass
class Resources:
    """What a job needs: settings, the pool, Redis and the producer side of the broker."""

    settings: Settings
    db: asyncpg.Pool
    redis: Redis
    jobs: JobQueue
    s3: S3

    @classmethod
    async def open(cls, settings: Settings, *, pool_size: int = 4) -> Resources:
        """Open every resource (also used by tests and the CLI to call ``*_job`` directly)."""
        pool = await create_pool(settings, min_size=0, max_size=pool_size)
        s3 = await S3(settings).open()
        return cls(settings=settings, db=pool, redis=create_redis(settings), jobs=JobQueue(settings), s3=s3)

    async def close(self) -> None:
        await self.db.close()
        await self.redis.aclose()
        await self.s3.close()
        self.jobs.close()


_current: Resources | None = None


def resources() -> Resources:
    """The resources of this worker process (only valid inside an actor)."""
    if _current is None:
        raise RuntimeError("worker resources are not open")
    return _current


class ResourcesMiddleware(Middleware):
    """Opens the resources after the event-loop thread starts; closes them before it stops.

    Listed after ``AsyncIO`` in the broker, so its ``before_worker_boot`` runs once the loop
    thread exists and before any worker thread takes a message.
    """

    def __init__(self, settings: Settings):
        self.settings = settings

    def before_worker_boot(self, broker: Any, worker: Any) -> None:
        global _current
        pool_size = max(2, worker.worker_threads if hasattr(worker, "worker_threads") else 4)
        loop_thread = get_event_loop_thread()
        assert loop_thread is not None, "the AsyncIO middleware must come before ResourcesMiddleware"
        _current = loop_thread.run_coroutine(Resources.open(self.settings, pool_size=pool_size))

    def before_worker_shutdown(self, broker: Any, worker: Any) -> None:
        global _current
        if _current is not None:
            loop_thread = get_event_loop_thread()
            if loop_thread is not None:
                loop_thread.run_coroutine(_current.close())
            _current = None
