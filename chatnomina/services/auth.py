"""Issuing, rotating and revoking credentials."""

from __future__ import annotations

import asyncio
import hmac
import uuid
from dataclasses import dataclass

import asyncpg
from redis.asyncio import Redis

from chatnomina.auth import passwords, tokens
from chatnomina.auth.principal import Principal
from chatnomina.auth.revocation import revoke_access_token
from chatnomina.auth.throttle import Throttle
from chatnomina.db import transaction
from chatnomina.errors import InvalidRequest, InvalidToken
from chatnomina.logs import get_logger
from chatnomina.settings import Settings
from chatnomina.stores import clients as client_store
from chatnomina.stores import refresh_tokens as refresh_store
from chatnomina.stores import users as user_store
from chatnomina.stores.users import User

log = get_logger("chatnomina.auth")

BAD_CREDENTIALS = "Usuario o contraseña incorrectos."


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str | None = None
    token_type: str = "bearer"

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {
            "access_token": self.access_token, "token_type": self.token_type, "expires_in": self.expires_in,
        }
        if self.refresh_token is not None:
            body["refresh_token"] = self.refresh_token
        return body


async def _issue_for_user(db: asyncpg.Pool, settings: Settings, user: User, family: uuid.UUID) -> TokenPair:
    refresh = tokens.new_refresh_token()
    await refresh_store.insert_refresh_token(
        db, token_hash=tokens.hash_token(refresh), family_id=family, user_id=user.id, days=tokens.REFRESH_TOKEN_DAYS
    )
    access = tokens.issue_access_token(
        settings, subject=user.subject, roles=user.roles, document=user.document, session=str(family)
    )
    return TokenPair(access.token, access.expires_in, refresh)


async def login_with_password(
    db: asyncpg.Pool, settings: Settings, throttle: Throttle, *, username: str, password: str, ip: str
) -> TokenPair:
    """Password grant; unknown email and wrong password cost the same and read the same."""
    account = username.strip().lower()
    await throttle.check_login_allowed(account, ip)
    user = await user_store.get_user_by_email(db, account)
    # argon2 takes tens of milliseconds and releases the GIL: keep it off the event loop.
    ok = await asyncio.to_thread(passwords.verify_password, user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        await throttle.record_login_failure(account, ip)
        log.info("auth.login_failed", account_known=user is not None)
        raise InvalidToken(BAD_CREDENTIALS)
    await throttle.record_login_success(account)
    if passwords.needs_rehash(user.password_hash):
        await user_store.update_password_hash(db, user.id, await asyncio.to_thread(passwords.hash_password, password))
    log.info("auth.login", user=user.subject)
    return await _issue_for_user(db, settings, user, uuid.uuid4())


async def login_with_client(db: asyncpg.Pool, settings: Settings, *, client_id: str, client_secret: str) -> TokenPair:
    """Client-credentials grant: an access token with the client's scopes, no refresh token."""
    client = await client_store.get_client(db, client_id)
    expected = client.secret_hash if client else tokens.hash_token("no-such-client")
    if not hmac.compare_digest(expected, tokens.hash_token(client_secret)) or client is None or not client.active:
        raise InvalidToken("Credenciales de cliente inválidas.")
    access = tokens.issue_access_token(settings, subject=client.subject, scopes=client.scopes)
    return TokenPair(access.token, access.expires_in)


async def rotate_refresh_token(db: asyncpg.Pool, settings: Settings, refresh_token: str) -> TokenPair:
    """Exchange a refresh token for a new pair; a reused token kills its whole family."""
    token_hash = tokens.hash_token(refresh_token)
    async with transaction(db) as conn:
        current = await refresh_store.consume_refresh_token(conn, token_hash)
        if current is None:
            known = await refresh_store.find_refresh_token(conn, token_hash)
            if known is not None and known.used_at is not None and known.revoked_at is None:
                revoked = await refresh_store.revoke_family(conn, known.family_id)
                log.warning("auth.refresh_reuse_detected", family=str(known.family_id), revoked=revoked)
        else:
            user = await user_store.get_user(conn, current.user_id)
            if user is not None and user.active:
                return await _issue_for_user(conn, settings, user, current.family_id)
    raise InvalidToken("El token de actualización no es válido o ya fue usado.")


async def logout(db: asyncpg.Pool, redis: Redis, settings: Settings, principal: Principal) -> None:
    """Deny the current access token until it expires and revoke its refresh family."""
    if principal.token_id and principal.expires_at:
        await revoke_access_token(redis, settings, principal.token_id, principal.expires_at)
    session = principal.claims.get("sid")
    if session:
        try:
            family = uuid.UUID(str(session))
        except ValueError:
            raise InvalidRequest("Sesión inválida.", field="sid") from None
        await refresh_store.revoke_family(db, family)
    log.info("auth.logout", user=principal.subject)
