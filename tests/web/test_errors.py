"""Every error leaves in the contract's shape with X-Request-ID."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel

from chatnomina.app import create_app
from chatnomina.settings import Settings
from chatnomina.web.routing import PUBLIC, RouteTable

probe = RouteTable("pruebas")


class Echo(BaseModel):
    name: str
    amount: int


@probe.post("/_probe/echo", summary="eco", access=PUBLIC, body=Echo)
async def echo(request: web.Request, body: Echo) -> dict[str, Any]:
    return body.model_dump()


@probe.get("/_probe/boom", summary="falla", access=PUBLIC)
async def boom(request: web.Request) -> dict[str, Any]:
    raise RuntimeError("secret internal detail /etc/passwd")


async def _app_client(aiohttp_client: Any, settings: Settings) -> Any:
    return await aiohttp_client(create_app(settings.with_overrides(max_body_bytes=2048), extra_api_tables=(probe,)))


def assert_error_shape(body: dict[str, Any], code: str) -> dict[str, Any]:
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


async def test_unknown_route_is_404_in_shape(client: Any) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status == 404
    assert_error_shape(await response.json(), "RESOURCE_NOT_FOUND")
    assert response.headers["X-Request-ID"]


async def test_wrong_method_is_405_with_allow(client: Any) -> None:
    response = await client.delete("/health")
    assert response.status == 405
    assert "GET" in response.headers["Allow"]
    assert_error_shape(await response.json(), "INVALID_REQUEST")


async def test_malformed_json_is_400_naming_body(aiohttp_client: Any, settings: Settings, clean_state: None) -> None:
    client = await _app_client(aiohttp_client, settings)
    response = await client.post("/api/v1/_probe/echo", data=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert assert_error_shape(await response.json(), "INVALID_REQUEST")["details"]["field"] == "body"


async def test_wrong_content_type_is_415(aiohttp_client: Any, settings: Settings, clean_state: None) -> None:
    client = await _app_client(aiohttp_client, settings)
    response = await client.post("/api/v1/_probe/echo", data=b"name=x", headers={"Content-Type": "text/plain"})
    assert response.status == 415
    assert_error_shape(await response.json(), "INVALID_REQUEST")


async def test_invalid_field_is_422_naming_it(aiohttp_client: Any, settings: Settings, clean_state: None) -> None:
    client = await _app_client(aiohttp_client, settings)
    response = await client.post("/api/v1/_probe/echo", json={"name": "Ana", "amount": "mucho"})
    assert response.status == 422
    error = assert_error_shape(await response.json(), "INVALID_REQUEST")
    assert error["details"]["field"] == "amount"
    assert "número entero" in error["message"]


async def test_missing_field_is_named(aiohttp_client: Any, settings: Settings, clean_state: None) -> None:
    client = await _app_client(aiohttp_client, settings)
    response = await client.post("/api/v1/_probe/echo", json={"amount": 3})
    error = assert_error_shape(await response.json(), "INVALID_REQUEST")
    assert error["details"]["field"] == "name" and "obligatorio" in error["message"]


async def test_oversized_body_is_413(aiohttp_client: Any, settings: Settings, clean_state: None) -> None:
    client = await _app_client(aiohttp_client, settings)
    response = await client.post("/api/v1/_probe/echo", json={"name": "x" * 5000, "amount": 1})
    assert response.status == 413
    assert_error_shape(await response.json(), "INVALID_REQUEST")


async def test_unexpected_exception_is_500_without_internals(aiohttp_client: Any, settings: Settings, clean_state: None) -> None:
    client = await _app_client(aiohttp_client, settings)
    response = await client.get("/api/v1/_probe/boom")
    assert response.status == 500
    text = await response.text()
    assert "secret internal detail" not in text and "Traceback" not in text
    assert_error_shape(await response.json(), "INTERNAL_ERROR")
    assert response.headers["X-Request-ID"]


async def test_request_id_is_echoed(client: Any) -> None:
    response = await client.get("/api/v1/nope", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    response = await client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert response.headers["X-Request-ID"] != "bad id with spaces"


async def test_openapi_describes_every_route(aiohttp_client: Any, settings: Settings, clean_state: None) -> None:
    app = create_app(settings, extra_api_tables=(probe,))
    client = await aiohttp_client(app)
    spec = await (await client.get("/api/v1/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    for resource in app.router.resources():
        path = resource.canonical
        assert path in spec["paths"], path
    echo_op = spec["paths"]["/api/v1/_probe/echo"]["post"]
    schema_ref = echo_op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]["required"] == ["name", "amount"]
