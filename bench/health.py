"""Web process baseline: idle RSS and /health requests per second.

    python bench/health.py [--seconds 10] [--concurrency 64]

Starts ``chatnomina serve`` on loopback against the configured (or local) PostgreSQL and
Redis, measures its RSS when idle, then drives /health with keep-alive connections from
this process and prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import closed_loop, machine, rss_mb, service_env, start_server  # noqa: E402
from chatnomina.devserver import free_port  # noqa: E402


async def drive(port: int, seconds: float, concurrency: int) -> dict:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        url = f"http://127.0.0.1:{port}/health"

        async def one(_: int) -> None:
            async with session.get(url) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(response.status)

        return await closed_loop(one, concurrency=concurrency, duration=seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    port = free_port()
    server = start_server(port, service_env())
    try:
        asyncio.run(asyncio.sleep(1.0))
        idle_rss = rss_mb(server.pid)
        load = asyncio.run(drive(port, args.seconds, args.concurrency))
        loaded_rss = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    print(json.dumps({
        "benchmark": "web_health",
        "machine": machine(),
        "idle_rss_mb": idle_rss,
        "rss_after_load_mb": loaded_rss,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "health": load,
        "note": "load generator runs in one Python process on the same 2-core machine",
    }, indent=2))


if __name__ == "__main__":
    main()
