"""Domain errors of ChatNomina, each with a stable code and a Spanish message.

The tree::

    ChatNominaError                      any expected failure; never a traceback in the logs
    ├── InvalidRequest       INVALID_REQUEST      bad input; ``field`` names the culprit
    │   ├── ParameterNotFound                     no legal parameter in force on a date
    │   ├── MalformedRequest                      the body cannot be read at all (bad JSON)
    │   ├── UnsupportedMediaType                  the body is not in the expected format
    │   ├── PayloadTooLarge                       the body is larger than allowed
    │   └── MethodNotAllowed                      the path exists, the method does not
    ├── InvalidToken         INVALID_TOKEN        missing, malformed, expired or revoked credentials
    ├── Forbidden            UNAUTHORIZED         authenticated, but not allowed to do this
    ├── NotFound             RESOURCE_NOT_FOUND   no such thing (or not visible to the caller)
    ├── Conflict             CONFLICT             the state forbids it (closed run, decided request)
    ├── RateLimited          RATE_LIMIT_EXCEEDED  too many requests; ``retry_after`` seconds
    └── ServiceUnavailable   SERVICE_UNAVAILABLE  a dependency is down

Errors say what happened, never which HTTP status to send: only ``chatnomina.web.middleware``
maps codes to statuses (and the websocket layer to close codes). Messages are Spanish
sentences meant for people; ``details`` carries machine-readable context.
"""

from __future__ import annotations

from typing import Any


class ChatNominaError(Exception):
    """Base of every expected, explainable failure."""

    code = "INTERNAL_ERROR"
    default_message = "Ocurrió un error inesperado."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = message or self.default_message
        self.details: dict[str, Any] = dict(details or {})
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        """The contract's error body: ``{"error": {"code", "message", "details"}}``."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class InvalidRequest(ChatNominaError):
    """The input is wrong; ``field`` names the offending field (dotted path for nested ones)."""

    code = "INVALID_REQUEST"
    default_message = "La solicitud no es válida."

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ):
        merged = dict(details or {})
        if field is not None:
            merged.setdefault("field", field)
        super().__init__(message, details=merged)
        self.field = field


class ParameterNotFound(InvalidRequest):
    """No legal parameter is in force on the requested date (never a silent default)."""

    default_message = "No hay parámetros legales vigentes para esa fecha."


class MalformedRequest(InvalidRequest):
    """The body could not be parsed at all (as opposed to parsed but invalid)."""

    default_message = "El cuerpo de la solicitud no se pudo leer."


class UnsupportedMediaType(InvalidRequest):
    default_message = "El tipo de contenido no es compatible con esta operación."


class PayloadTooLarge(InvalidRequest):
    default_message = "El cuerpo de la solicitud es demasiado grande."


class MethodNotAllowed(InvalidRequest):
    default_message = "El método no está permitido en esta ruta."


class InvalidToken(ChatNominaError):
    code = "INVALID_TOKEN"
    default_message = "El token de acceso no es válido o expiró."


class Forbidden(ChatNominaError):
    code = "UNAUTHORIZED"
    default_message = "No tiene permiso para realizar esta acción."


class NotFound(ChatNominaError):
    code = "RESOURCE_NOT_FOUND"
    default_message = "El recurso solicitado no existe."


class Conflict(ChatNominaError):
    code = "CONFLICT"
    default_message = "La operación no es posible en el estado actual."


class RateLimited(ChatNominaError):
    code = "RATE_LIMIT_EXCEEDED"
    default_message = "Demasiadas solicitudes. Intente de nuevo más tarde."

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))
        self.details.setdefault("retry_after", self.retry_after)


class ServiceUnavailable(ChatNominaError):
    code = "SERVICE_UNAVAILABLE"
    default_message = "El servicio no está disponible en este momento."
