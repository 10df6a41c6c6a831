"""Middlewares: request id and canonical log line, the error shape, CORS, common headers.

This is the only module that maps domain error codes to HTTP statuses.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Awaitable, Callable

import structlog
from aiohttp import web

from chatnomina import errors, metrics
from chatnomina.keys import SETTINGS
from chatnomina.logs import get_logger
from chatnomina.web.routing import PRINCIPAL, dumps

log = get_logger("chatnomina.http")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REQUEST_ID = web.RequestKey("request_id", str)
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:\-]{1,128}")

STATUS_BY_CODE = {
    "INVALID_REQUEST": 422,
    "INVALID_TOKEN": 401,
    "UNAUTHORIZED": 403,
    "RESOURCE_NOT_FOUND": 404,
    "CONFLICT": 409,
    "RATE_LIMIT_EXCEEDED": 429,
    "SERVICE_UNAVAILABLE": 503,
    "INTERNAL_ERROR": 500,
}
_STATUS_BY_CLASS: list[tuple[type[errors.ChatNominaError], int]] = [
    (errors.MalformedRequest, 400),
    (errors.UnsupportedMediaType, 415),
    (errors.PayloadTooLarge, 413),
    (errors.MethodNotAllowed, 405),
]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def status_for(error: errors.ChatNominaError) -> int:
    """The HTTP status of a domain error."""
    for cls, status in _STATUS_BY_CLASS:
        if isinstance(error, cls):
            return status
    return STATUS_BY_CODE.get(error.code, 500)


def error_response(error: errors.ChatNominaError) -> web.Response:
    """The contract's JSON error shape with the right status."""
    response = web.Response(
        text=dumps(error.to_dict()), status=status_for(error), content_type="application/json"
    )
    if isinstance(error, errors.RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, errors.InvalidToken):
        response.headers["WWW-Authenticate"] = 'Bearer realm="chatnomina"'
    return response


def _route_template(request: web.Request) -> str:
    info = request.match_info
    route = getattr(info, "route", None)
    resource = getattr(route, "resource", None)
    if resource is None:
        return "unmatched"
    return resource.canonical


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bind a request id, log one canonical line and record metrics per request."""
    incoming = request.headers.get("X-Request-ID", "")
    request_id = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex
    request[REQUEST_ID] = request_id
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        elapsed = time.perf_counter() - started
        route = _route_template(request)
        principal = request.get(PRINCIPAL)
        metrics.HTTP_REQUESTS.labels(request.method, route, str(status)).inc()
        metrics.HTTP_LATENCY.labels(request.method, route).observe(elapsed)
        if route not in ("/health", "/metrics"):
            log.info(
                "http.request",
                method=request.method,
                route=route,
                path=request.path,
                status=status,
                duration_ms=round(elapsed * 1000, 2),
                user=principal.subject if principal is not None else None,
                remote=request.remote,
            )


_HTTP_ERRORS: dict[int, type[errors.ChatNominaError]] = {
    400: errors.MalformedRequest,
    401: errors.InvalidToken,
    403: errors.Forbidden,
    404: errors.NotFound,
    405: errors.MethodNotAllowed,
    413: errors.PayloadTooLarge,
    415: errors.UnsupportedMediaType,
}


def _from_http_exception(exc: web.HTTPException) -> errors.ChatNominaError:
    if exc.status == 404:
        return errors.NotFound("La ruta solicitada no existe.")
    if exc.status == 405:
        allowed = sorted(getattr(exc, "allowed_methods", ()) or ())
        return errors.MethodNotAllowed(
            f"El método no está permitido en esta ruta. Permitidos: {', '.join(allowed)}.",
            details={"allowed_methods": allowed},
        )
    if exc.status == 413:
        return errors.PayloadTooLarge(
            "El cuerpo de la solicitud supera el tamaño máximo permitido.", field="body"
        )
    cls = _HTTP_ERRORS.get(exc.status)
    if cls is not None:
        return cls()
    return errors.ChatNominaError()


@web.middleware
async def error_shape(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure leaves as the contract's JSON error; no traceback reaches a client."""
    try:
        return await handler(request)
    except errors.ChatNominaError as exc:
        return error_response(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error_response(_from_http_exception(exc))
        if exc.status == 405 and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        log.exception("http.unhandled_error", method=request.method, path=request.path)
        return error_response(errors.ChatNominaError("Ocurrió un error interno. Intente de nuevo."))


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer preflight requests; refuse origins outside ``CORS_ORIGINS``."""
    origin = request.headers.get("Origin")
    if (
        request.method == "OPTIONS"
        and origin
        and "Access-Control-Request-Method" in request.headers
    ):
        if not origin_allowed(request.app, origin):
            raise errors.Forbidden("Origen no permitido por la política CORS.", details={"origin": origin})
        response = web.Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
        requested = request.headers.get("Access-Control-Request-Headers")
        response.headers["Access-Control-Allow-Headers"] = (
            requested or "Authorization, Content-Type, X-Request-ID"
        )
        response.headers["Access-Control-Max-Age"] = "600"
        return response
    return await handler(request)


def origin_allowed(app: web.Application, origin: str) -> bool:
    """True when ``origin`` is listed in ``CORS_ORIGINS`` (or the list is ``*``)."""
    allowed = app[SETTINGS].cors_origins
    return "*" in allowed or origin.rstrip("/") in allowed


async def add_common_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: request id, security and CORS headers on every response."""
    request_id = request.get(REQUEST_ID)
    if request_id:
        response.headers["X-Request-ID"] = request_id
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    origin = request.headers.get("Origin")
    if origin and origin_allowed(request.app, origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Expose-Headers"] = (
            "X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After"
        )
        response.headers.add("Vary", "Origin")
    if request.app[SETTINGS].is_strict:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
