"""Chat turns, handoff to a human and feedback: store, then publish.

A turn: (1) a retried ``client_message_id`` returns the first result and publishes nothing
(checked in the same round trip as the authorization, which also reads the HR data version
that the assistant's copy of the employee's rows is checked against); (2) the assistant
answers outside any transaction (it only reads); (3) one statement appends the question and
the answer with the new context (a short transaction also adds a handoff notice when the
assistant asks for a human); (4) after commit, the new messages are published in sequence
order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncpg
from redis.asyncio import Redis

from chatnomina.auth.principal import Principal
from chatnomina.chat import events
from chatnomina.db import transaction
from chatnomina.errors import Conflict, Forbidden, InvalidRequest, NotFound
from chatnomina.logs import get_logger
from chatnomina.settings import Settings
from chatnomina.stores import audit
from chatnomina.stores import chat as chat_store
from chatnomina.stores.chat import Conversation, Message

log = get_logger("chatnomina.chat")

MAX_TEXT = 4000
HANDOFF_NOTICE = "Te comunicamos con una persona de Gestión Humana. Un agente se unirá a esta conversación en breve."
AGENT_QUIET = "Un agente de Gestión Humana está atendiendo esta conversación."


@dataclass(frozen=True)
class Reply:
    """What the assistant answers to one message."""

    text: str
    intent: str | None = None
    confidence: float = 0.0
    entities: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    handoff: bool = False

    def payload(self) -> dict[str, Any]:
        return {"intent": self.intent, "confidence": round(self.confidence, 4), "entities": self.entities,
                "sources": self.sources}


class Responder(Protocol):
    """The assistant, as the chat sees it."""

    async def respond(
        self, db: asyncpg.Pool, *, principal: Principal, text: str, context: dict[str, Any],
        hr_version: str | None = None,
    ) -> Reply: ...


@dataclass(frozen=True)
class ChatDeps:
    """The connections a chat operation needs."""

    db: asyncpg.Pool
    redis: Redis
    settings: Settings
    responder: Responder


@dataclass(frozen=True)
class Turn:
    conversation_id: uuid.UUID
    message: Message
    reply: Message | None
    duplicate: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The contract's answer to ``POST /chat/message``."""
        response = None
        if self.reply is not None:
            payload = self.reply.payload
            response = {
                "id": self.reply.id,
                "seq": self.reply.seq,
                "text": self.reply.text,
                "confidence": payload.get("confidence", 0.0),
                "intent": payload.get("intent"),
                "entities": payload.get("entities", []),
                "sources": payload.get("sources", []),
            }
        return {"conversation_id": str(self.conversation_id), "message": self.message.to_dict(),
                "response": response, "duplicate": self.duplicate}


def _event(message: Message) -> dict[str, Any]:
    return {"type": "message", "message": message.to_dict()}


async def _publish(deps: ChatDeps, messages: list[Message]) -> None:
    await events.publish_many(
        deps.redis,
        [(events.conversation_channel(deps.settings, m.conversation_id), _event(m)) for m in messages],
    )


async def authorize_conversation(db: asyncpg.Pool, principal: Principal, conversation_id: uuid.UUID) -> Conversation:
    """The conversation, if ``principal`` takes part in it (never reveal others' existence)."""
    user_id = principal.user_id
    conversation = (await chat_store.conversation_of_participant(db, conversation_id, user_id)
                    if user_id is not None else None)
    if conversation is None:
        raise NotFound("La conversación no existe.")
    return conversation


async def _existing_turn(deps: ChatDeps, user_id: int, client_message_id: str) -> Turn | None:
    first = await chat_store.find_by_client_id(deps.db, user_id, client_message_id)
    if first is None:
        return None
    return await _replayed_turn(deps, first)


async def _replayed_turn(deps: ChatDeps, first: Message) -> Turn:
    reply = await chat_store.find_reply(deps.db, first.id)
    return Turn(first.conversation_id, first, reply, duplicate=True)


async def post_message(
    deps: ChatDeps,
    principal: Principal,
    text: str,
    *,
    conversation_id: uuid.UUID | None = None,
    client_message_id: str | None = None,
) -> Turn:
    """Store a message, let the assistant answer unless a human is handling it, publish both."""
    user_id = principal.user_id
    if user_id is None:
        raise Forbidden("Solo los usuarios pueden conversar.")
    text = text.strip()
    if not text:
        raise InvalidRequest("El mensaje está vacío.", field="message")
    if len(text) > MAX_TEXT:
        raise InvalidRequest(f"El mensaje supera {MAX_TEXT} caracteres.", field="message")
    if conversation_id is None:
        if client_message_id:
            existing = await _existing_turn(deps, user_id, client_message_id)
            if existing is not None:
                return existing
        conversation = await chat_store.create_conversation(
            deps.db, owner_user_id=user_id, owner_document=principal.document, title=text[:80]
        )
        hr_version = None
    else:
        # the retry check and the authorization in one round trip
        begun = await chat_store.start_turn(deps.db, user_id=user_id, client_message_id=client_message_id,
                                            conversation_id=conversation_id)
        if begun.existing is not None:
            return await _replayed_turn(deps, begun.existing)
        if begun.conversation is None:
            raise NotFound("La conversación no existe.")
        conversation, hr_version = begun.conversation, begun.hr_version
    is_owner = conversation.owner_user_id == user_id
    sender_kind = "user" if is_owner else "agent"

    reply: Reply | None = None
    if is_owner and conversation.handoff_state != "active":
        reply = await deps.responder.respond(deps.db, principal=principal, text=text, context=conversation.context,
                                             hr_version=hr_version)

    try:
        if reply is not None and reply.handoff:
            stored = await _store_with_handoff(deps, conversation.id, sender_kind, text, user_id, client_message_id,
                                               reply)
        else:
            # the common turn: question and answer (and the new context) in one statement
            stored = await chat_store.append_turn(
                deps.db, conversation_id=conversation.id, sender_kind=sender_kind, text=text,
                sender_user_id=user_id, client_message_id=client_message_id,
                answer=reply.text if reply is not None else None,
                answer_payload=reply.payload() if reply is not None else None,
                context=reply.context if reply is not None else None,
            )
            if not stored:
                raise NotFound("La conversación no existe.")
    except asyncpg.UniqueViolationError:
        # The same client_message_id raced in from another request: return the winner's result.
        assert client_message_id is not None
        existing = await _existing_turn(deps, user_id, client_message_id)
        if existing is None:
            raise
        return existing
    await _publish(deps, stored)
    if len(stored) > 2:
        await _announce_handoff(deps, conversation.id)
    answer = stored[1] if len(stored) > 1 else None
    return Turn(conversation.id, stored[0], answer)


async def _store_with_handoff(
    deps: ChatDeps, conversation_id: uuid.UUID, sender_kind: str, text: str, user_id: int,
    client_message_id: str | None, reply: Reply,
) -> list[Message]:
    """Question, answer and (unless already requested) the handoff notice, in one transaction."""
    async with transaction(deps.db) as conn:
        current = await chat_store.get_conversation(conn, conversation_id, for_update=True)
        if current is None:
            raise NotFound("La conversación no existe.")
        stored = [await chat_store.append_message(
            conn, conversation_id=conversation_id, sender_kind=sender_kind, text=text,
            sender_user_id=user_id, client_message_id=client_message_id,
        )]
        if current.handoff_state != "active":
            stored.append(await chat_store.append_message(
                conn, conversation_id=conversation_id, sender_kind="assistant", text=reply.text,
                reply_to=stored[0].id, payload=reply.payload(),
            ))
            await chat_store.update_context(conn, conversation_id, reply.context)
            if current.handoff_state == "none":
                await chat_store.set_handoff(conn, conversation_id, "requested")
                stored.append(await chat_store.append_message(
                    conn, conversation_id=conversation_id, sender_kind="system", text=HANDOFF_NOTICE,
                    payload={"event": "handoff.requested"},
                ))
    return stored


async def _announce_handoff(deps: ChatDeps, conversation_id: uuid.UUID) -> None:
    await events.publish(deps.redis, events.agents_channel(deps.settings),
                         {"type": "event", "event": "handoff.requested",
                          "data": {"conversation_id": str(conversation_id)}})


async def request_handoff(deps: ChatDeps, principal: Principal, conversation_id: uuid.UUID) -> dict[str, Any]:
    """The employee asks for a human; agents see it in the handoff list."""
    conversation = await authorize_conversation(deps.db, principal, conversation_id)
    if conversation.owner_user_id != principal.user_id:
        raise Forbidden("Solo el empleado de la conversación puede pedir un agente.")
    if conversation.handoff_state != "none":
        return {"conversation_id": str(conversation_id), "state": conversation.handoff_state}
    async with transaction(deps.db) as conn:
        await chat_store.get_conversation(conn, conversation_id, for_update=True)
        await chat_store.set_handoff(conn, conversation_id, "requested")
        notice = await chat_store.append_message(
            conn, conversation_id=conversation_id, sender_kind="system", text=HANDOFF_NOTICE,
            payload={"event": "handoff.requested"},
        )
    await _publish(deps, [notice])
    await _announce_handoff(deps, conversation_id)
    return {"conversation_id": str(conversation_id), "state": "requested"}


async def join_conversation(
    deps: ChatDeps, agent: Principal, conversation_id: uuid.UUID, agent_name: str
) -> dict[str, Any]:
    """An HR agent joins: the assistant stays quiet until the agent hands back."""
    agent_id = agent.user_id
    assert agent_id is not None
    async with transaction(deps.db) as conn:
        conversation = await chat_store.get_conversation(conn, conversation_id, for_update=True)
        if conversation is None:
            raise NotFound("La conversación no existe.")
        if conversation.handoff_state == "active" and conversation.agent_user_id not in (None, agent_id):
            raise Conflict("Otro agente ya atiende esta conversación.")
        await chat_store.add_participant(conn, conversation_id, agent_id, "agent")
        await chat_store.set_handoff(conn, conversation_id, "active", agent_user_id=agent_id)
        notice = await chat_store.append_message(
            conn, conversation_id=conversation_id, sender_kind="system",
            text=f"{agent_name} de Gestión Humana se unió a la conversación.",
            payload={"event": "handoff.joined", "agent_user_id": agent_id},
        )
        await audit.record(conn, actor=agent.subject, action="chat.join", subject=conversation.owner_document,
                           details={"conversation_id": str(conversation_id)})
    await _publish(deps, [notice])
    return {"conversation_id": str(conversation_id), "state": "active", "agent_user_id": agent_id}


async def release_conversation(deps: ChatDeps, agent: Principal, conversation_id: uuid.UUID) -> dict[str, Any]:
    """The agent hands the conversation back to the assistant."""
    agent_id = agent.user_id
    assert agent_id is not None
    async with transaction(deps.db) as conn:
        conversation = await chat_store.get_conversation(conn, conversation_id, for_update=True)
        if conversation is None or not await chat_store.is_participant(conn, conversation_id, agent_id):
            raise NotFound("La conversación no existe.")
        if conversation.handoff_state != "active":
            raise Conflict("La conversación no está siendo atendida por un agente.")
        await chat_store.set_handoff(conn, conversation_id, "none")
        await chat_store.remove_participant(conn, conversation_id, agent_id)
        notice = await chat_store.append_message(
            conn, conversation_id=conversation_id, sender_kind="system",
            text="El agente devolvió la conversación al asistente virtual.",
            payload={"event": "handoff.released", "agent_user_id": agent_id},
        )
    await _publish(deps, [notice])
    return {"conversation_id": str(conversation_id), "state": "none"}


async def give_feedback(
    deps: ChatDeps, principal: Principal, message_id: int, *, useful: bool, details: str | None
) -> dict[str, Any]:
    """Store feedback on an assistant answer with its question and intent."""
    answer = await chat_store.get_message(deps.db, message_id)
    if answer is None or principal.user_id is None:
        raise NotFound("El mensaje no existe.")
    await authorize_conversation(deps.db, principal, answer.conversation_id)
    if answer.sender_kind != "assistant":
        raise InvalidRequest("Solo se califica una respuesta del asistente.", field="message_id")
    question = await chat_store.get_message(deps.db, answer.reply_to) if answer.reply_to else None
    await chat_store.save_feedback(
        deps.db, message_id=message_id, user_id=principal.user_id, useful=useful, details=details,
        question=question.text if question else None, answer=answer.text, intent=answer.payload.get("intent"),
    )
    return {"message_id": message_id, "useful": useful}


async def typing(deps: ChatDeps, principal: Principal, conversation_id: uuid.UUID, origin: str) -> None:
    """Ephemeral: published, never stored."""
    await events.publish(deps.redis, events.conversation_channel(deps.settings, conversation_id), {
        "type": "typing", "conversation_id": str(conversation_id), "user": principal.subject, "origin": origin,
    })
