"""Two real web processes sharing PostgreSQL and Redis: fan-out, resume after a crash, handoff."""

from __future__ import annotations

import asyncio
import signal
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import aiohttp
import pytest

from chatnomina.devserver import free_port
from chatnomina.settings import Settings
from tests.chat.helpers import bearer, collect_messages, make_user, next_frame
from tests.support import start_process, stop_process, subprocess_env, wait_http


@asynccontextmanager
async def replicas(service_env: dict[str, str], count: int = 2) -> AsyncIterator[list[tuple[str, Any]]]:
    env = subprocess_env(service_env, RATE_LIMITS_ENABLED="false")
    started = []
    try:
        for _ in range(count):
            port = free_port()
            proc = start_process(["-m", "chatnomina", "serve", "--host", "127.0.0.1", "--port", str(port)], env)
            started.append((f"http://127.0.0.1:{port}", proc))
        for base, proc in started:
            try:
                await asyncio.to_thread(wait_http, f"{base}/ready", 60)
            except AssertionError as exc:
                output = await asyncio.to_thread(stop_process, proc)
                raise AssertionError(f"{exc}\n--- replica output ---\n{output[-4000:]}") from None
        yield started
    finally:
        for _, proc in started:
            await asyncio.to_thread(stop_process, proc)


@pytest.fixture
async def people(db: Any) -> dict[str, Any]:
    return {
        "ana": await make_user(db, "ana@example.co", ["employee"], "1130846901", "Ana"),
        "hr": await make_user(db, "rrhh@example.co", ["hr_agent"], None, "Marta"),
    }


async def _post(session: aiohttp.ClientSession, base: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    async with session.post(f"{base}/api/v1/chat/message", json=body, headers=headers) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def _subscribed(session: aiohttp.ClientSession, base: str, headers: dict[str, str], cid: str, after: int | None = None) -> Any:
    ws = await session.ws_connect(f"{base}/api/v1/chat/ws", headers=headers)
    await next_frame(ws, "ready")
    frame: dict[str, Any] = {"type": "subscribe", "conversation_id": cid}
    if after is not None:
        frame["after"] = after
    await ws.send_json(frame)
    return ws


async def test_messages_cross_replicas_and_reach_every_device(service_env: dict[str, str], settings: Settings, people: Any) -> None:
    auth = bearer(settings, people["ana"])
    async with replicas(service_env) as [(one, _), (two, _)], aiohttp.ClientSession() as session:
        first = await _post(session, one, auth, message="Hola")
        cid = first["conversation_id"]
        phone = await _subscribed(session, one, auth, cid)
        laptop = await _subscribed(session, two, auth, cid)
        for ws in (phone, laptop):
            await next_frame(ws, "subscribed")
        await _post(session, two, auth, message="Buenas tardes", conversation_id=cid)
        await _post(session, one, auth, message="Gracias, chao", conversation_id=cid)
        on_phone = await collect_messages(phone, cid, 4)
        on_laptop = await collect_messages(laptop, cid, 4)
        assert [m["seq"] for m in on_phone] == [m["seq"] for m in on_laptop] == [3, 4, 5, 6]
        assert [m["text"] for m in on_phone][0::2] == ["Buenas tardes", "Gracias, chao"]


async def test_sigkill_of_a_replica_loses_and_duplicates_nothing(service_env: dict[str, str], settings: Settings, people: Any) -> None:
    auth = bearer(settings, people["ana"])
    total = 60
    async with replicas(service_env) as [(one, doomed), (two, _)], aiohttp.ClientSession() as session:
        first = await _post(session, two, auth, message="Hola")
        cid = first["conversation_id"]
        seen: list[int] = [1, 2]
        ws = await _subscribed(session, one, auth, cid, after=2)

        async def sender() -> None:
            for i in range(total):
                await _post(session, two, auth, message=f"mensaje {i}", conversation_id=cid, client_message_id=f"k-{i}")
                await asyncio.sleep(0.01)

        sending = asyncio.create_task(sender())
        while len(seen) < 20:
            frame = await next_frame(ws, "message")
            seen.append(frame["message"]["seq"])
        doomed.send_signal(signal.SIGKILL)
        # the client notices, reconnects to the surviving replica and resumes from its last seq
        try:
            while True:
                frame = await next_frame(ws, "message", timeout=5)
                seen.append(frame["message"]["seq"])
        except AssertionError:
            pass
        ws = await _subscribed(session, two, auth, cid, after=seen[-1])
        await sending
        expected_last = 2 + 2 * total
        while seen[-1] < expected_last:
            frame = await next_frame(ws, "message", timeout=15)
            seen.append(frame["message"]["seq"])
        assert seen == list(range(1, expected_last + 1))


async def test_handoff_across_replicas(service_env: dict[str, str], settings: Settings, people: Any) -> None:
    employee, agent = bearer(settings, people["ana"]), bearer(settings, people["hr"])
    async with replicas(service_env) as [(one, _), (two, _)], aiohttp.ClientSession() as session:
        turn = await _post(session, one, employee, message="Quiero hablar con un humano")
        cid = turn["conversation_id"]
        async with session.get(f"{two}/api/v1/hr/handoffs", headers=agent) as response:
            handoffs = await response.json()
        assert [h["conversation_id"] for h in handoffs["items"]] == [cid]
        employee_ws = await _subscribed(session, one, employee, cid)
        await next_frame(employee_ws, "subscribed")
        async with session.post(f"{two}/api/v1/hr/conversations/{cid}/join", headers=agent) as response:
            assert response.status == 200
        joined = await next_frame(employee_ws, "message")
        assert joined["message"]["sender"] == "system"
        agent_ws = await _subscribed(session, two, agent, cid)
        await next_frame(agent_ws, "subscribed")
        quiet = await _post(session, one, employee, message="¿Cuánto me pagaron?", conversation_id=cid)
        assert quiet["response"] is None  # the assistant stays quiet while the agent is there
        question = await next_frame(agent_ws, "message")
        assert question["message"]["text"] == "¿Cuánto me pagaron?"
        await _post(session, two, agent, message="Hola Ana, ya reviso tu pago.", conversation_id=cid)
        from_agent = await next_frame(employee_ws, "message")
        while from_agent["message"]["sender"] != "agent":
            from_agent = await next_frame(employee_ws, "message")
        assert from_agent["message"]["text"] == "Hola Ana, ya reviso tu pago."
        async with session.post(f"{two}/api/v1/hr/conversations/{cid}/release", headers=agent) as response:
            assert response.status == 200
        back = await _post(session, one, employee, message="Hola", conversation_id=cid)
        assert back["response"] is not None
