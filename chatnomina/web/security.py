"""Access-token verification on every API request, through aiohttp-jwt.

aiohttp-jwt verifies the signature (HS256 pinned), expiry, audience and issuer and checks
revocation; its ``HTTPUnauthorized``/``HTTPForbidden`` become the contract's 401
``INVALID_TOKEN`` here, and the verified claims become a ``Principal``.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any, Awaitable, Callable

from aiohttp import web
from aiohttp.web_exceptions import NotAppKeyWarning
from aiohttp_jwt import JWTMiddleware

from chatnomina.auth.principal import Principal
from chatnomina.auth.tokens import ALGORITHM, check_claims
from chatnomina.errors import InvalidToken
from chatnomina.settings import Settings
from chatnomina.web.routing import PRINCIPAL

# aiohttp-jwt stores its results under plain string keys (it predates RequestKey).
CLAIMS = "claims"
RAW_TOKEN = "raw_access_token"
warnings.filterwarnings("ignore", category=NotAppKeyWarning, module="aiohttp_jwt")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RevocationCheck = Callable[[web.Request, dict[str, Any]], Awaitable[bool]]

_REASONS = (
    ("expired", "El token de acceso expiró."),
    ("not yet valid", "El token de acceso todavía no es válido."),
    ("audience", "El token no fue emitido para esta API."),
    ("issuer", "El token no fue emitido por ChatNomina."),
    ("required", "Al token le faltan datos obligatorios."),
    ("revoked", "El token fue revocado; inicie sesión de nuevo."),
)


def bearer_token(request: web.Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``; a malformed header is an error."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    parts = header.strip().split(" ")
    if parts[0].lower() == "basic":
        return None  # client credentials at the token endpoint, not an access token
    if len(parts) != 2 or parts[0].lower() != "bearer" or not parts[1]:
        raise InvalidToken("El encabezado Authorization debe ser 'Bearer <token>'.")
    return parts[1]


def _spanish(reason: str | None) -> str:
    text = (reason or "").lower()
    for needle, message in _REASONS:
        if needle in text:
            return message
    return "El token de acceso no es válido."


def authentication_middlewares(
    settings: Settings, is_revoked: RevocationCheck, *, skip_paths: tuple[str, ...] = ()
) -> list[Any]:
    """The middlewares that turn a bearer token into ``request[PRINCIPAL]``.

    ``skip_paths`` (regexes) verify their own tokens, e.g. the websocket, which must answer
    a bad token with close code 4401 rather than an HTTP error.
    """

    async def token_getter(request: web.Request) -> str | None:
        return bearer_token(request)

    # aiohttp-jwt logs each rejected token with a traceback; a bad token is a 401, not an error.
    logging.getLogger("aiohttp_jwt.middleware").disabled = True
    verify = JWTMiddleware(
        settings.jwt_secret.get(),
        request_property=CLAIMS,
        credentials_required=False,
        token_getter=token_getter,
        is_revoked=is_revoked,
        algorithms=[ALGORITHM],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        store_token=RAW_TOKEN,
        whitelist=skip_paths,
    )

    @web.middleware
    async def token_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except (web.HTTPUnauthorized, web.HTTPForbidden) as exc:
            # Handlers raise domain errors; these HTTP errors only come from aiohttp-jwt.
            raise InvalidToken(_spanish(exc.reason)) from None

    @web.middleware
    async def principal(request: web.Request, handler: Handler) -> web.StreamResponse:
        claims = request.get(CLAIMS)
        if claims:
            check_claims(claims)
            request[PRINCIPAL] = Principal.from_claims(claims)
        return await handler(request)

    return [token_errors, verify, principal]
