"""The caller's profile and preferences, and HR's view of an employee."""

from __future__ import annotations

from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, field_validator

from chatnomina.auth.principal import Principal
from chatnomina.errors import NotFound
from chatnomina.keys import DB
from chatnomina.services import self_service
from chatnomina.services.access import subject_document
from chatnomina.stores import users as user_store
from chatnomina.web.middleware import REQUEST_ID
from chatnomina.web.routing import AUTHENTICATED, RouteTable, allow

routes = RouteTable("empleado")


class Notifications(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: bool | None = None
    push: bool | None = None
    chat: bool | None = None


class Preferences(BaseModel):
    """Any subset; what is sent replaces what was stored."""

    model_config = ConfigDict(extra="forbid")
    language: Literal["es", "en"] | None = None
    timezone: str | None = Field(default=None, description="Zona IANA, p. ej. America/Bogota")
    notifications: Notifications | None = None
    theme: Literal["light", "dark", "system"] | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("no es una zona horaria IANA conocida (ej. America/Bogota)") from None
        return value


async def _user(request: web.Request, principal: Principal) -> Any:
    user = await user_store.get_user(request.app[DB], principal.user_id or 0)
    if user is None:
        raise NotFound("El usuario no existe.")
    return user


@routes.get("/users/me", summary="Mi perfil", access=AUTHENTICATED)
async def me(request: web.Request, principal: Principal) -> dict[str, Any]:
    """Profile from the HR data: position, department, hire date, manager, salary, EPS, AFP, cesantías."""
    user = await _user(request, principal)
    if user.document is None:
        return {"id": user.id, "email": user.email, "name": user.display_name, "roles": list(user.roles),
                "document": None, "preferences": user.preferences}
    person = await self_service.person_or_404(request.app[DB], user.document)
    return self_service.profile_view(person, user)


@routes.put("/users/me/preferences", summary="Guardar mis preferencias", access=AUTHENTICATED, body=Preferences)
async def preferences(request: web.Request, principal: Principal, body: Preferences) -> dict[str, Any]:
    """language, timezone, notifications, theme → the stored preferences."""
    user = await _user(request, principal)
    stored = await user_store.set_preferences(request.app[DB], user.id, body.model_dump(exclude_none=True))
    defaults = {"language": "es", "timezone": "America/Bogota", "theme": "system",
                "notifications": {"email": True, "push": True, "chat": True}}
    return {**defaults, **stored}


@routes.get("/hr/employees/{document}", summary="Perfil de un empleado (RR. HH. o su jefe; auditado)",
            access=allow("hr_agent", "payroll_admin", "manager", scopes=["employees:read"]))
async def employee(request: web.Request, principal: Principal) -> dict[str, Any]:
    """The same view as users/me, for someone HR (or the manager) may see; every read is audited."""
    db = request.app[DB]
    document = await subject_document(db, principal, request.match_info["document"], action="read.profile",
                                      request_id=request.get(REQUEST_ID))
    person = await self_service.person_or_404(db, document)
    return self_service.profile_view(person, await user_store.get_user_by_document(db, document))
