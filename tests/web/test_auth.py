"""Authentication: grants, refusals in the contract's shape, rotation, revocation, limits, CORS."""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chatnomina.app import create_app
from chatnomina.auth.passwords import hash_password
from chatnomina.settings import Settings
from chatnomina.stores.users import create_user
from chatnomina.web.routing import RouteTable, allow
from tests.web.test_errors import assert_error_shape

PASSWORD = "correcto-caballo-bateria"
guarded = RouteTable("pruebas")


@guarded.get("/_probe/payroll-only", summary="solo nómina", access=allow("payroll_admin", scopes=["payroll:run"]))
async def payroll_only(request: web.Request) -> dict[str, str]:
    return {"ok": "yes"}


@pytest.fixture
async def app_client(aiohttp_client: Any, settings: Settings, db: Any) -> Any:
    return await aiohttp_client(create_app(settings, extra_api_tables=(guarded,)))


@pytest.fixture
async def employee(db: Any) -> Any:
    return await create_user(db, email="ana@example.co", password_hash=hash_password(PASSWORD),
                             roles=["employee"], document="1130846901", display_name="Ana")


async def login(client: Any, email: str = "ana@example.co", password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/v1/auth/token", json={"username": email, "password": password})
    assert response.status == 200, await response.text()
    return await response.json()


def _claims(settings: Settings, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"sub": "user:1", "roles": ["employee"], "jti": "j1", "iat": now, "nbf": now, "exp": now + 600,
              "iss": settings.jwt_issuer, "aud": settings.jwt_audience}
    claims.update(overrides)
    return claims


async def assert_refused(client: Any, headers: dict[str, str]) -> None:
    response = await client.get("/api/v1/auth/session", headers=headers)
    assert response.status == 401, await response.text()
    assert_error_shape(await response.json(), "INVALID_TOKEN")


async def test_password_grant_issues_contract_claims(app_client: Any, employee: Any, settings: Settings) -> None:
    body = await login(app_client)
    assert body["token_type"] == "bearer" and body["expires_in"] == settings.jwt_expiration
    assert len(body["refresh_token"]) >= 43  # 256 bits, urlsafe base64
    claims = jwt.decode(body["access_token"], settings.jwt_secret.get(), algorithms=["HS256"],
                        audience=settings.jwt_audience, issuer=settings.jwt_issuer)
    assert {"sub", "roles", "jti", "iat", "exp", "iss", "aud"} <= set(claims)
    assert claims["sub"] == f"user:{employee.id}" and claims["roles"] == ["employee"]
    session = await app_client.get("/api/v1/auth/session", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert (await session.json())["document"] == "1130846901"


async def test_form_password_grant(app_client: Any, employee: Any) -> None:
    response = await app_client.post("/api/v1/auth/token", data={"grant_type": "password", "username": "ANA@example.co", "password": PASSWORD})
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"


async def test_wrong_password_and_unknown_email_look_the_same(app_client: Any, employee: Any) -> None:
    wrong = await app_client.post("/api/v1/auth/token", json={"username": "ana@example.co", "password": "nope-nope-nope"})
    unknown = await app_client.post("/api/v1/auth/token", json={"username": "nadie@example.co", "password": "nope-nope-nope"})
    assert wrong.status == unknown.status == 401
    assert await wrong.json() == await unknown.json()


async def test_missing_grant_field_is_named(app_client: Any) -> None:
    response = await app_client.post("/api/v1/auth/token", json={"username": "ana@example.co"})
    assert response.status == 422
    assert assert_error_shape(await response.json(), "INVALID_REQUEST")["details"]["field"] == "password"


async def test_refusals_are_401_invalid_token(app_client: Any, employee: Any, settings: Settings, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    secret = settings.jwt_secret.get()
    good = jwt.encode(_claims(settings), secret, algorithm="HS256")
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header, payload, signature = good.split(".")
    tampered_payload = base64.urlsafe_b64encode(json.dumps(_claims(settings, roles=["admin"])).encode()).rstrip(b"=").decode()
    none_header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    hs_with_public_key = jwt.api_jws.PyJWS()
    hs_with_public_key._algorithms["HS256"].prepare_key = lambda key: key  # type: ignore[attr-defined]
    cases = {
        "no token": {},
        "malformed header": {"Authorization": "Token abc"},
        "bearer without token": {"Authorization": "Bearer"},
        "alg none": {"Authorization": f"Bearer {none_header}.{payload}."},
        "wrong key": {"Authorization": "Bearer " + jwt.encode(_claims(settings), "x" * 40, algorithm="HS256")},
        "RS256 token": {"Authorization": "Bearer " + jwt.encode(_claims(settings), private, algorithm="RS256")},
        "HS/RS confusion": {"Authorization": "Bearer " + hs_with_public_key.encode(
            json.dumps(_claims(settings)).encode(), public_pem, algorithm="HS256")},
        "expired": {"Authorization": "Bearer " + jwt.encode(_claims(settings, exp=int(time.time()) - 10), secret, algorithm="HS256")},
        "not yet valid": {"Authorization": "Bearer " + jwt.encode(_claims(settings, nbf=int(time.time()) + 600), secret, algorithm="HS256")},
        "wrong aud": {"Authorization": "Bearer " + jwt.encode(_claims(settings, aud="other"), secret, algorithm="HS256")},
        "wrong iss": {"Authorization": "Bearer " + jwt.encode(_claims(settings, iss="evil"), secret, algorithm="HS256")},
        "tampered payload": {"Authorization": f"Bearer {header}.{tampered_payload}.{signature}"},
        "missing jti": {"Authorization": "Bearer " + jwt.encode({k: v for k, v in _claims(settings).items() if k != "jti"}, secret, algorithm="HS256")},
    }
    for name, headers in cases.items():
        try:
            await assert_refused(app_client, headers)
        except AssertionError as exc:
            raise AssertionError(f"case {name!r}: {exc}") from None
    assert not [r for r in caplog.records if r.exc_info], "an invalid token produced a traceback"


async def test_logout_revokes_access_token_and_refresh_family(app_client: Any, employee: Any) -> None:
    tokens = await login(app_client)
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    response = await app_client.post("/api/v1/auth/logout", headers=auth)
    assert response.status == 200
    await assert_refused(app_client, auth)
    refreshed = await app_client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status == 401


async def test_refresh_rotates_and_reuse_kills_the_family(app_client: Any, employee: Any) -> None:
    first = await login(app_client)
    second = await (await app_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    assert second["refresh_token"] != first["refresh_token"]
    third = await (await app_client.post("/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]})).json()
    # replaying an already-used token is theft: it fails and the whole family dies
    replay = await app_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status == 401
    assert_error_shape(await replay.json(), "INVALID_TOKEN")
    dead = await app_client.post("/api/v1/auth/refresh", json={"refresh_token": third["refresh_token"]})
    assert dead.status == 401


async def test_valid_token_without_role_is_403(app_client: Any, employee: Any) -> None:
    tokens = await login(app_client)
    response = await app_client.get("/api/v1/_probe/payroll-only", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert response.status == 403
    assert_error_shape(await response.json(), "UNAUTHORIZED")


async def test_client_credentials_grant_with_scopes(app_client: Any, db: Any) -> None:
    from chatnomina.auth.tokens import hash_token
    from chatnomina.stores.clients import create_client

    await create_client(db, client_id="cn_test", name="ERP", secret_hash=hash_token("s" * 43), scopes=["payroll:run"])
    basic = base64.b64encode(b"cn_test:" + b"s" * 43).decode()
    response = await app_client.post("/api/v1/auth/token", data={"grant_type": "client_credentials"},
                                     headers={"Authorization": f"Basic {basic}"})
    body = await response.json()
    assert response.status == 200 and "refresh_token" not in body
    allowed = await app_client.get("/api/v1/_probe/payroll-only", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert allowed.status == 200
    bad = await app_client.post("/api/v1/auth/token", data={"grant_type": "client_credentials", "client_id": "cn_test", "client_secret": "wrong"})
    assert bad.status == 401


async def test_login_throttling_after_five_failures(app_client: Any, employee: Any) -> None:
    for _ in range(5):
        response = await app_client.post("/api/v1/auth/token", json={"username": "ana@example.co", "password": "wrong-password"})
        assert response.status == 401
    blocked = await app_client.post("/api/v1/auth/token", json={"username": "ana@example.co", "password": PASSWORD})
    assert blocked.status == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert_error_shape(await blocked.json(), "RATE_LIMIT_EXCEEDED")


async def test_rate_limit_headers_and_429(aiohttp_client: Any, settings: Settings, employee: Any) -> None:
    client = await aiohttp_client(create_app(settings.with_overrides(rate_limit_ip="3/minute")))
    statuses = []
    for _ in range(4):
        response = await client.get("/api/v1/health")
        statuses.append(response.status)
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(response.headers)
    assert statuses == [200, 200, 200, 429]
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert int(response.headers["Retry-After"]) >= 1
    assert_error_shape(await response.json(), "RATE_LIMIT_EXCEEDED")


async def test_per_user_limit(aiohttp_client: Any, settings: Settings, employee: Any) -> None:
    client = await aiohttp_client(create_app(settings.with_overrides(rate_limit_user="2/hour;100/day")))
    tokens = await login(client)
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    statuses = [(await client.get("/api/v1/auth/session", headers=auth)).status for _ in range(3)]
    assert statuses == [200, 200, 429]


async def test_cors_allows_configured_origins_only(app_client: Any, settings: Settings) -> None:
    origin = settings.cors_origins[0]
    preflight = await app_client.options("/api/v1/auth/token", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    refused = await app_client.options("/api/v1/auth/token", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert refused.status == 403
    assert "Access-Control-Allow-Origin" not in refused.headers
    simple = await app_client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in simple.headers
    allowed = await app_client.get("/api/v1/health", headers={"Origin": origin})
    assert allowed.headers["Access-Control-Allow-Origin"] == origin


async def test_security_headers_on_every_response(app_client: Any) -> None:
    for path in ("/health", "/api/v1/nothing-here"):
        response = await app_client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
