"""Rate limits shared across replicas through Redis, with the `limits` library.

Two uses: request limits of the contract (per IP, per user) and failed-login throttling
(per account, per IP). Fixed windows: one INCR per limit, cheap enough for every request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import RateLimitItem, parse, parse_many
from limits.aio.storage import RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from redis.asyncio import Redis

from chatnomina.errors import RateLimited
from chatnomina.settings import Settings


@dataclass(frozen=True)
class LimitState:
    """The most constraining limit after a hit: what the X-RateLimit-* headers report."""

    limit: int
    remaining: int
    reset_at: int
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.remaining)),
            "X-RateLimit-Reset": str(self.reset_at),
        }

    @property
    def retry_after(self) -> int:
        return max(1, self.reset_at - int(time.time()))


class Throttle:
    """Request and login limits for one deployment (namespaced keys in Redis)."""

    def __init__(self, settings: Settings, redis: Redis):
        # Share the process's Redis connection pool: no extra connections, closed with it.
        self.storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix=f"{settings.redis_namespace}:limits",
            connection_pool=redis.connection_pool,  # type: ignore[arg-type]
        )
        self.limiter = FixedWindowRateLimiter(self.storage)
        self.per_ip = parse_many(settings.rate_limit_ip)
        self.per_user = parse_many(settings.rate_limit_user)
        self.login_account = parse(settings.login_failures_account)
        self.login_ip = parse(settings.login_failures_ip)

    async def _hit_all(self, items: list[RateLimitItem], identity: str) -> LimitState:
        tightest: LimitState | None = None
        for item in items:
            allowed = await self.limiter.hit(item, identity)
            stats = await self.limiter.get_window_stats(item, identity)
            state = LimitState(item.amount, stats.remaining, int(stats.reset_time), allowed)
            if not allowed:
                return state
            if tightest is None or state.remaining < tightest.remaining:
                tightest = state
        assert tightest is not None
        return tightest

    async def hit_request(self, ip: str, subject: str | None) -> LimitState:
        """Count one request; the returned state says whether it may proceed."""
        state = await self._hit_all(self.per_ip, f"ip:{ip}")
        if not state.allowed or subject is None:
            return state
        user_state = await self._hit_all(self.per_user, f"user:{subject}")
        if not user_state.allowed or user_state.remaining < state.remaining:
            return user_state
        return state

    async def check_login_allowed(self, account: str, ip: str) -> None:
        """Raise RateLimited when this account or IP used up its failed attempts."""
        for item, identity in ((self.login_account, f"login-account:{account}"), (self.login_ip, f"login-ip:{ip}")):
            if not await self.limiter.test(item, identity):
                stats = await self.limiter.get_window_stats(item, identity)
                raise RateLimited(
                    "Demasiados intentos fallidos de inicio de sesión. Intente de nuevo más tarde.",
                    retry_after=max(1, int(stats.reset_time - time.time())),
                )

    async def record_login_failure(self, account: str, ip: str) -> None:
        """Count one failed login against the account and the IP."""
        await self.limiter.hit(self.login_account, f"login-account:{account}")
        await self.limiter.hit(self.login_ip, f"login-ip:{ip}")

    async def record_login_success(self, account: str) -> None:
        """A successful login forgives the account's earlier failures (not the IP's)."""
        await self.limiter.clear(self.login_account, f"login-account:{account}")
