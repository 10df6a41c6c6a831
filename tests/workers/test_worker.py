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


async def test_worker_metrics_expose_jobs_and_queue_depth(settings: Settings, service_env: dict[str, str], redis: Any) -> None:
    from chatnomina.devserver import free_port
    from tests.support import wait_http

    port = free_port()
    proc = start_process(["-m", "chatnomina", "worker", "--processes", "1", "--threads", "1"],
                         subprocess_env(service_env, METRICS_PORT=str(port)))
    queue = JobQueue(settings)
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/health", 45)
        token = uuid.uuid4().hex
        await queue.send(jobs.PING, token)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and await redis.get(key(settings, "ping", token)) is None:
            await asyncio.sleep(0.2)
        import urllib.request

        text = await asyncio.to_thread(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode())
    finally:
        queue.close()
        await asyncio.to_thread(stop_process, proc)
    assert 'chatnomina_jobs_total{actor="ping",outcome="success"} 1.0' in text
    assert 'chatnomina_jobs_total{actor="backup_database",outcome="failure"} 0.0' in text  # created at 0
    assert 'chatnomina_queue_messages{queue="payroll"}' in text
