"""Access tokens (JWT, HS256 pinned) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

import jwt

from chatnomina.errors import InvalidToken
from chatnomina.settings import Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "exp", "iat", "jti", "iss", "aud")
REFRESH_TOKEN_BYTES = 32  # 256 bits
REFRESH_TOKEN_DAYS = 30


@dataclass(frozen=True)
class IssuedAccessToken:
    token: str
    jti: str
    expires_in: int
    expires_at: int


def issue_access_token(
    settings: Settings,
    *,
    subject: str,
    roles: Iterable[str] = (),
    scopes: Iterable[str] = (),
    document: str | None = None,
    session: str | None = None,
    now: float | None = None,
) -> IssuedAccessToken:
    """Sign a short-lived access token with the claims of the contract."""
    issued_at = int(now if now is not None else time.time())
    jti = uuid.uuid4().hex
    claims: dict[str, Any] = {
        "sub": subject,
        "roles": sorted(roles),
        "jti": jti,
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + settings.jwt_expiration,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    scope_list = sorted(scopes)
    if scope_list:
        claims["scope"] = " ".join(scope_list)
    if document:
        claims["doc"] = document
    if session:
        claims["sid"] = session  # the refresh-token family, revoked together at logout
    token = jwt.encode(claims, settings.jwt_secret.get(), algorithm=ALGORITHM)
    return IssuedAccessToken(token, jti, settings.jwt_expiration, claims["exp"])


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    """Verify signature (HS256 only), expiry, issuer and audience; raise InvalidToken."""
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.InvalidTokenError as exc:
        raise InvalidToken(_spanish_reason(exc)) from None
    return claims


def check_claims(claims: dict[str, Any]) -> None:
    """Claims aiohttp-jwt does not insist on but the contract does."""
    missing = [name for name in REQUIRED_CLAIMS if name not in claims]
    if missing:
        raise InvalidToken(f"Al token le faltan datos obligatorios: {', '.join(missing)}.")


def _spanish_reason(exc: Exception) -> str:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "El token de acceso expiró."
    if isinstance(exc, jwt.ImmatureSignatureError):
        return "El token de acceso todavía no es válido."
    if isinstance(exc, jwt.InvalidAudienceError):
        return "El token no fue emitido para esta API."
    if isinstance(exc, jwt.InvalidIssuerError):
        return "El token no fue emitido por ChatNomina."
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return "Al token le faltan datos obligatorios."
    return "El token de acceso no es válido."


def spanish_reason(exc: Exception) -> str:
    """Public wrapper used by the HTTP middleware for aiohttp-jwt's failures."""
    return _spanish_reason(exc)


def new_refresh_token() -> str:
    """An opaque refresh token with 256 random bits."""
    return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)


def hash_token(token: str) -> bytes:
    """Refresh tokens and client secrets are stored as SHA-256 digests (they are random)."""
    return hashlib.sha256(token.encode()).digest()
