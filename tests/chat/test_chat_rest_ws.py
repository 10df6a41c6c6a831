"""Chat on one process: REST turns, idempotency, websocket protocol, resume, limits."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from chatnomina.app import create_app
from chatnomina.chat import events
from chatnomina.settings import Settings
from tests.chat.helpers import bearer, collect_messages, make_user, next_frame, token_for


@pytest.fixture
async def people(db: Any) -> dict[str, Any]:
    return {
        "ana": await make_user(db, "ana@example.co", ["employee"], "1130846901", "Ana"),
        "luis": await make_user(db, "luis@example.co", ["employee"], "16145230", "Luis"),
        "hr": await make_user(db, "rrhh@example.co", ["hr_agent"], None, "Marta (RRHH)"),
    }


@pytest.fixture
async def chat_client(aiohttp_client: Any, settings: Settings, people: Any) -> Any:
    return await aiohttp_client(create_app(settings))


async def test_rest_turn_returns_message_and_answer(chat_client: Any, settings: Settings, people: Any) -> None:
    response = await chat_client.post("/api/v1/chat/message", json={"message": "Hola, buen día"},
                                      headers=bearer(settings, people["ana"]))
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["message"]["text"] == "Hola, buen día" and body["message"]["seq"] == 1
    assert body["response"]["intent"] == "saludo"
    assert {"id", "text", "confidence", "intent", "entities", "sources"} <= set(body["response"])
    messages = await (await chat_client.get(f"/api/v1/chat/conversations/{body['conversation_id']}/messages",
                                            headers=bearer(settings, people["ana"]))).json()
    assert [m["seq"] for m in messages["items"]] == [1, 2]
    assert [m["sender"] for m in messages["items"]] == ["user", "assistant"]


async def test_repeated_client_message_id_returns_the_first_answer(chat_client: Any, settings: Settings, people: Any) -> None:
    auth = bearer(settings, people["ana"])
    first = await (await chat_client.post("/api/v1/chat/message", json={"message": "Hola", "client_message_id": "c-1"}, headers=auth)).json()
    again = await (await chat_client.post("/api/v1/chat/message", json={"message": "Hola", "client_message_id": "c-1"}, headers=auth)).json()
    assert again["message"]["id"] == first["message"]["id"]
    assert again["response"]["id"] == first["response"]["id"]
    assert again["duplicate"] is True
    messages = await (await chat_client.get(f"/api/v1/chat/conversations/{first['conversation_id']}/messages", headers=auth)).json()
    assert len(messages["items"]) == 2
    # concurrent retries also resolve to one message
    results = await asyncio.gather(*(
        chat_client.post("/api/v1/chat/message", json={"message": "Buenas", "client_message_id": "c-2",
                                                       "conversation_id": first["conversation_id"]}, headers=auth)
        for _ in range(5)))
    ids = {(await r.json())["message"]["id"] for r in results}
    assert len(ids) == 1


async def test_other_employee_cannot_read_or_post(chat_client: Any, settings: Settings, people: Any) -> None:
    first = await (await chat_client.post("/api/v1/chat/message", json={"message": "Hola"}, headers=bearer(settings, people["ana"]))).json()
    luis = bearer(settings, people["luis"])
    cid = first["conversation_id"]
    assert (await chat_client.get(f"/api/v1/chat/conversations/{cid}/messages", headers=luis)).status == 404
    assert (await chat_client.post("/api/v1/chat/message", json={"message": "x", "conversation_id": cid}, headers=luis)).status == 404
    listing = await (await chat_client.get("/api/v1/chat/conversations", headers=luis)).json()
    assert listing["items"] == []
    history = await (await chat_client.get("/api/v1/chat/history", headers=luis)).json()
    assert history["items"] == []


async def test_history_pairs_and_feedback(chat_client: Any, settings: Settings, people: Any, db: Any) -> None:
    auth = bearer(settings, people["ana"])
    turn = await (await chat_client.post("/api/v1/chat/message", json={"message": "Hola"}, headers=auth)).json()
    history = await (await chat_client.get(f"/api/v1/chat/history?session_id={turn['conversation_id']}", headers=auth)).json()
    assert history["items"][0]["question"] == "Hola"
    assert history["items"][0]["answer"] == turn["response"]["text"]
    response = await chat_client.post(f"/api/v1/chat/messages/{turn['response']['id']}/feedback",
                                      json={"useful": True, "details": "clarísimo"}, headers=auth)
    assert response.status == 200
    row = await db.fetchrow("SELECT question, answer, intent, useful FROM message_feedback")
    assert dict(row) == {"question": "Hola", "answer": turn["response"]["text"], "intent": "saludo", "useful": True}
    other = await chat_client.post(f"/api/v1/chat/messages/{turn['response']['id']}/feedback",
                                   json={"useful": False}, headers=bearer(settings, people["luis"]))
    assert other.status == 404


async def test_websocket_flow_with_auth_frame(chat_client: Any, settings: Settings, people: Any) -> None:
    ws = await chat_client.ws_connect("/api/v1/chat/ws")
    await ws.send_json({"type": "auth", "token": token_for(settings, people["ana"])})
    ready = await next_frame(ws, "ready")
    assert ready["user"] == people["ana"].subject
    await ws.send_json({"type": "message", "client_message_id": "w-1", "text": "Hola"})
    ack = await next_frame(ws, "ack")
    assert ack["client_message_id"] == "w-1"
    messages = await collect_messages(ws, ack["conversation_id"], 2)
    assert [m["seq"] for m in messages] == [1, 2]
    assert messages[1]["sender"] == "assistant"
    await ws.send_json({"type": "ping"})
    assert (await next_frame(ws, "pong"))["type"] == "pong"
    await ws.send_json({"type": "bogus"})
    error = await next_frame(ws, "error")
    assert error["code"] == "INVALID_REQUEST"
    await ws.close()


async def test_bad_token_closes_4401(chat_client: Any, settings: Settings, people: Any) -> None:
    ws = await chat_client.ws_connect("/api/v1/chat/ws")
    await ws.send_json({"type": "auth", "token": "not-a-token"})
    while (await ws.receive(timeout=5)).type == aiohttp.WSMsgType.TEXT:
        pass
    assert ws.close_code == 4401
    header = await chat_client.ws_connect("/api/v1/chat/ws", headers={"Authorization": "Bearer nope"})
    while (await header.receive(timeout=5)).type == aiohttp.WSMsgType.TEXT:
        pass
    assert header.close_code == 4401


async def test_foreign_conversation_closes_4403(chat_client: Any, settings: Settings, people: Any) -> None:
    turn = await (await chat_client.post("/api/v1/chat/message", json={"message": "Hola"}, headers=bearer(settings, people["ana"]))).json()
    ws = await chat_client.ws_connect("/api/v1/chat/ws", headers=bearer(settings, people["luis"]))
    await next_frame(ws, "ready")
    await ws.send_json({"type": "subscribe", "conversation_id": turn["conversation_id"], "after": 0})
    while (message := await ws.receive(timeout=5)).type == aiohttp.WSMsgType.TEXT:
        assert json.loads(message.data)["type"] != "message"
    assert ws.close_code == 4403


async def test_subscribe_after_replays_then_streams(chat_client: Any, settings: Settings, people: Any) -> None:
    auth = bearer(settings, people["ana"])
    turn = await (await chat_client.post("/api/v1/chat/message", json={"message": "Hola"}, headers=auth)).json()
    cid = turn["conversation_id"]
    for text in ("Buenas", "Hola de nuevo"):
        await chat_client.post("/api/v1/chat/message", json={"message": text, "conversation_id": cid}, headers=auth)
    ws = await chat_client.ws_connect("/api/v1/chat/ws", headers=auth)
    await next_frame(ws, "ready")
    await ws.send_json({"type": "subscribe", "conversation_id": cid, "after": 2})
    replayed = await collect_messages(ws, cid, 4)
    assert [m["seq"] for m in replayed] == [3, 4, 5, 6]
    subscribed = await next_frame(ws, "subscribed")
    assert subscribed["last_seq"] == 6
    await chat_client.post("/api/v1/chat/message", json={"message": "Chao", "conversation_id": cid}, headers=auth)
    live = await collect_messages(ws, cid, 2)
    assert [m["seq"] for m in live] == [7, 8]
    await ws.close()


async def test_typing_is_relayed_but_not_stored(chat_client: Any, settings: Settings, people: Any, db: Any) -> None:
    auth = bearer(settings, people["ana"])
    turn = await (await chat_client.post("/api/v1/chat/message", json={"message": "Hola"}, headers=auth)).json()
    cid = turn["conversation_id"]
    phone = await chat_client.ws_connect("/api/v1/chat/ws", headers=auth)
    laptop = await chat_client.ws_connect("/api/v1/chat/ws", headers=auth)
    for ws in (phone, laptop):
        await next_frame(ws, "ready")
        await ws.send_json({"type": "subscribe", "conversation_id": cid})
        await next_frame(ws, "subscribed")
    await phone.send_json({"type": "typing", "conversation_id": cid})
    typing = await next_frame(laptop, "typing")
    assert typing["conversation_id"] == cid
    assert await db.fetchval("SELECT count(*) FROM messages WHERE conversation_id = $1", __import__("uuid").UUID(cid)) == 2


async def test_slow_reader_is_closed_not_buffered(aiohttp_client: Any, settings: Settings, people: Any, redis: Any) -> None:
    client = await aiohttp_client(create_app(settings.with_overrides(ws_outbound_queue=16)))
    auth = bearer(settings, people["ana"])
    turn = await (await client.post("/api/v1/chat/message", json={"message": "Hola"}, headers=auth)).json()
    cid = turn["conversation_id"]
    ws = await client.ws_connect("/api/v1/chat/ws", headers=auth)
    await next_frame(ws, "ready")
    await ws.send_json({"type": "subscribe", "conversation_id": cid})
    await next_frame(ws, "subscribed")
    channel = events.conversation_channel(settings, cid)
    big = "x" * 60_000
    for _ in range(400):  # ~24 MB that this client never reads
        await redis.publish(channel, json.dumps({"type": "typing", "conversation_id": cid, "note": big}))
    closed_with = None
    for _ in range(2000):
        message = await ws.receive(timeout=10)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
            closed_with = ws.close_code
            break
    assert closed_with in (1008, 1013)
    metrics_text = await (await client.get("/metrics")).text()
    assert "chatnomina_chat_slow_consumers_closed_total 1.0" in metrics_text or "chatnomina_chat_slow_consumers_closed_total" in metrics_text


async def test_worker_notifications_reach_the_users_sockets(chat_client: Any, settings: Settings, people: Any, redis: Any) -> None:
    ws = await chat_client.ws_connect("/api/v1/chat/ws", headers=bearer(settings, people["ana"]))
    await next_frame(ws, "ready")
    other = await chat_client.ws_connect("/api/v1/chat/ws", headers=bearer(settings, people["luis"]))
    await next_frame(other, "ready")
    await events.notify_user(redis, settings, people["ana"].id, "payslip.generated", {"period": "2026-10", "run_id": 7})
    frame = await next_frame(ws, "event")
    assert frame["event"] == "payslip.generated" and frame["data"] == {"period": "2026-10", "run_id": 7}
    with pytest.raises((AssertionError, asyncio.TimeoutError)):
        await next_frame(other, "event", timeout=1.0)  # someone else's notification never shows up
    await ws.close()
    await other.close()
