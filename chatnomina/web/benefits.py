"""Vacation balance and requests, and the social-security funds of the employee."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from chatnomina.auth.principal import Principal
from chatnomina.hr import facts
from chatnomina.keys import DB, SETTINGS
from chatnomina.services import self_service, vacations
from chatnomina.services.access import subject_document
from chatnomina.stores import vacations as vacation_store
from chatnomina.web.middleware import REQUEST_ID
from chatnomina.web.routing import AUTHENTICATED, RouteTable

routes = RouteTable("empleado")
BOGOTA = ZoneInfo("America/Bogota")


class StatusQuery(BaseModel):
    document: str | None = Field(default=None, description="Solo RR. HH. o el jefe (auditado)")


class VacationRequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start_date: date
    end_date: date
    reason: str | None = Field(default=None, max_length=500)


class RequestsQuery(BaseModel):
    scope: Literal["own", "team", "all"] = Field(default="own", description="team: jefes; all: RR. HH.")
    status: Literal["pending", "approved", "rejected"] | None = None
    document: str | None = None
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0)


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=500)


def _today(request: web.Request) -> date:
    return request.app[SETTINGS].today or datetime.now(BOGOTA).date()


@routes.get("/benefits/status", summary="Mis vacaciones, EPS, AFP y fondo de cesantías", access=AUTHENTICATED,
            query=StatusQuery)
async def status(request: web.Request, principal: Principal, query: StatusQuery) -> dict[str, Any]:
    """Vacation days by service period with totals; health, pension and cesantías funds."""
    db = request.app[DB]
    document = await subject_document(db, principal, query.document, action="read.benefits",
                                      request_id=request.get(REQUEST_ID))
    person = await self_service.person_or_404(db, document)
    profile = facts.profile(person)
    return {
        "vacation": vacations.balance_dict(await vacations.balance(db, person)),
        "health": {"eps": profile.eps if profile else None},
        "pension": {"afp": profile.afp if profile else None},
        "cesantias": {"fund": profile.cesantias if profile else None},
    }


@routes.post("/benefits/vacation/request", summary="Solicitar vacaciones", access=AUTHENTICATED,
             body=VacationRequestBody, status=201)
async def request_vacation(request: web.Request, principal: Principal, body: VacationRequestBody) -> dict[str, Any]:
    """Working days on the Colombian calendar; refuses overlaps and days beyond the balance."""
    created = await vacations.request_vacation(
        request.app[DB], principal, start=body.start_date, end=body.end_date, reason=body.reason,
        today=_today(request),
    )
    return created.to_dict()


@routes.get("/benefits/vacation/requests", summary="Solicitudes de vacaciones", access=AUTHENTICATED,
            query=RequestsQuery)
async def list_requests(request: web.Request, principal: Principal, query: RequestsQuery) -> dict[str, Any]:
    """Own requests; managers their team's (scope=team); HR everyone's (scope=all)."""
    db = request.app[DB]
    documents = await vacations.visible_documents(db, principal, query.scope)
    if query.document is not None:
        if documents is not None and query.document not in documents:
            documents = []
        else:
            documents = [query.document]
    items, total = await vacation_store.list_requests(db, documents=documents, status=query.status,
                                                      limit=query.limit, offset=query.offset)
    return {"items": [r.to_dict() for r in items], "total": total, "limit": query.limit, "offset": query.offset}


async def _decide(request: web.Request, principal: Principal, body: DecisionBody, approve: bool) -> dict[str, Any]:
    decided = await vacations.decide(request.app[DB], principal, int(request.match_info["request_id"]),
                                     approve=approve, note=body.note)
    return decided.to_dict()


@routes.post("/benefits/vacation/requests/{request_id:\\d+}/approve", summary="Aprobar una solicitud",
             access=AUTHENTICATED, body=DecisionBody, body_format="json_optional")
async def approve(request: web.Request, principal: Principal, body: DecisionBody) -> dict[str, Any]:
    """The employee's manager or HR; final."""
    return await _decide(request, principal, body, True)


@routes.post("/benefits/vacation/requests/{request_id:\\d+}/reject", summary="Rechazar una solicitud",
             access=AUTHENTICATED, body=DecisionBody, body_format="json_optional")
async def reject(request: web.Request, principal: Principal, body: DecisionBody) -> dict[str, Any]:
    """The employee's manager or HR; final."""
    return await _decide(request, principal, body, False)
