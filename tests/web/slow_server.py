"""A web process with two probe routes, started by the graceful-shutdown test.

It is the real app and the real ``run_web`` of ``chatnomina serve``, plus a slow route and
a websocket route, so the test can hold a request and a socket open while SIGTERM arrives.
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiohttp import web

from chatnomina.app import create_app
from chatnomina.commands.serve import run_web
from chatnomina.keys import WEBSOCKETS
from chatnomina.logs import configure_logging
from chatnomina.settings import Settings
from chatnomina.web.routing import PUBLIC, RouteTable

probe = RouteTable("pruebas")


@probe.get("/_probe/slow", summary="lento", access=PUBLIC)
async def slow(request: web.Request) -> dict[str, str]:
    await asyncio.sleep(float(request.query.get("seconds", "2")))
    return {"status": "done"}


@probe.get("/_probe/ws", summary="websocket", access=PUBLIC)
async def socket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    request.app[WEBSOCKETS].add(ws)
    async for _ in ws:
        pass
    return ws


if __name__ == "__main__":
    settings = Settings.from_env(os.environ)
    configure_logging("info", environment="test", json=True)
    run_web(create_app(settings, extra_api_tables=(probe,)), settings, host="127.0.0.1", port=int(sys.argv[1]))
