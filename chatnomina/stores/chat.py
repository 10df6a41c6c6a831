"""Conversations and messages.

A conversation's ``last_seq`` is its sequence allocator: appending a message increments it
under the row lock, so sequence numbers are gap-free and, once a message with ``seq = n``
is committed, every message with a lower ``seq`` of that conversation is committed too.
The hub relies on that to fill gaps from the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from chatnomina.db import Executor
from chatnomina.stores.hr import HR_DATA_VERSION


@dataclass(frozen=True)
class Conversation:
    id: uuid.UUID
    owner_user_id: int
    owner_document: str | None
    title: str | None
    handoff_state: str
    agent_user_id: int | None
    last_seq: int
    context: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "title": self.title,
            "handoff_state": self.handoff_state,
            "last_seq": self.last_seq,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: uuid.UUID
    seq: int
    sender_kind: str
    sender_user_id: int | None
    client_message_id: str | None
    reply_to: int | None
    text: str
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """The message as clients see it (REST and websocket alike)."""
        body: dict[str, Any] = {
            "id": self.id,
            "conversation_id": str(self.conversation_id),
            "seq": self.seq,
            "sender": self.sender_kind,
            "sender_user_id": self.sender_user_id,
            "client_message_id": self.client_message_id,
            "reply_to": self.reply_to,
            "text": self.text,
            "created_at": _iso(self.created_at) if self.created_at else None,
        }
        if self.payload:
            body["payload"] = self.payload
        return body


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


_CONV = """id, owner_user_id, owner_document, title, handoff_state, agent_user_id, last_seq, context,
           created_at, updated_at"""
_MSG = "id, conversation_id, seq, sender_kind, sender_user_id, client_message_id, reply_to, text, payload, created_at"


def _conversation(row: asyncpg.Record | None) -> Conversation | None:
    if row is None:
        return None
    return Conversation(
        id=row["id"], owner_user_id=row["owner_user_id"], owner_document=row["owner_document"],
        title=row["title"], handoff_state=row["handoff_state"], agent_user_id=row["agent_user_id"],
        last_seq=row["last_seq"], context=dict(row["context"] or {}),
        created_at=row["created_at"], updated_at=row["updated_at"],
    )


def message_from_row(row: asyncpg.Record) -> Message:
    return Message(
        id=row["id"], conversation_id=row["conversation_id"], seq=row["seq"], sender_kind=row["sender_kind"],
        sender_user_id=row["sender_user_id"], client_message_id=row["client_message_id"],
        reply_to=row["reply_to"], text=row["text"], payload=dict(row["payload"] or {}),
        created_at=row["created_at"],
    )


async def create_conversation(
    db: Executor, *, owner_user_id: int, owner_document: str | None, title: str | None = None
) -> Conversation:
    """A new conversation owned by ``owner_user_id`` (who is also its first participant)."""
    row = await db.fetchrow(
        f"""WITH conv AS (
                INSERT INTO conversations (owner_user_id, owner_document, title) VALUES ($1, $2, $3)
                RETURNING {_CONV}
            ), participant AS (
                INSERT INTO conversation_participants (conversation_id, user_id, role)
                SELECT id, owner_user_id, 'employee' FROM conv
            )
            SELECT * FROM conv""",
        owner_user_id, owner_document, title,
    )
    conversation = _conversation(row)
    assert conversation is not None
    return conversation


async def get_conversation(
    db: Executor, conversation_id: uuid.UUID, *, for_update: bool = False
) -> Conversation | None:
    lock = " FOR UPDATE" if for_update else ""
    return _conversation(await db.fetchrow(f"SELECT {_CONV} FROM conversations WHERE id = $1{lock}", conversation_id))


async def is_participant(db: Executor, conversation_id: uuid.UUID, user_id: int) -> bool:
    """True while ``user_id`` is in the conversation (owner or an agent who joined)."""
    return bool(await db.fetchval(
        """SELECT 1 FROM conversation_participants
           WHERE conversation_id = $1 AND user_id = $2 AND left_at IS NULL""",
        conversation_id, user_id,
    ))


async def list_conversations(db: Executor, user_id: int, *, limit: int, offset: int) -> tuple[list[Conversation], int]:
    """Conversations ``user_id`` takes part in, newest activity first, with the total."""
    rows = await db.fetch(
        f"""SELECT {_CONV}, count(*) OVER () AS total FROM conversations c
            WHERE EXISTS (SELECT 1 FROM conversation_participants p
                          WHERE p.conversation_id = c.id AND p.user_id = $1)
            ORDER BY updated_at DESC, id LIMIT $2 OFFSET $3""",
        user_id, limit, offset,
    )
    total = rows[0]["total"] if rows else 0
    return [c for c in (_conversation(r) for r in rows) if c is not None], total


async def append_message(
    conn: asyncpg.Connection,
    *,
    conversation_id: uuid.UUID,
    sender_kind: str,
    text: str,
    sender_user_id: int | None = None,
    client_message_id: str | None = None,
    reply_to: int | None = None,
    payload: dict[str, Any] | None = None,
) -> Message:
    """Allocate the next sequence number and insert; call inside a transaction."""
    row = await conn.fetchrow(
        f"""WITH next AS (
                UPDATE conversations SET last_seq = last_seq + 1, updated_at = now()
                WHERE id = $1 RETURNING last_seq
            )
            INSERT INTO messages (conversation_id, seq, sender_kind, sender_user_id, client_message_id,
                                  reply_to, text, payload)
            SELECT $1, next.last_seq, $2, $3, $4, $5, $6, $7 FROM next
            RETURNING {_MSG}""",
        conversation_id, sender_kind, sender_user_id, client_message_id, reply_to, text, payload or {},
    )
    return message_from_row(row)


@dataclass(frozen=True)
class TurnStart:
    """What a chat turn reads before the assistant answers (one round trip)."""

    #: the message already stored under this ``client_message_id`` (a retry), if any
    existing: Message | None
    #: the conversation, when the user takes part in it
    conversation: Conversation | None
    #: the HR data version (see :data:`chatnomina.stores.hr.HR_DATA_VERSION`) when the turn began
    hr_version: str | None = None


async def start_turn(
    db: Executor, *, user_id: int, client_message_id: str | None, conversation_id: uuid.UUID | None
) -> TurnStart:
    """The retried message (by ``client_message_id``), the conversation if ``user_id`` is in it
    and the HR data version, so that the assistant can reuse employee rows it already read."""
    row = await db.fetchrow(
        f"""SELECT (SELECT m FROM messages m WHERE m.sender_user_id = $1 AND m.client_message_id = $2) AS existing,
                   (SELECT c FROM conversations c
                    WHERE c.id = $3 AND EXISTS (SELECT 1 FROM conversation_participants p
                                                WHERE p.conversation_id = c.id AND p.user_id = $1
                                                  AND p.left_at IS NULL)) AS conversation,
                   ({HR_DATA_VERSION}) AS hr_version""",
        user_id, client_message_id, conversation_id,
    )
    existing = row["existing"]
    return TurnStart(message_from_row(existing) if existing is not None else None,
                     _conversation(row["conversation"]), row["hr_version"])


async def conversation_of_participant(db: Executor, conversation_id: uuid.UUID, user_id: int) -> Conversation | None:
    """The conversation, if ``user_id`` takes part in it (one round trip)."""
    return _conversation(await db.fetchrow(
        f"""SELECT {_CONV} FROM conversations c
            WHERE id = $1 AND EXISTS (SELECT 1 FROM conversation_participants p
                                      WHERE p.conversation_id = c.id AND p.user_id = $2 AND p.left_at IS NULL)""",
        conversation_id, user_id,
    ))


async def append_turn(
    db: Executor,
    *,
    conversation_id: uuid.UUID,
    sender_kind: str,
    text: str,
    sender_user_id: int | None,
    client_message_id: str | None,
    answer: str | None = None,
    answer_payload: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> list[Message]:
    """Append a message and, unless an agent is handling the conversation, the assistant's answer.

    One statement (atomic on its own, no explicit transaction): the conversation's row lock
    taken by the ``UPDATE`` allocates both sequence numbers, exactly as consecutive
    :func:`append_message` calls would; with an answer the conversation's context is replaced.
    Returns the stored messages in sequence order (the question alone when an agent took over
    between the assistant's answer and this write); empty when the conversation is gone.
    """
    rows = await db.fetch(
        f"""WITH conv AS (
                UPDATE conversations
                SET last_seq = last_seq + CASE WHEN $6::text IS NOT NULL AND handoff_state <> 'active'
                                               THEN 2 ELSE 1 END,
                    context = CASE WHEN $6::text IS NOT NULL AND handoff_state <> 'active'
                                   THEN $8::jsonb ELSE context END,
                    updated_at = now()
                WHERE id = $1
                RETURNING last_seq, $6::text IS NOT NULL AND handoff_state <> 'active' AS answered
            ), question AS (
                INSERT INTO messages (conversation_id, seq, sender_kind, sender_user_id, client_message_id,
                                      reply_to, text, payload)
                SELECT $1, CASE WHEN conv.answered THEN conv.last_seq - 1 ELSE conv.last_seq END,
                       $2, $3, $4, NULL, $5, '{{}}'::jsonb
                FROM conv
                RETURNING {_MSG}
            ), answer AS (
                INSERT INTO messages (conversation_id, seq, sender_kind, sender_user_id, client_message_id,
                                      reply_to, text, payload)
                SELECT $1, conv.last_seq, 'assistant', NULL, NULL, question.id, $6, $7::jsonb
                FROM conv, question WHERE conv.answered
                RETURNING {_MSG}
            )
            SELECT * FROM question UNION ALL SELECT * FROM answer ORDER BY seq""",
        conversation_id, sender_kind, sender_user_id, client_message_id, text, answer,
        answer_payload or {}, context or {},
    )
    return [message_from_row(r) for r in rows]


async def find_by_client_id(db: Executor, sender_user_id: int, client_message_id: str) -> Message | None:
    row = await db.fetchrow(
        f"SELECT {_MSG} FROM messages WHERE sender_user_id = $1 AND client_message_id = $2",
        sender_user_id, client_message_id,
    )
    return message_from_row(row) if row else None


async def find_reply(db: Executor, message_id: int) -> Message | None:
    """The assistant's reply to ``message_id``, if it answered."""
    row = await db.fetchrow(
        f"SELECT {_MSG} FROM messages WHERE reply_to = $1 AND sender_kind = 'assistant' ORDER BY seq LIMIT 1",
        message_id,
    )
    return message_from_row(row) if row else None


async def get_message(db: Executor, message_id: int) -> Message | None:
    row = await db.fetchrow(f"SELECT {_MSG} FROM messages WHERE id = $1", message_id)
    return message_from_row(row) if row else None


async def messages_after(db: Executor, conversation_id: uuid.UUID, after_seq: int, limit: int) -> list[Message]:
    """Messages with ``seq > after_seq`` in order."""
    rows = await db.fetch(
        f"SELECT {_MSG} FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        conversation_id, after_seq, limit,
    )
    return [message_from_row(r) for r in rows]


async def seq_of_message(db: Executor, conversation_id: uuid.UUID, message_id: int) -> int | None:
    """The sequence number of a message id within a conversation (resuming by id)."""
    return await db.fetchval(
        "SELECT seq FROM messages WHERE conversation_id = $1 AND id = $2", conversation_id, message_id
    )


async def update_context(conn: Executor, conversation_id: uuid.UUID, context: dict[str, Any]) -> None:
    await conn.execute("UPDATE conversations SET context = $2 WHERE id = $1", conversation_id, context)


async def set_handoff(
    conn: Executor, conversation_id: uuid.UUID, state: str, *, agent_user_id: int | None = None
) -> None:
    """Move the handoff state; ``requested`` stamps the request time."""
    await conn.execute(
        """UPDATE conversations
           SET handoff_state = $2,
               handoff_requested_at = CASE WHEN $2 = 'requested' THEN now() ELSE handoff_requested_at END,
               agent_user_id = $3, updated_at = now()
           WHERE id = $1""",
        conversation_id, state, agent_user_id,
    )


async def add_participant(conn: Executor, conversation_id: uuid.UUID, user_id: int, role: str) -> None:
    await conn.execute(
        """INSERT INTO conversation_participants (conversation_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT (conversation_id, user_id) DO UPDATE SET left_at = NULL""",
        conversation_id, user_id, role,
    )


async def remove_participant(conn: Executor, conversation_id: uuid.UUID, user_id: int) -> None:
    await conn.execute(
        "UPDATE conversation_participants SET left_at = now() WHERE conversation_id = $1 AND user_id = $2",
        conversation_id, user_id,
    )


async def list_handoffs(db: Executor, *, states: tuple[str, ...], limit: int, offset: int) -> list[dict[str, Any]]:
    """Conversations waiting for (or served by) a human, oldest request first."""
    rows = await db.fetch(
        """SELECT c.id, c.owner_document, c.handoff_state, c.handoff_requested_at, c.agent_user_id,
                  u.display_name, u.email,
                  (SELECT text FROM messages m WHERE m.conversation_id = c.id AND m.sender_kind = 'user'
                   ORDER BY seq DESC LIMIT 1) AS last_question
           FROM conversations c JOIN users u ON u.id = c.owner_user_id
           WHERE c.handoff_state = ANY($1::text[])
           ORDER BY c.handoff_requested_at NULLS LAST, c.id LIMIT $2 OFFSET $3""",
        list(states), limit, offset,
    )
    return [
        {
            "conversation_id": str(r["id"]),
            "employee_document": r["owner_document"],
            "employee_name": r["display_name"] or r["email"],
            "state": r["handoff_state"],
            "requested_at": _iso(r["handoff_requested_at"]) if r["handoff_requested_at"] else None,
            "agent_user_id": r["agent_user_id"],
            "last_question": r["last_question"],
        }
        for r in rows
    ]


async def save_feedback(
    db: Executor, *, message_id: int, user_id: int, useful: bool, details: str | None,
    question: str | None, answer: str, intent: str | None,
) -> None:
    """Store (or replace) a user's feedback on an answer, with the question and intent."""
    await db.execute(
        """INSERT INTO message_feedback (message_id, user_id, useful, details, question, answer, intent)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (message_id, user_id) DO UPDATE
              SET useful = EXCLUDED.useful, details = EXCLUDED.details, created_at = now()""",
        message_id, user_id, useful, details, question, answer, intent,
    )


async def question_answer_pairs(
    db: Executor, user_id: int, *, conversation_id: uuid.UUID | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """The compatibility history: each user question with the assistant's answer."""
    rows = await db.fetch(
        """SELECT q.id, q.conversation_id, q.text AS question, q.created_at,
                  a.id AS answer_id, a.text AS answer, a.payload
           FROM messages q
           JOIN conversations c ON c.id = q.conversation_id
           LEFT JOIN LATERAL (
               SELECT id, text, payload FROM messages
               WHERE reply_to = q.id AND sender_kind = 'assistant' ORDER BY seq LIMIT 1
           ) a ON true
           WHERE q.sender_user_id = $1 AND q.sender_kind = 'user' AND c.owner_user_id = $1
             AND ($2::uuid IS NULL OR q.conversation_id = $2)
           ORDER BY q.created_at DESC, q.id DESC LIMIT $3 OFFSET $4""",
        user_id, conversation_id, limit, offset,
    )
    return [
        {
            "id": r["id"],
            "session_id": str(r["conversation_id"]),
            "question": r["question"],
            "answer": r["answer"],
            "answer_id": r["answer_id"],
            "intent": (r["payload"] or {}).get("intent"),
            "created_at": _iso(r["created_at"]),
        }
        for r in rows
    ]
