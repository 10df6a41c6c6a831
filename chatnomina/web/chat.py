"""Chat over REST and the websocket, and the HR agents' handoff routes."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import replace
from types import MappingProxyType
from typing import Any, AsyncIterator

from aiohttp import WSCloseCode, WSMsgType, web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chatnomina.auth.principal import Principal
from chatnomina.auth.tokens import check_claims, decode_access_token
from chatnomina.chat import events
from chatnomina.chat.hub import Connection, Hub
from chatnomina.errors import ChatNominaError, InvalidRequest, InvalidToken, NotFound, ServiceUnavailable
from chatnomina.keys import ASSISTANT, DB, HUB, REDIS, SETTINGS, WEBSOCKETS
from chatnomina.logs import get_logger
from chatnomina.services import chat as chat_service
from chatnomina.services.chat import ChatDeps
from chatnomina.stores import chat as chat_store
from chatnomina.stores import users as user_store
from chatnomina.web.routing import AUTHENTICATED, PUBLIC, RouteTable, allow, spanish_message
from chatnomina.web.security import bearer_token

log = get_logger("chatnomina.ws")
routes = RouteTable("chat")
hr_routes = RouteTable("gestión humana")

AUTH_TIMEOUT_SECONDS = 5.0
MAX_FRAME_BYTES = 64 * 1024
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TRY_AGAIN = 1013
_NO_CLAIMS: MappingProxyType[str, Any] = MappingProxyType({})


async def hub_ctx(app: web.Application) -> AsyncIterator[None]:
    """One hub per process: started after Redis and the pool, stopped before them."""
    hub = Hub(app[SETTINGS], app[DB], queue_size=app[SETTINGS].ws_outbound_queue)
    await hub.start()
    app[HUB] = hub
    yield
    await hub.stop()


def deps(request: web.Request) -> ChatDeps:
    app = request.app
    return ChatDeps(db=app[DB], redis=app[REDIS], settings=app[SETTINGS], responder=app[ASSISTANT])


def _conversation_id(request: web.Request) -> uuid.UUID:
    try:
        return uuid.UUID(request.match_info["conversation_id"])
    except ValueError:
        raise NotFound("La conversación no existe.") from None


class MessageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=chat_service.MAX_TEXT)
    conversation_id: uuid.UUID | None = None
    client_message_id: str | None = Field(default=None, min_length=1, max_length=100)


class Page(BaseModel):
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0)


class MessagesQuery(BaseModel):
    after: int | None = Field(default=None, ge=0, description="id del último mensaje visto")
    after_seq: int | None = Field(default=None, ge=0, description="secuencia del último mensaje visto")
    limit: int = Field(default=50, ge=1, le=100)


class HistoryQuery(BaseModel):
    session_id: uuid.UUID | None = None
    limit: int = Field(default=10, ge=1, le=100)
    offset: int = Field(default=0, ge=0)


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    useful: bool
    details: str | None = Field(default=None, max_length=2000)


@routes.post("/chat/message", summary="Enviar un mensaje al asistente", access=AUTHENTICATED, body=MessageRequest)
async def post_message(request: web.Request, principal: Principal, body: MessageRequest) -> dict[str, Any]:
    """Store the message and the assistant's answer; a repeated client_message_id returns the first."""
    turn = await chat_service.post_message(
        deps(request), principal, body.message,
        conversation_id=body.conversation_id, client_message_id=body.client_message_id,
    )
    return turn.to_dict()


@routes.get("/chat/conversations", summary="Mis conversaciones", access=AUTHENTICATED, query=Page)
async def list_conversations(request: web.Request, principal: Principal, query: Page) -> dict[str, Any]:
    """Own conversations (and those an agent joined), newest first."""
    if principal.user_id is None:
        return {"items": [], "total": 0, "limit": query.limit, "offset": query.offset}
    items, total = await chat_store.list_conversations(request.app[DB], principal.user_id, limit=query.limit,
                                                       offset=query.offset)
    return {"items": [c.to_dict() for c in items], "total": total, "limit": query.limit, "offset": query.offset}


@routes.get("/chat/conversations/{conversation_id}/messages", summary="Mensajes de una conversación",
            access=AUTHENTICATED, query=MessagesQuery)
async def list_messages(request: web.Request, principal: Principal, query: MessagesQuery) -> dict[str, Any]:
    """Messages in order; ``after`` (a message id) or ``after_seq`` resumes."""
    conversation_id = _conversation_id(request)
    db = request.app[DB]
    await chat_service.authorize_conversation(db, principal, conversation_id)
    after_seq = query.after_seq or 0
    if query.after is not None:
        seq = await chat_store.seq_of_message(db, conversation_id, query.after)
        if seq is None:
            raise InvalidRequest("'after' no es un mensaje de esta conversación.", field="after")
        after_seq = max(after_seq, seq)
    items = await chat_store.messages_after(db, conversation_id, after_seq, query.limit)
    return {"items": [m.to_dict() for m in items], "conversation_id": str(conversation_id)}


@routes.get("/chat/history", summary="Historial pregunta/respuesta (compatibilidad)", access=AUTHENTICATED,
            query=HistoryQuery)
async def history(request: web.Request, principal: Principal, query: HistoryQuery) -> dict[str, Any]:
    """Each question with the assistant's answer, newest first."""
    if principal.user_id is None:
        return {"items": [], "limit": query.limit, "offset": query.offset}
    items = await chat_store.question_answer_pairs(
        request.app[DB], principal.user_id, conversation_id=query.session_id, limit=query.limit, offset=query.offset
    )
    return {"items": items, "limit": query.limit, "offset": query.offset}


@routes.post("/chat/messages/{message_id:\\d+}/feedback", summary="Calificar una respuesta",
             access=AUTHENTICATED, body=FeedbackRequest)
async def feedback(request: web.Request, principal: Principal, body: FeedbackRequest) -> dict[str, Any]:
    """Useful or not, with optional details; stored with the question, answer and intent."""
    return await chat_service.give_feedback(
        deps(request), principal, int(request.match_info["message_id"]), useful=body.useful, details=body.details
    )


@routes.post("/chat/conversations/{conversation_id}/handoff", summary="Pedir un agente humano",
             access=AUTHENTICATED)
async def handoff(request: web.Request, principal: Principal) -> dict[str, Any]:
    """The employee asks for a person; HR agents see it in /hr/handoffs."""
    return await chat_service.request_handoff(deps(request), principal, _conversation_id(request))


HR_AGENTS = allow("hr_agent", "payroll_admin")


class HandoffQuery(Page):
    state: str = Field(default="requested", pattern="^(requested|active|all)$")


@hr_routes.get("/hr/handoffs", summary="Conversaciones que piden un humano", access=HR_AGENTS, query=HandoffQuery)
async def list_handoffs(request: web.Request, query: HandoffQuery) -> dict[str, Any]:
    """Oldest request first."""
    states = ("requested", "active") if query.state == "all" else (query.state,)
    items = await chat_store.list_handoffs(request.app[DB], states=states, limit=query.limit, offset=query.offset)
    return {"items": items, "limit": query.limit, "offset": query.offset}


@hr_routes.post("/hr/conversations/{conversation_id}/join", summary="Unirse a una conversación",
                access=HR_AGENTS)
async def join(request: web.Request, principal: Principal) -> dict[str, Any]:
    """The agent joins; while there, the assistant stays quiet."""
    user = await user_store.get_user(request.app[DB], principal.user_id or 0)
    name = (user.display_name or user.email) if user else "Un agente"
    return await chat_service.join_conversation(deps(request), principal, _conversation_id(request), name)


@hr_routes.post("/hr/conversations/{conversation_id}/release", summary="Devolver la conversación al asistente",
                access=HR_AGENTS)
async def release(request: web.Request, principal: Principal) -> dict[str, Any]:
    """Hand the conversation back to the assistant."""
    return await chat_service.release_conversation(deps(request), principal, _conversation_id(request))


# -- the websocket ------------------------------------------------------------------------


class _Frame(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str


class _Subscribe(BaseModel):
    conversation_id: uuid.UUID
    after: int | None = Field(default=None, ge=0)


class _Send(BaseModel):
    conversation_id: uuid.UUID | None = None
    client_message_id: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=chat_service.MAX_TEXT)


class _Typing(BaseModel):
    conversation_id: uuid.UUID


def _error_frame(error: ChatNominaError) -> dict[str, Any]:
    return {"type": "error", **error.to_dict()["error"]}


async def _authenticate(request: web.Request, ws: web.WebSocketResponse) -> Principal | None:
    """Token from the Authorization header, or an ``auth`` frame within five seconds."""
    settings = request.app[SETTINGS]
    try:
        token = bearer_token(request)
        if token is None:
            message = await ws.receive(timeout=AUTH_TIMEOUT_SECONDS)
            if message.type != WSMsgType.TEXT:
                raise InvalidToken("Se esperaba un mensaje 'auth'.")
            frame = json.loads(message.data)
            if not isinstance(frame, dict) or frame.get("type") != "auth" or not isinstance(frame.get("token"), str):
                raise InvalidToken("El primer mensaje debe ser {'type': 'auth', 'token': ...}.")
            token = frame["token"]
        claims = decode_access_token(settings, token)
        check_claims(claims)
        from chatnomina.auth.revocation import is_access_token_revoked

        if await is_access_token_revoked(request.app[REDIS], settings, claims):
            raise InvalidToken("El token fue revocado.")
        # A socket lives for hours and nothing on it reads the raw claims (only logout does).
        return replace(Principal.from_claims(claims), claims=_NO_CLAIMS)
    except (InvalidToken, asyncio.TimeoutError, json.JSONDecodeError, ValueError) as exc:
        reason = exc.message if isinstance(exc, InvalidToken) else "Autenticación requerida."
        await ws.send_json({"type": "error", "code": "INVALID_TOKEN", "message": reason, "details": {}})
        await ws.close(code=CLOSE_UNAUTHORIZED, message=b"token invalido")
        return None
    except ServiceUnavailable as exc:
        # e.g. the revocation list cannot be read: the client should retry, not log in again
        await ws.send_json(_error_frame(exc))
        await ws.close(code=CLOSE_TRY_AGAIN, message=b"reintente")
        return None


@routes.get("/chat/ws", summary="Websocket del chat (ver el contrato de frames)", access=PUBLIC)
async def websocket(request: web.Request) -> web.WebSocketResponse:
    """auth → ready; subscribe (with after) replays then streams; message → ack; typing; ping → pong."""
    ws = web.WebSocketResponse(heartbeat=25.0, max_msg_size=MAX_FRAME_BYTES, compress=False)
    await ws.prepare(request)
    # The 101's headers (security headers included) are on the wire; a socket lives for hours.
    ws.headers.clear()
    principal = await _authenticate(request, ws)
    if principal is None:
        return ws
    hub = request.app[HUB]
    conn = Connection(hub, ws, request, principal)
    hub.register(conn)
    request.app[WEBSOCKETS].add(ws)
    try:
        if principal.user_id is not None:
            await hub.attach(conn, events.user_channel(request.app[SETTINGS], principal.user_id))
        if principal.is_hr:
            await hub.attach(conn, events.agents_channel(request.app[SETTINGS]))
        conn.send_frame({"type": "ready", "user": principal.subject, "roles": sorted(principal.roles)})
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            if not await _handle_frame(request, conn, message.data):
                break
    # After the upgrade an error must close the socket: raised further, it would become an
    # HTTP error response written into the websocket stream.
    except (asyncio.TimeoutError, ServiceUnavailable):
        await conn.close(CLOSE_TRY_AGAIN, "servicio no disponible; reintente")
    except Exception:
        log.exception("ws.handler_failed", connection=conn.id)
        await conn.close(WSCloseCode.INTERNAL_ERROR, "error interno")
    finally:
        await hub.unregister(conn)
        if not ws.closed:
            await ws.close()
    return ws


async def _handle_frame(request: web.Request, conn: Connection, raw: str) -> bool:
    """Handle one client frame; False when the socket must close."""
    try:
        data = json.loads(raw)
        kind = _Frame.model_validate(data).type
        if kind == "ping":
            conn.send_frame({"type": "pong"})
        elif kind == "subscribe":
            subscribe = _Subscribe.model_validate(data)
            try:
                await chat_service.authorize_conversation(request.app[DB], conn.principal, subscribe.conversation_id)
            except NotFound:
                await conn.close(CLOSE_FORBIDDEN, "conversacion no permitida")
                return False
            await conn.hub.follow_conversation(conn, subscribe.conversation_id, subscribe.after)
        elif kind == "message":
            send = _Send.model_validate(data)
            turn = await chat_service.post_message(
                deps(request), conn.principal, send.text,
                conversation_id=send.conversation_id, client_message_id=send.client_message_id,
            )
            conn.send_frame({"type": "ack", "client_message_id": send.client_message_id, "id": turn.message.id,
                             "conversation_id": str(turn.conversation_id), "seq": turn.message.seq,
                             "duplicate": turn.duplicate})
            if turn.conversation_id not in conn.subscriptions:
                await conn.hub.follow_conversation(conn, turn.conversation_id, turn.message.seq - 1)
        elif kind == "typing":
            typing = _Typing.model_validate(data)
            await chat_service.authorize_conversation(request.app[DB], conn.principal, typing.conversation_id)
            await chat_service.typing(deps(request), conn.principal, typing.conversation_id, conn.origin)
        elif kind == "auth":
            pass  # already authenticated; a repeated auth frame is harmless
        else:
            raise InvalidRequest(f"Tipo de mensaje desconocido: {kind}.", field="type")
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or "frame"
        conn.send_frame(_error_frame(InvalidRequest(spanish_message(first, field), field=field)))
    except json.JSONDecodeError:
        conn.send_frame(_error_frame(InvalidRequest("El mensaje no es JSON válido.", field="frame")))
    except ChatNominaError as exc:
        conn.send_frame(_error_frame(exc))
    return True
