"""An employee's payslips and payment history."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field, model_validator

from chatnomina.auth.principal import Principal
from chatnomina.errors import NotFound
from chatnomina.keys import DB
from chatnomina.services import self_service
from chatnomina.services.access import subject_document
from chatnomina.web.middleware import REQUEST_ID
from chatnomina.web.routing import AUTHENTICATED, RouteTable

routes = RouteTable("empleado")


class PayslipQuery(BaseModel):
    year: int | None = Field(default=None, ge=2000, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)
    document: str | None = Field(default=None, description="Solo RR. HH. o el jefe (auditado)")

    @model_validator(mode="after")
    def _both_or_none(self) -> PayslipQuery:
        if (self.year is None) != (self.month is None):
            raise ValueError("envíe year y month juntos (o ninguno para el último)")
        return self


class HistoryQuery(BaseModel):
    start_date: date | None = None
    end_date: date | None = None
    limit: int = Field(default=12, ge=1, le=100)
    offset: int = Field(default=0, ge=0)
    document: str | None = Field(default=None, description="Solo RR. HH. o el jefe (auditado)")


@routes.get("/payroll/payslip", summary="Mi desprendible de un periodo", access=AUTHENTICATED, query=PayslipQuery)
async def payslip(request: web.Request, principal: Principal, query: PayslipQuery) -> dict[str, Any]:
    """Earnings, deductions, net, payment date and masked account; without year/month the latest."""
    db = request.app[DB]
    document = await subject_document(db, principal, query.document, action="read.payslip",
                                      request_id=request.get(REQUEST_ID))
    view = await self_service.payslip_for(db, document, query.year, query.month)
    if view is None:
        raise NotFound("No hay desprendible para ese periodo.")
    return view


@routes.get("/payroll/history", summary="Mi historial de pagos", access=AUTHENTICATED, query=HistoryQuery)
async def history(request: web.Request, principal: Principal, query: HistoryQuery) -> dict[str, Any]:
    """Periods with gross, deductions, net and payment date, newest first."""
    db = request.app[DB]
    document = await subject_document(db, principal, query.document, action="read.payment_history",
                                      request_id=request.get(REQUEST_ID))
    items = await self_service.history_for(db, document, query.start_date, query.end_date)
    return {"items": items[query.offset:query.offset + query.limit], "total": len(items),
            "limit": query.limit, "offset": query.offset}

