"""Traces go out over OTLP only when configured; log lines then carry the trace id."""

from __future__ import annotations

import asyncio
import json
import aiohttp
from aiohttp import web

from chatnomina.devserver import free_port
from chatnomina.telemetry import tracing_requested
from tests.support import start_process, stop_process, subprocess_env, wait_http


def test_tracing_is_off_by_default_and_honours_sdk_disabled() -> None:
    assert not tracing_requested({})
    assert tracing_requested({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert not tracing_requested({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"})


async def test_web_process_exports_spans_to_an_otlp_collector(service_env: dict[str, str]) -> None:
    received: list[bytes] = []

    async def collect(request: web.Request) -> web.Response:
        received.append(await request.read())
        return web.Response(status=200)

    collector = web.Application()
    collector.router.add_post("/v1/traces", collect)
    runner = web.AppRunner(collector)
    await runner.setup()
    collector_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", collector_port).start()
    port = free_port()
    env = subprocess_env(service_env, OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{collector_port}",
                         OTEL_BSP_SCHEDULE_DELAY="100", LOG_LEVEL="info")
    proc = start_process(["-m", "chatnomina", "serve", "--host", "127.0.0.1", "--port", str(port)], env)
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/health", 60)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/api/v1/health") as response:
                assert response.status in (200, 503)
        for _ in range(50):
            if received:
                break
            await asyncio.sleep(0.1)
    finally:
        output = await asyncio.to_thread(stop_process, proc)
        await runner.cleanup()
    assert received and any(b"chatnomina" in body for body in received)
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    request_lines = [line for line in lines if line.get("event") == "http.request" and line.get("route") == "/api/v1/health"]
    assert request_lines and len(request_lines[0]["trace_id"]) == 32


