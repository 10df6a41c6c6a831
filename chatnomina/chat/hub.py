"""The per-process hub: local websockets by channel and one Redis subscription task.

Every replica subscribes (on one pub/sub connection) to the channels of the conversations
its sockets follow, plus each connected user's notification channel. An event published by
any replica reaches every local socket of that channel.

Each socket has exactly one writer task fed by a bounded queue: the listener never waits
for a socket, and a socket whose queue fills up (a reader too slow to keep up) is closed
with 1013 instead of growing memory. The writer also keeps messages of a conversation in
sequence order: it drops what it already sent and fills any gap from PostgreSQL (once a
message with sequence *n* is committed, all lower ones are too), which is also how a
``subscribe`` with ``after`` replays what was missed without gaps or duplicates.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiohttp import WSCloseCode, web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from chatnomina import metrics
from chatnomina.auth.principal import Principal
from chatnomina.chat import events
from chatnomina.logs import get_logger
from chatnomina.redis import key
from chatnomina.settings import Settings
from chatnomina.stores import chat as chat_store

log = get_logger("chatnomina.hub")

OUTBOUND_QUEUE_SIZE = 512
REPLAY_PAGE = 500
CLOSE_SLOW_CONSUMER = 1013  # "try again later": the client should reconnect and resume
_ids = itertools.count(1)


@dataclass
class Subscription:
    """Delivery state of one conversation on one socket."""

    last_seq: int
    replaying: bool = True
    pending: list[dict[str, Any]] = field(default_factory=list)


class Connection:
    """One websocket: its principal, its subscriptions and its single writer."""

    def __init__(self, hub: Hub, ws: web.WebSocketResponse, request: web.Request, principal: Principal):
        self.id = next(_ids)
        self.origin = uuid.uuid4().hex  # tells this socket's own typing events apart, across replicas
        self.hub = hub
        self.ws = ws
        self.request = request
        self.principal = principal
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=hub.queue_size)
        self.subscriptions: dict[uuid.UUID, Subscription] = {}
        self.channels: set[str] = set()
        self.closed = False
        self.writer = asyncio.create_task(self._write_loop(), name=f"ws-writer-{self.id}")

    # -- called from other tasks -------------------------------------------------------
    def offer(self, item: tuple[str, Any]) -> None:
        """Queue an outbound item; a full queue means a slow reader, which is closed."""
        if self.closed:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            metrics.CHAT_SLOW_CONSUMERS.inc()
            log.warning("ws.slow_consumer_closed", connection=self.id, user=self.principal.subject)
            asyncio.create_task(self.close(CLOSE_SLOW_CONSUMER, "cola de salida llena; reconecte y reanude"))

    def send_frame(self, frame: dict[str, Any]) -> None:
        self.offer(("frame", frame))

    async def close(self, code: int, reason: str = "") -> None:
        """Stop writing and close the socket; abort the transport if the peer does not read."""
        if self.closed:
            return
        self.closed = True
        self.writer.cancel()
        try:
            await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()[:120]), 2)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError):
            transport = self.request.transport
            if transport is not None:
                transport.abort()

    # -- the writer task ------------------------------------------------------------------
    async def _write_loop(self) -> None:
        try:
            while True:
                kind, item = await self.queue.get()
                if kind == "frame":
                    await self._send(item)
                elif kind == "message":
                    await self._deliver(item)
                elif kind == "replay":
                    await self._replay(*item)
                elif kind == "resync":
                    await self._fill_gap(item, None)
        except asyncio.CancelledError:
            raise
        except (ConnectionError, RuntimeError):
            self.closed = True  # the peer went away; the reader task cleans up
        except Exception:
            log.exception("ws.writer_failed", connection=self.id)
            await self.close(WSCloseCode.INTERNAL_ERROR, "error interno")

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.ws.send_str(json.dumps(frame, separators=(",", ":"), default=str))

    async def _send_message(self, message: dict[str, Any], published_at: float | None = None) -> None:
        await self._send({"type": "message", "conversation_id": message["conversation_id"], "message": message})
        metrics.CHAT_DELIVERED.inc()
        if published_at:
            metrics.CHAT_DELIVERY_LATENCY.observe(max(0.0, time.time() - published_at))

    async def _deliver(self, event: dict[str, Any]) -> None:
        message = event["message"]
        conversation_id = uuid.UUID(message["conversation_id"])
        sub = self.subscriptions.get(conversation_id)
        if sub is None:
            return
        if sub.replaying:
            sub.pending.append(event)
            return
        seq = message["seq"]
        if seq <= sub.last_seq:
            return
        if seq > sub.last_seq + 1:
            await self._fill_gap(conversation_id, seq)
        if seq > sub.last_seq:
            await self._send_message(message, event.get("published_at"))
            sub.last_seq = seq

    async def _fill_gap(self, conversation_id: uuid.UUID, before_seq: int | None) -> None:
        """Send from PostgreSQL what this socket missed (all of it, or up to ``before_seq``)."""
        sub = self.subscriptions.get(conversation_id)
        if sub is None or sub.replaying:
            return
        while True:
            rows = await chat_store.messages_after(self.hub.db, conversation_id, sub.last_seq, REPLAY_PAGE)
            for row in rows:
                if before_seq is not None and row.seq >= before_seq:
                    return
                await self._send_message(row.to_dict())
                sub.last_seq = row.seq
            if len(rows) < REPLAY_PAGE:
                return

    async def _replay(self, conversation_id: uuid.UUID, after: int | None) -> None:
        """After ``subscribe``: replay from the database, then release what arrived live."""
        sub = self.subscriptions.get(conversation_id)
        if sub is None:
            return
        if after is None:
            conversation = await chat_store.get_conversation(self.hub.db, conversation_id)
            sub.last_seq = conversation.last_seq if conversation else 0
        sub.replaying = False
        await self._fill_gap(conversation_id, None)
        pending, sub.pending = sorted(sub.pending, key=lambda e: e["message"]["seq"]), []
        for event in pending:
            await self._deliver(event)
        await self._send({"type": "subscribed", "conversation_id": str(conversation_id), "last_seq": sub.last_seq})


class Hub:
    """Local sockets of this process and the Redis subscription that feeds them."""

    def __init__(self, settings: Settings, redis: Redis, db: asyncpg.Pool, *, queue_size: int = OUTBOUND_QUEUE_SIZE):
        self.settings = settings
        self.redis = redis
        self.db = db
        self.queue_size = queue_size
        self.local: dict[str, set[Connection]] = {}
        self.connections: set[Connection] = set()
        self._pubsub = redis.pubsub(ignore_subscribe_messages=False)
        self._confirm: dict[str, asyncio.Future[None]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._control = key(settings, "chat", "hub")
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Start the listener (one task per process); Redis may be down, it keeps retrying."""
        self._listener = asyncio.create_task(self._listen(), name="chat-hub-listener")

    async def stop(self) -> None:
        """Close every socket with 1001 (going away) and stop listening."""
        await asyncio.gather(
            *(conn.close(WSCloseCode.GOING_AWAY, "el servidor se está deteniendo") for conn in list(self.connections)),
            return_exceptions=True,
        )
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except (asyncio.CancelledError, Exception):
                pass
        try:
            await self._pubsub.aclose()
        except (RedisError, OSError):
            pass

    # -- registration ---------------------------------------------------------------------
    def register(self, conn: Connection) -> None:
        self.connections.add(conn)
        metrics.WEBSOCKETS_OPEN.set(len(self.connections))

    async def unregister(self, conn: Connection) -> None:
        """Forget a closed socket and unsubscribe channels nobody here follows any more."""
        self.connections.discard(conn)
        metrics.WEBSOCKETS_OPEN.set(len(self.connections))
        conn.closed = True
        conn.writer.cancel()
        for channel in list(conn.channels):
            await self.detach(conn, channel)

    async def attach(self, conn: Connection, channel: str) -> None:
        """Deliver ``channel`` to ``conn``; returns once Redis confirmed the subscription."""
        conn.channels.add(channel)
        members = self.local.setdefault(channel, set())
        first = not members
        members.add(conn)
        if first:
            await self._subscribe(channel)

    async def detach(self, conn: Connection, channel: str) -> None:
        conn.channels.discard(channel)
        members = self.local.get(channel)
        if members is None:
            return
        members.discard(conn)
        if not members:
            del self.local[channel]
            try:
                await self._pubsub.unsubscribe(channel)
            except (RedisError, OSError):
                pass

    async def follow_conversation(self, conn: Connection, conversation_id: uuid.UUID, after: int | None) -> None:
        """Subscribe ``conn`` to a conversation and replay from ``after`` (a sequence number)."""
        if conversation_id in conn.subscriptions:
            conn.subscriptions.pop(conversation_id)
        conn.subscriptions[conversation_id] = Subscription(last_seq=after or 0)
        await self.attach(conn, events.conversation_channel(self.settings, conversation_id))
        conn.offer(("replay", (conversation_id, after)))

    async def _subscribe(self, channel: str) -> None:
        async with self._lock:
            if channel in self._confirm:
                future = self._confirm[channel]
            else:
                future = asyncio.get_running_loop().create_future()
                self._confirm[channel] = future
                await self._pubsub.subscribe(channel)
        try:
            await asyncio.wait_for(asyncio.shield(future), 5)
        finally:
            if future.done():
                self._confirm.pop(channel, None)

    # -- the listener ---------------------------------------------------------------------
    async def _listen(self) -> None:
        backoff = 0.1
        while True:
            try:
                if not self._pubsub.subscribed:
                    # the control channel keeps the connection subscribed even with no sockets
                    await self._pubsub.subscribe(self._control)
                message = await self._pubsub.get_message(timeout=1.0)
                backoff = 0.1
                if message is not None:
                    self._dispatch(message)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                log.warning("hub.redis_unavailable", error=repr(exc), retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                await self._recover()
            except Exception:
                log.exception("hub.dispatch_failed")

    async def _recover(self) -> None:
        """After a Redis outage: resubscribe and let every socket fill its gap from PostgreSQL."""
        try:
            channels = [self._control, *self.local]
            await self._pubsub.subscribe(*channels)
        except (RedisError, OSError):
            return
        for conn in list(self.connections):
            for conversation_id in conn.subscriptions:
                conn.offer(("resync", conversation_id))

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        channel = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
        if kind == "subscribe":
            future = self._confirm.get(channel)
            if future is not None and not future.done():
                future.set_result(None)
            return
        if kind != "message":
            return
        members = self.local.get(channel)
        if not members:
            return
        event = json.loads(message["data"])
        event_type = event.get("type")
        if event_type == "message":
            item: tuple[str, Any] = ("message", event)
        else:
            origin = event.pop("origin", None)
            event.pop("published_at", None)
            for conn in list(members):
                if conn.origin != origin or event_type != "typing":
                    conn.offer(("frame", event))
            return
        for conn in list(members):
            conn.offer(item)
