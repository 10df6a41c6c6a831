"""Auth routes: token grants, refresh rotation, logout, the current session."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from chatnomina.auth.principal import Principal
from chatnomina.errors import InvalidRequest
from chatnomina.keys import DB, REDIS, SETTINGS, THROTTLE
from chatnomina.services import auth as auth_service
from chatnomina.web.client_ip import client_ip
from chatnomina.web.routing import AUTHENTICATED, PUBLIC, RouteTable

routes = RouteTable("autenticación")


class TokenRequest(BaseModel):
    """JSON `{"username", "password"}` or an OAuth2 form with `grant_type`."""

    model_config = ConfigDict(extra="ignore")

    grant_type: Literal["password", "client_credentials", "refresh_token"] = "password"
    username: str | None = Field(default=None, max_length=320)
    password: str | None = Field(default=None, max_length=1024)
    client_id: str | None = Field(default=None, max_length=200)
    client_secret: str | None = Field(default=None, max_length=1024)
    refresh_token: str | None = Field(default=None, max_length=1024)
    scope: str | None = None


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str | None = Field(default=None, description="Ausente en client_credentials.")


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=1024)


class SessionView(BaseModel):
    subject: str
    kind: Literal["user", "client"]
    roles: list[str]
    scopes: list[str]
    document: str | None
    expires_at: int | None


def _require(value: str | None, field: str, label: str) -> str:
    if not value:
        raise InvalidRequest(f"El campo '{field}' es obligatorio para {label}.", field=field)
    return value


def _basic_credentials(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidRequest("Encabezado Basic inválido.", field="Authorization") from None
    return client_id, secret


def _no_store(body: dict[str, Any]) -> web.Response:
    response = web.json_response(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@routes.post(
    "/auth/token",
    summary="Obtener tokens (password, client_credentials, refresh_token)",
    access=PUBLIC,
    body=TokenRequest,
    body_format="json_or_form",
    response=TokenResponse,
    extra_responses={401: "Credenciales inválidas.", 429: "Demasiados intentos fallidos."},
)
async def token(request: web.Request, body: TokenRequest) -> web.Response:
    """Password grant (JSON or form), client credentials (form or Basic) and refresh grant."""
    app = request.app
    if body.grant_type == "password":
        pair = await auth_service.login_with_password(
            app[DB], app[SETTINGS], app[THROTTLE],
            username=_require(body.username, "username", "grant_type=password"),
            password=_require(body.password, "password", "grant_type=password"),
            ip=client_ip(request, app[SETTINGS].trusted_proxy_hops),
        )
    elif body.grant_type == "client_credentials":
        basic = _basic_credentials(request)
        client_id, secret = basic if basic else (body.client_id, body.client_secret)
        pair = await auth_service.login_with_client(
            app[DB], app[SETTINGS],
            client_id=_require(client_id, "client_id", "grant_type=client_credentials"),
            client_secret=_require(secret, "client_secret", "grant_type=client_credentials"),
        )
    else:
        pair = await auth_service.rotate_refresh_token(
            app[DB], app[SETTINGS], _require(body.refresh_token, "refresh_token", "grant_type=refresh_token")
        )
    return _no_store(pair.as_dict())


@routes.post(
    "/auth/refresh",
    summary="Rotar el token de actualización",
    access=PUBLIC,
    body=RefreshRequest,
    response=TokenResponse,
    extra_responses={401: "Token de actualización inválido, usado (la familia queda revocada) o expirado."},
)
async def refresh(request: web.Request, body: RefreshRequest) -> web.Response:
    """A new pair; the old refresh token stops working; reusing it revokes the family."""
    pair = await auth_service.rotate_refresh_token(request.app[DB], request.app[SETTINGS], body.refresh_token)
    return _no_store(pair.as_dict())


@routes.post("/auth/logout", summary="Cerrar sesión", access=AUTHENTICATED)
async def logout(request: web.Request, principal: Principal) -> dict[str, str]:
    """Revoke the current access token and its refresh family."""
    await auth_service.logout(request.app[DB], request.app[REDIS], request.app[SETTINGS], principal)
    return {"status": "logged_out"}


@routes.get("/auth/session", summary="Quién soy (según el token)", access=AUTHENTICATED, response=SessionView)
async def session(request: web.Request, principal: Principal) -> SessionView:
    """The verified identity behind the token."""
    return SessionView(
        subject=principal.subject,
        kind="client" if principal.kind == "client" else "user",
        roles=sorted(principal.roles),
        scopes=sorted(principal.scopes),
        document=principal.document,
        expires_at=principal.expires_at,
    )
