"""Declarative routes: one place says who may call a route, what it accepts and returns.

Each web module builds a ``RouteTable``; a route declares its ``access`` (public, any
authenticated caller, or roles/scopes), its pydantic ``query`` and ``body`` models and its
``response`` model. The wrapper authorizes, parses and validates before the handler runs,
and the OpenAPI description is generated from the same declarations, so documentation
and validation cannot drift apart.

Handlers receive keyword arguments by name: ``principal``, ``query``, ``body`` — only
those they declare.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Awaitable, Callable, Iterable

from aiohttp import web
from pydantic import BaseModel, ValidationError

from chatnomina.auth.principal import Principal
from chatnomina.errors import (
    Forbidden,
    InvalidRequest,
    InvalidToken,
    MalformedRequest,
    UnsupportedMediaType,
)

PRINCIPAL = web.RequestKey("principal", Principal)  # set by the authentication middleware

Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Access:
    """Who may call a route: anyone, any authenticated caller, or holders of roles/scopes."""

    authenticated: bool
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()

    def check(self, principal: Principal | None) -> Principal | None:
        """Return the principal when allowed, else raise the matching domain error."""
        if not self.authenticated:
            return principal
        if principal is None:
            raise InvalidToken("Se requiere un token de acceso (Authorization: Bearer ...).")
        if not self.roles and not self.scopes:
            return principal
        if principal.has_any_role(self.roles) or principal.has_any_scope(self.scopes):
            return principal
        raise Forbidden()

    def describe(self) -> str:
        if not self.authenticated:
            return "Público."
        parts = []
        if self.roles:
            parts.append("roles: " + ", ".join(sorted(self.roles)))
        if self.scopes:
            parts.append("scopes: " + ", ".join(sorted(self.scopes)))
        return "Requiere " + (" o ".join(parts) if parts else "autenticación") + "."


PUBLIC = Access(authenticated=False)
AUTHENTICATED = Access(authenticated=True)


def allow(*roles: str, scopes: Iterable[str] = ()) -> Access:
    """Access for holders of any of ``roles`` (``admin`` always) or any of ``scopes``."""
    return Access(authenticated=True, roles=frozenset(roles), scopes=frozenset(scopes))


@dataclass
class Endpoint:
    """One declared route; also the source of its OpenAPI operation."""

    method: str
    path: str
    handler: Handler
    summary: str
    access: Access
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    body_format: str = "json"  # json | json_optional | form | json_or_form | multipart | none
    tag: str = ""
    description: str = ""
    extra_responses: dict[int, str] = field(default_factory=dict)
    wants: frozenset[str] = frozenset()


class RouteTable:
    """Routes of one web module."""

    def __init__(self, tag: str):
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        access: Access,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        body_format: str | None = None,
        description: str = "",
        extra_responses: dict[int, str] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Declare a route; the decorated handler is returned unchanged."""

        def decorate(handler: Handler) -> Handler:
            wants = frozenset(inspect.signature(handler).parameters) - {"request"}
            fmt = body_format or ("json" if body is not None else "none")
            self.endpoints.append(
                Endpoint(
                    method=method.upper(),
                    path=path,
                    handler=handler,
                    summary=summary,
                    access=access,
                    query=query,
                    body=body,
                    response=response,
                    status=status,
                    body_format=fmt,
                    tag=self.tag,
                    description=description or (inspect.getdoc(handler) or ""),
                    extra_responses=dict(extra_responses or {}),
                    wants=wants,
                )
            )
            return handler

        return decorate

    def get(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **kwargs)


def mount(app: web.Application, tables: Iterable[RouteTable], prefix: str = "") -> list[Endpoint]:
    """Register every endpoint of ``tables`` under ``prefix``; returns them with full paths."""
    mounted = []
    for table in tables:
        for endpoint in table.endpoints:
            full = Endpoint(**{**endpoint.__dict__, "path": prefix + endpoint.path})
            app.router.add_route(full.method, full.path, _wrap(full), name=None)
            mounted.append(full)
    return mounted


def _wrap(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        principal = endpoint.access.check(request.get(PRINCIPAL))
        kwargs: dict[str, Any] = {}
        if "principal" in endpoint.wants:
            kwargs["principal"] = principal
        if endpoint.query is not None:
            kwargs["query"] = parse_model(endpoint.query, _query_dict(request), location="query")
        if endpoint.body is not None:
            kwargs["body"] = parse_model(endpoint.body, await read_body(request, endpoint.body_format))
        result = await endpoint.handler(request, **kwargs)
        return to_response(result, endpoint.status)

    handle.__name__ = endpoint.handler.__name__
    return handle


def _query_dict(request: web.Request) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in request.query:
        values = request.query.getall(name)
        result[name] = values[0] if len(values) == 1 else values
    return result


async def read_body(request: web.Request, body_format: str) -> Any:
    """Read the body in the declared format, with Spanish errors for the wrong kind."""
    content_type = request.content_type
    if body_format in ("form", "json_or_form") and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return dict(await request.post())
    if body_format == "form":
        raise UnsupportedMediaType(
            "Se espera un formulario (application/x-www-form-urlencoded).",
            details={"content_type": content_type},
        )
    if body_format == "json_optional" and not request.body_exists:
        return {}
    if content_type != "application/json":
        raise UnsupportedMediaType(
            "El cuerpo debe ser JSON (Content-Type: application/json).",
            details={"content_type": content_type},
        )
    raw = await request.read()
    if not raw.strip():
        raise MalformedRequest("El cuerpo de la solicitud está vacío.", field="body")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRequest(
            f"El cuerpo no es JSON válido: {getattr(exc, 'msg', 'codificación inválida')}.",
            field="body",
        ) from None


def parse_model(model: type[BaseModel], data: Any, *, location: str = "body") -> Any:
    """Validate ``data`` against ``model``; the first problem becomes an InvalidRequest."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        field_name = ".".join(str(part) for part in first["loc"]) or location
        raise InvalidRequest(
            spanish_message(first, field_name),
            field=field_name,
            details={
                "location": location,
                "errors": [
                    {
                        "field": ".".join(str(p) for p in e["loc"]) or location,
                        "message": spanish_message(e, ".".join(str(p) for p in e["loc"]) or location),
                    }
                    for e in errors[:20]
                ],
            },
        ) from None


_MESSAGES = {
    "missing": "El campo '{field}' es obligatorio.",
    "extra_forbidden": "El campo '{field}' no está permitido.",
    "int_parsing": "'{field}' debe ser un número entero.",
    "int_type": "'{field}' debe ser un número entero.",
    "int_from_float": "'{field}' debe ser un número entero.",
    "float_parsing": "'{field}' debe ser un número.",
    "float_type": "'{field}' debe ser un número.",
    "decimal_parsing": "'{field}' debe ser un número.",
    "decimal_type": "'{field}' debe ser un número.",
    "string_type": "'{field}' debe ser un texto.",
    "bool_parsing": "'{field}' debe ser verdadero o falso.",
    "bool_type": "'{field}' debe ser verdadero o falso.",
    "date_parsing": "'{field}' debe ser una fecha con formato AAAA-MM-DD.",
    "date_from_datetime_parsing": "'{field}' debe ser una fecha con formato AAAA-MM-DD.",
    "date_type": "'{field}' debe ser una fecha con formato AAAA-MM-DD.",
    "datetime_parsing": "'{field}' debe ser una fecha y hora RFC 3339.",
    "list_type": "'{field}' debe ser una lista.",
    "dict_type": "'{field}' debe ser un objeto.",
    "model_type": "'{field}' debe ser un objeto JSON.",
    "model_attributes_type": "'{field}' debe ser un objeto JSON.",
    "uuid_parsing": "'{field}' debe ser un identificador UUID.",
}


def spanish_message(error: Any, field_name: str) -> str:
    """A Spanish sentence for one pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return f"'{field_name}': {ctx['error']}"
    if kind in _MESSAGES:
        return _MESSAGES[kind].format(field=field_name)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "mayor que",
            "greater_than_equal": "mayor o igual a",
            "less_than": "menor que",
            "less_than_equal": "menor o igual a",
        }[kind]
        bound = next(iter(ctx.values()), "")
        return f"'{field_name}' debe ser {words} {bound}."
    if kind in ("string_too_short", "too_short"):
        return f"'{field_name}' es demasiado corto."
    if kind in ("string_too_long", "too_long"):
        return f"'{field_name}' es demasiado largo."
    if kind in ("literal_error", "enum"):
        return f"'{field_name}' debe ser uno de: {ctx.get('expected', '')}."
    if kind == "string_pattern_mismatch":
        return f"'{field_name}' no tiene el formato esperado."
    return f"'{field_name}' no es válido."


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(value: Any) -> str:
    """JSON text with Decimals as strings and dates in ISO format."""
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def to_response(result: Any, status: int = 200) -> web.StreamResponse:
    """Turn a handler's return value (model, dict, list or response) into a response."""
    if isinstance(result, web.StreamResponse):
        return result
    if isinstance(result, BaseModel):
        body = result.model_dump_json(by_alias=True)
    else:
        body = dumps(result)
    return web.Response(text=body, status=status, content_type="application/json")
