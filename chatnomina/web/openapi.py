"""The OpenAPI 3.1 description, generated from the declared routes."""

from __future__ import annotations

import re
from typing import Any, Iterable

from aiohttp import web
from pydantic import BaseModel, TypeAdapter

from chatnomina import __version__
from chatnomina.web.routing import PUBLIC, Endpoint, RouteTable

ENDPOINTS = web.AppKey("endpoints", list[Endpoint])
routes = RouteTable("operaciones")

_REF = "#/components/schemas/{model}"

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {
                    "type": "string",
                    "enum": [
                        "INVALID_TOKEN",
                        "UNAUTHORIZED",
                        "INVALID_REQUEST",
                        "RESOURCE_NOT_FOUND",
                        "CONFLICT",
                        "RATE_LIMIT_EXCEEDED",
                        "SERVICE_UNAVAILABLE",
                        "INTERNAL_ERROR",
                    ],
                },
                "message": {"type": "string", "description": "Frase en español para personas."},
                "details": {"type": "object", "description": "`field` nombra el campo culpable."},
            },
        }
    },
}


def _schema(model: Any, components: dict[str, Any]) -> dict[str, Any]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        schema = model.model_json_schema(ref_template=_REF)
        name = model.__name__
    else:
        schema = TypeAdapter(model).json_schema(ref_template=_REF)
        name = None
    for def_name, definition in schema.pop("$defs", {}).items():
        components[def_name] = definition
    if name is None:
        return schema
    components[name] = schema
    return {"$ref": _REF.format(model=name)}


def _parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)(?::[^}]*)?}", endpoint.path)
    ]
    if endpoint.query is not None:
        schema = endpoint.query.model_json_schema()
        required = set(schema.get("required", ()))
        for name, prop in schema.get("properties", {}).items():
            params.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "schema": prop,
                    "description": prop.get("description", ""),
                }
            )
    return params


_MEDIA = {
    "json": ["application/json"],
    "json_optional": ["application/json"],
    "form": ["application/x-www-form-urlencoded"],
    "json_or_form": ["application/json", "application/x-www-form-urlencoded"],
    "multipart": ["multipart/form-data"],
}


def build_spec(endpoints: Iterable[Endpoint], *, title: str = "ChatNomina API") -> dict[str, Any]:
    """OpenAPI 3.1 for ``endpoints``."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for endpoint in endpoints:
        path = re.sub(r"{(\w+):[^}]*}", r"{\1}", endpoint.path)
        operation: dict[str, Any] = {
            "summary": endpoint.summary,
            "description": (endpoint.description + "\n\n" + endpoint.access.describe()).strip(),
            "tags": [endpoint.tag] if endpoint.tag else [],
            "operationId": f"{endpoint.method.lower()}_{endpoint.handler.__name__}",
            "parameters": _parameters(endpoint),
            "responses": {},
        }
        if endpoint.access.authenticated:
            operation["security"] = [{"bearerAuth": []}]
        if endpoint.body is not None:
            body_schema = _schema(endpoint.body, components)
            operation["requestBody"] = {
                "required": endpoint.body_format != "json_optional",
                "content": {media: {"schema": body_schema} for media in _MEDIA[endpoint.body_format]},
            }
        success: dict[str, Any] = {"description": "Respuesta correcta."}
        if endpoint.response is not None:
            success["content"] = {"application/json": {"schema": _schema(endpoint.response, components)}}
        operation["responses"][str(endpoint.status)] = success
        error_ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        codes = {422: "Solicitud inválida.", 500: "Error interno."}
        if endpoint.access.authenticated:
            codes.update({401: "Token ausente o inválido.", 403: "Sin permiso.", 429: "Límite de solicitudes."})
        codes.update(endpoint.extra_responses)
        for status, description in sorted(codes.items()):
            operation["responses"].setdefault(str(status), {"description": description, **error_ref})
        paths.setdefault(path, {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": __version__,
            "description": "API de ChatNomina: nómina colombiana y asistente de nómina.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


@routes.get("/openapi.json", summary="Descripción OpenAPI 3.1 de cada ruta", access=PUBLIC)
async def openapi(request: web.Request) -> dict[str, Any]:
    """The description of every route this process serves."""
    endpoints: list[Endpoint] = request.app[ENDPOINTS]
    return build_spec(endpoints)
