"""The per-process hub: local websockets by channel and one Redis subscription.

Every replica subscribes (on one pub/sub connection) to the channels of the conversations
its sockets follow, plus each connected user's notification channel. An event published by
any replica reaches every local socket of that channel.

Each socket has at most one writer task, fed by a bounded outbox: the listener never waits
for a socket, and a socket whose outbox fills up (a reader too slow to keep up) is closed
with 1013 instead of growing memory. An idle socket has neither: both are created when
there is something to send and dropped once it is sent, so ten thousand idle sockets cost
no tasks. The writer also keeps messages of a conversation in sequence order: it drops
what it already sent and fills any gap from PostgreSQL (once a message with sequence *n*
is committed, all lower ones are too), which is also how a ``subscribe`` with ``after``
replays what was missed without gaps or duplicates.

The subscription is :mod:`chatnomina.chat.subscriber` (RESP parsed in the protocol, each
message dispatched synchronously); after a Redis outage the hub reconnects, resubscribes
and lets every socket fill its gap from PostgreSQL.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiohttp import WSCloseCode, web

from chatnomina import metrics
from chatnomina.auth.principal import Principal
from chatnomina.chat import events, subscriber
from chatnomina.logs import get_logger
from chatnomina.redis import key
from chatnomina.settings import Settings
from chatnomina.stores import chat as chat_store

log = get_logger("chatnomina.hub")

OUTBOUND_QUEUE_SIZE = 512
REPLAY_PAGE = 500
CLOSE_SLOW_CONSUMER = 1013  # "try again later": the client should reconnect and resume
HEALTH_CHECK_SECONDS = 15.0  # PING an idle subscription this often...
HEALTH_TIMEOUT_SECONDS = 5.0  # ...and reconnect when nothing came back this long after it
SUBSCRIBE_TIMEOUT_SECONDS = 5.0
_ids = itertools.count(1)


@dataclass
class Subscription:
    """Delivery state of one conversation on one socket."""

    last_seq: int
    replaying: bool = True
    pending: list[_Message] = field(default_factory=list)


class _Message:
    """A message event as it arrived, with its frame encoded once for every local socket."""

    __slots__ = ("event", "conversation_id", "seq", "_text")

    def __init__(self, event: dict[str, Any]):
        self.event = event
        message = event["message"]
        self.conversation_id = uuid.UUID(message["conversation_id"])
        self.seq: int = message["seq"]
        self._text: str | None = None

    @property
    def published_at(self) -> float | None:
        return self.event.get("published_at")

    def text(self) -> str:
        if self._text is None:
            self._text = _frame_text(self.event["message"])
        return self._text


def _frame_text(message: dict[str, Any]) -> str:
    return json.dumps({"type": "message", "conversation_id": message["conversation_id"], "message": message},
                      separators=(",", ":"), default=str)


class Connection:
    """One websocket: its principal, its subscriptions and (while it has something to send) its writer."""

    __slots__ = ("id", "origin", "hub", "ws", "request", "principal", "subscriptions", "channels", "closed",
                 "_outbox", "_writer")

    def __init__(self, hub: Hub, ws: web.WebSocketResponse, request: web.Request, principal: Principal):
        self.id = next(_ids)
        self.origin = uuid.uuid4().hex  # tells this socket's own typing events apart, across replicas
        self.hub = hub
        self.ws = ws
        self.request = request
        self.principal = principal
        self.subscriptions: dict[uuid.UUID, Subscription] = {}
        self.channels: set[str] = set()
        self.closed = False
        self._outbox: deque[tuple[str, Any]] | None = None
        self._writer: asyncio.Task[None] | None = None

    # -- called from other tasks -------------------------------------------------------
    def offer(self, item: tuple[str, Any]) -> None:
        """Queue an outbound item; a full outbox means a slow reader, which is closed."""
        if self.closed:
            return
        outbox = self._outbox
        if outbox is None:
            outbox = self._outbox = deque()
        if len(outbox) >= self.hub.queue_size:
            metrics.CHAT_SLOW_CONSUMERS.inc()
            log.warning("ws.slow_consumer_closed", connection=self.id, user=self.principal.subject)
            self.closed = True  # nothing more is queued; the close below stops the writer
            self.hub.in_background(self._close(CLOSE_SLOW_CONSUMER, "cola de salida llena; reconecte y reanude"))
            return
        outbox.append(item)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_loop(), name=f"ws-writer-{self.id}")

    def send_frame(self, frame: dict[str, Any]) -> None:
        self.offer(("frame", frame))

    async def close(self, code: int, reason: str = "") -> None:
        """Stop writing and close the socket; abort the transport if the peer does not read."""
        if self.closed:
            return
        self.closed = True
        await self._close(code, reason)

    async def _close(self, code: int, reason: str) -> None:
        self.stop_writer()
        try:
            await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()[:120]), 2)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError):
            transport = self.request.transport
            if transport is not None:
                transport.abort()

    def stop_writer(self) -> None:
        """Cancel the writer (if one is running) and forget what was still queued."""
        writer, self._writer, self._outbox = self._writer, None, None
        if writer is not None and writer is not asyncio.current_task():
            writer.cancel()

    # -- the writer task ------------------------------------------------------------------
    async def _write_loop(self) -> None:
        outbox = self._outbox
        try:
            while outbox:
                kind, item = outbox.popleft()
                if kind == "frame":
                    await self._send(item)
                elif kind == "message":
                    await self._deliver(item)
                elif kind == "replay":
                    await self._replay(*item)
                elif kind == "resync":
                    await self._fill_gap(item, None)
                if self._writer is not asyncio.current_task():
                    return  # stopped (closed) while sending
        except asyncio.CancelledError:
            raise
        except (ConnectionError, RuntimeError):
            self.closed = True  # the peer went away; the reader task cleans up
        except Exception:
            log.exception("ws.writer_failed", connection=self.id)
            await self.close(WSCloseCode.INTERNAL_ERROR, "error interno")
        finally:
            # Done (or failed): the next offer starts a new writer. No await between the last
            # check of the outbox and here, so nothing can be queued without a writer.
            if self._writer is asyncio.current_task():
                self._writer = None
                if not outbox:
                    self._outbox = None

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.ws.send_str(json.dumps(frame, separators=(",", ":"), default=str))

    async def _send_message(self, text: str, published_at: float | None = None) -> None:
        await self.ws.send_str(text)
        metrics.CHAT_DELIVERED.inc()
        if published_at:
            metrics.CHAT_DELIVERY_LATENCY.observe(max(0.0, time.time() - published_at))

    async def _deliver(self, item: _Message) -> None:
        sub = self.subscriptions.get(item.conversation_id)
        if sub is None:
            return
        if sub.replaying:
            sub.pending.append(item)
            return
        seq = item.seq
        if seq <= sub.last_seq:
            return
        if seq > sub.last_seq + 1:
            await self._fill_gap(item.conversation_id, seq)
        if seq > sub.last_seq:
            await self._send_message(item.text(), item.published_at)
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
                await self._send_message(_frame_text(row.to_dict()))
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
        pending, sub.pending = sorted(sub.pending, key=lambda m: m.seq), []
        for item in pending:
            await self._deliver(item)
        await self._send({"type": "subscribed", "conversation_id": str(conversation_id), "last_seq": sub.last_seq})


class Hub:
    """Local sockets of this process and the Redis subscription that feeds them."""

    def __init__(self, settings: Settings, db: asyncpg.Pool, *, queue_size: int = OUTBOUND_QUEUE_SIZE):
        self.settings = settings
        self.db = db
        self.queue_size = queue_size
        self.local: dict[str, set[Connection]] = {}
        self.connections: set[Connection] = set()
        self._redis: subscriber.PubSubProtocol | None = None
        self._confirm: dict[str, asyncio.Future[None]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._control = key(settings, "chat", "hub")
        self._resync_after: str | None = None
        self._background: set[asyncio.Task[None]] = set()

    def in_background(self, coroutine: Any) -> None:
        """Run ``coroutine`` as a task the hub keeps a reference to until it ends."""
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

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
        if self._redis is not None:
            self._redis.close()

    # -- registration ---------------------------------------------------------------------
    def register(self, conn: Connection) -> None:
        self.connections.add(conn)
        metrics.WEBSOCKETS_OPEN.set(len(self.connections))

    async def unregister(self, conn: Connection) -> None:
        """Forget a closed socket and unsubscribe channels nobody here follows any more."""
        self.connections.discard(conn)
        metrics.WEBSOCKETS_OPEN.set(len(self.connections))
        conn.closed = True
        conn.stop_writer()
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
            self._send("UNSUBSCRIBE", channel)

    async def follow_conversation(self, conn: Connection, conversation_id: uuid.UUID, after: int | None) -> None:
        """Subscribe ``conn`` to a conversation and replay from ``after`` (a sequence number)."""
        if conversation_id in conn.subscriptions:
            conn.subscriptions.pop(conversation_id)
        conn.subscriptions[conversation_id] = Subscription(last_seq=after or 0)
        await self.attach(conn, events.conversation_channel(self.settings, conversation_id))
        conn.offer(("replay", (conversation_id, after)))

    async def _subscribe(self, channel: str) -> None:
        """SUBSCRIBE now (or at the next reconnection) and wait for Redis to confirm it."""
        future = self._confirm.get(channel)
        if future is None:
            future = self._confirm[channel] = asyncio.get_running_loop().create_future()
            self._send("SUBSCRIBE", channel)
        try:
            await asyncio.wait_for(asyncio.shield(future), SUBSCRIBE_TIMEOUT_SECONDS)
        finally:
            if future.done():
                self._confirm.pop(channel, None)

    def _send(self, *command: str) -> None:
        """A command on the subscription; while Redis is away, reconnecting resubscribes instead."""
        connection = self._redis
        if connection is not None and connection.connected:
            connection.send(*command)

    # -- the listener ---------------------------------------------------------------------
    async def _listen(self) -> None:
        """Keep one subscription open: connect, subscribe, health-check, reconnect after outages."""
        loop = asyncio.get_running_loop()
        backoff = 0.1
        outage = False
        while True:
            try:
                connection = await subscriber.connect(self.settings, self._dispatch, self._confirmed)
            except (OSError, asyncio.TimeoutError, subscriber.ProtocolError) as exc:
                log.warning("hub.redis_unavailable", error=repr(exc), retry_in=backoff)
                outage = True
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            except Exception:
                log.exception("hub.listener_failed", retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            self._redis = connection
            connected_at = loop.time()
            try:
                # the control channel keeps the connection subscribed even with no sockets
                channels = [self._control, *self.local]
                if outage:
                    # once the last channel is confirmed, what was published meanwhile is in PostgreSQL
                    self._resync_after = channels[-1]
                connection.send("SUBSCRIBE", *channels)
                await self._watch(connection)
                log.warning("hub.redis_disconnected", channels=len(channels))
            except (OSError, subscriber.ProtocolError) as exc:
                log.warning("hub.redis_unavailable", error=repr(exc), retry_in=backoff)
            except Exception:
                log.exception("hub.listener_failed", retry_in=backoff)
            finally:
                self._redis = None
                connection.close()
            outage = True
            if loop.time() - connected_at > HEALTH_CHECK_SECONDS:
                backoff = 0.1  # a connection that lasted: reconnect at once
            else:
                await asyncio.sleep(backoff)  # one that keeps dropping: back off as for refusals
                backoff = min(backoff * 2, 5.0)

    async def _watch(self, connection: subscriber.PubSubProtocol) -> None:
        """Return when the connection is lost or stops answering PINGs."""
        loop = asyncio.get_running_loop()
        while not connection.closed.done():
            quiet_for = loop.time() - connection.last_seen
            if quiet_for < HEALTH_CHECK_SECONDS:
                await asyncio.wait([connection.closed], timeout=HEALTH_CHECK_SECONDS - quiet_for)
                continue
            pinged = loop.time()
            connection.send("PING")
            await asyncio.wait([connection.closed], timeout=HEALTH_TIMEOUT_SECONDS)
            if connection.last_seen < pinged and not connection.closed.done():
                log.warning("hub.redis_unresponsive", waited_s=HEALTH_TIMEOUT_SECONDS)
                return

    def _resync(self) -> None:
        """After an outage: every socket fills its gap from PostgreSQL."""
        for conn in list(self.connections):
            for conversation_id in conn.subscriptions:
                conn.offer(("resync", conversation_id))

    def _confirmed(self, channel: str) -> None:
        if channel == self._resync_after:
            self._resync_after = None
            self._resync()
        future = self._confirm.get(channel)
        if future is not None and not future.done():
            future.set_result(None)

    def _dispatch(self, channel: str, data: bytes) -> None:
        """One published event to every local socket of its channel (never waits)."""
        members = self.local.get(channel)
        if not members:
            return
        try:
            event = json.loads(data)
            if event.get("type") == "message":
                item: tuple[str, Any] = ("message", _Message(event))
                for conn in list(members):
                    conn.offer(item)
                return
            origin = event.pop("origin", None)
            event.pop("published_at", None)
            typing = event.get("type") == "typing"
            for conn in list(members):
                if not typing or conn.origin != origin:
                    conn.offer(("frame", event))
        except Exception:
            log.exception("hub.dispatch_failed", channel=channel)
