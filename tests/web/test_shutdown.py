"""SIGTERM: stop accepting, finish in-flight requests, close websockets with 1001, exit 0."""

from __future__ import annotations

import asyncio
import json
import signal
import time
import aiohttp

from chatnomina.devserver import free_port
from tests.support import start_process, stop_process, subprocess_env, wait_http


async def test_sigterm_completes_in_flight_request_and_exits_0(service_env: dict[str, str], clean_state: None) -> None:
    port = free_port()
    proc = start_process(["tests/web/slow_server.py", str(port)], subprocess_env(service_env, SHUTDOWN_GRACE_SECONDS="10"))
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/health")
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(f"{base}/api/v1/_probe/ws")
            slow = asyncio.create_task(session.get(f"{base}/api/v1/_probe/slow?seconds=2"))
            await asyncio.sleep(0.5)
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            closing = await asyncio.wait_for(ws.receive(), 5)
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
            assert ws.close_code == 1001 or closing.data == 1001
            response = await slow
            assert response.status == 200
            assert await response.json() == {"status": "done"}
        code = await asyncio.to_thread(proc.wait, 15)
        assert code == 0
        assert time.monotonic() - started < 10
        # after shutdown nothing listens any more
        async with aiohttp.ClientSession() as session:
            try:
                await session.get(f"{base}/health", timeout=aiohttp.ClientTimeout(total=2))
                refused = False
            except aiohttp.ClientError:
                refused = True
        assert refused
        output = stop_process(proc)
        lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        canonical = [line for line in lines if line.get("event") == "http.request" and line.get("route") == "/api/v1/_probe/slow"]
        assert canonical and canonical[0]["status"] == 200
        assert {"method", "route", "status", "duration_ms", "request_id"} <= set(canonical[0])
        assert canonical[0]["duration_ms"] >= 1000
    finally:
        stop_process(proc)


