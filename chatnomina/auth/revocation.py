"""The access-token denylist in Redis (jti until the token would have expired)."""

from __future__ import annotations

import time
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from chatnomina.errors import ServiceUnavailable
from chatnomina.redis import key
from chatnomina.settings import Settings


async def revoke_access_token(redis: Redis, settings: Settings, jti: str, expires_at: int) -> None:
    """Deny ``jti`` until its expiry (after that the signature check refuses it anyway)."""
    ttl = max(1, int(expires_at - time.time()) + 1)
    await redis.set(key(settings, "revoked", jti), b"1", ex=ttl)


async def is_access_token_revoked(redis: Redis, settings: Settings, claims: dict[str, Any]) -> bool:
    """True when the token's jti is on the denylist; fails closed when Redis is down."""
    jti = claims.get("jti")
    if not jti:
        return False
    try:
        return bool(await redis.exists(key(settings, "revoked", jti)))
    except RedisError:
        raise ServiceUnavailable("No se puede verificar el token en este momento.") from None
