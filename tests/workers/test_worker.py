"""A real Dramatiq worker process consumes a job with resources opened on its loop."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from chatnomina import jobs
from chatnomina.jobs import JobQueue
from chatnomina.redis import key
from chatnomina.settings import Settings
from tests.support import start_process, stop_process, subprocess_env


async def test_worker_processes_a_ping(settings: Settings, service_env: dict[str, str], redis: Any) -> None:
    proc = start_process(["-m", "chatnomina", "worker", "--processes", "1", "--threads", "2"], subprocess_env(service_env))
    queue = JobQueue(settings)
    try:
        token = uuid.uuid4().hex
        await queue.send(jobs.PING, token)
        deadline = time.monotonic() + 45
        value = None
        while time.monotonic() < deadline and value is None:
            value = await redis.get(key(settings, "ping", token))
            await asyncio.sleep(0.2)
    finally:
        queue.close()
        output = await asyncio.to_thread(stop_process, proc)
    assert value == b"pong", output
