"""Users, tokens and websocket helpers for the chat tests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from chatnomina.auth.passwords import hash_password
from chatnomina.auth.tokens import issue_access_token
from chatnomina.settings import Settings
from chatnomina.stores.users import User, create_user

_HASH = hash_password("irrelevante-123")


async def make_user(db: Any, email: str, roles: list[str], document: str | None = None, name: str | None = None) -> User:
    return await create_user(db, email=email, password_hash=_HASH, roles=roles, document=document, display_name=name)


def token_for(settings: Settings, user: User) -> str:
    return issue_access_token(settings, subject=user.subject, roles=user.roles, document=user.document).token


def bearer(settings: Settings, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(settings, user)}"}


async def next_frame(ws: Any, kind: str | tuple[str, ...], timeout: float = 10.0) -> dict[str, Any]:
    """The next frame of ``kind`` (other frames are skipped)."""
    kinds = (kind,) if isinstance(kind, str) else kind
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise AssertionError(f"no {kinds} frame within {timeout}s")
        message = await ws.receive(timeout=remaining)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
            raise AssertionError(f"socket closed ({ws.close_code}) while waiting for {kinds}")
        frame = json.loads(message.data)
        if frame["type"] in kinds:
            return frame


async def collect_messages(ws: Any, conversation_id: str, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
    """``count`` message frames of a conversation, in arrival order."""
    received: list[dict[str, Any]] = []
    while len(received) < count:
        frame = await next_frame(ws, "message", timeout)
        if frame["conversation_id"] == conversation_id:
            received.append(frame["message"])
    return received
