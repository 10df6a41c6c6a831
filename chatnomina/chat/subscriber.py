"""A lean Redis pub/sub connection for the hub: RESP2 parsed in ``data_received``.

redis-py reads each pub/sub message with several awaits, a timeout and a retry wrapper
(about 35 µs of CPU per message here, half of what a replica spends delivering one at
5,000 messages/s). The hub only needs SUBSCRIBE, UNSUBSCRIBE and PING on one dedicated
connection, so this protocol parses the replies itself and hands every message to a plain
callback, synchronously, in arrival order. Commands and connection settings (host, port,
password, TLS) are the ones ``create_redis`` uses; reconnecting is the hub's job.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from typing import Any

from chatnomina.settings import Settings

CONNECT_TIMEOUT = 1.5
_CRLF = b"\r\n"


class ProtocolError(Exception):
    """Redis answered something a pub/sub connection never receives."""


def encode_command(*parts: str | bytes) -> bytes:
    """A command as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def parse(buffer: bytes | bytearray, pos: int) -> tuple[Any, int] | None:
    """One RESP2 value starting at ``pos`` and the position after it; None when incomplete."""
    end = buffer.find(_CRLF, pos)
    if end < 0:
        return None
    kind, line = buffer[pos:pos + 1], buffer[pos + 1:end]
    pos = end + 2
    if kind == b"$":
        length = int(line)
        if length < 0:
            return None, pos
        if len(buffer) < pos + length + 2:
            return None
        return bytes(buffer[pos:pos + length]), pos + length + 2
    if kind == b"*":
        count = int(line)
        items = []
        for _ in range(max(count, 0)):
            parsed = parse(buffer, pos)
            if parsed is None:
                return None
            item, pos = parsed
            items.append(item)
        return items, pos
    if kind == b":":
        return int(line), pos
    if kind == b"+":
        return bytes(line), pos
    if kind == b"-":
        return ProtocolError(bytes(line).decode(errors="replace")), pos
    raise ProtocolError(f"unexpected RESP type {kind!r}")


class PubSubProtocol(asyncio.Protocol):
    """One subscribed connection: messages and confirmations go to the callbacks."""

    def __init__(
        self,
        on_message: Callable[[str, bytes], None],
        on_subscribed: Callable[[str], None],
    ):
        self._on_message = on_message
        self._on_subscribed = on_subscribed
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._replies: list[asyncio.Future[Any]] = []  # AUTH answers, before any SUBSCRIBE
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        #: loop time of the last bytes received (the health check compares it with its PING)
        self.last_seen = 0.0

    # -- asyncio.Protocol ----------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self.last_seen = asyncio.get_running_loop().time()

    def data_received(self, data: bytes) -> None:
        self.last_seen = asyncio.get_running_loop().time()
        buffer = self._buffer
        buffer += data
        pos = 0
        try:
            while pos < len(buffer):
                parsed = parse(buffer, pos)
                if parsed is None:
                    break
                value, pos = parsed
                self._handle(value)
        except (ProtocolError, ValueError) as exc:
            self._fail(exc)
            return
        finally:
            del buffer[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        error = exc or ConnectionError("Redis cerró la conexión")
        for future in self._replies:
            if not future.done():
                future.set_exception(error)
        self._replies.clear()
        if not self.closed.done():
            self.closed.set_result(None)

    # -- replies ---------------------------------------------------------------------------
    def _handle(self, value: Any) -> None:
        if isinstance(value, list) and value:
            kind = value[0]
            if kind == b"message":
                self._on_message(value[1].decode(), value[2])
            elif kind == b"subscribe":
                self._on_subscribed(value[1].decode())
            elif kind in (b"unsubscribe", b"pong"):
                pass
            else:
                raise ProtocolError(f"unexpected pub/sub reply {kind!r}")
            return
        if not self._replies:
            raise ProtocolError(f"unexpected reply {value!r}")
        future = self._replies.pop(0)
        if not future.done():
            if isinstance(value, ProtocolError):
                future.set_exception(value)
            else:
                future.set_result(value)

    def _fail(self, exc: Exception) -> None:
        if self._transport is not None:
            self._transport.abort()

    # -- commands --------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._transport is not None and not self._transport.is_closing()

    def send(self, *parts: str | bytes) -> None:
        """Write a command whose answer arrives as a pub/sub reply (SUBSCRIBE, UNSUBSCRIBE, PING)."""
        if self._transport is None or self._transport.is_closing():
            raise ConnectionError("sin conexión a Redis")
        self._transport.write(encode_command(*parts))

    async def call(self, *parts: str | bytes) -> Any:
        """A command answered with a plain reply (AUTH); only before subscribing."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._replies.append(future)
        self.send(*parts)
        return await future

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


def _ssl_context(settings: Settings) -> ssl.SSLContext | None:
    return ssl.create_default_context() if settings.redis_tls else None


async def connect(
    settings: Settings,
    on_message: Callable[[str, bytes], None],
    on_subscribed: Callable[[str], None],
) -> PubSubProtocol:
    """A connected, authenticated pub/sub connection to the configured Redis."""
    loop = asyncio.get_running_loop()
    context = _ssl_context(settings)
    _, protocol = await asyncio.wait_for(
        loop.create_connection(
            lambda: PubSubProtocol(on_message, on_subscribed),
            settings.redis_host, settings.redis_port,
            ssl=context, server_hostname=settings.redis_host if context else None,
        ),
        CONNECT_TIMEOUT,
    )
    try:
        if settings.redis_password:
            await asyncio.wait_for(protocol.call("AUTH", settings.redis_password.get()), CONNECT_TIMEOUT)
    except BaseException:
        protocol.close()
        raise
    return protocol
