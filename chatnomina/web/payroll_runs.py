"""Payroll administration: runs, their payslips, closing and re-running failed employees."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from chatnomina.auth.principal import Principal
from chatnomina.errors import NotFound
from chatnomina.keys import DB, JOBS
from chatnomina.services import payroll_runs
from chatnomina.services.self_service import money
from chatnomina.stores import payroll as store
from chatnomina.web.routing import RouteTable, allow

routes = RouteTable("nómina")
RUNNERS = allow("payroll_admin", scopes=["payroll:run"])
READERS = allow("payroll_admin", scopes=["payroll:read", "payroll:run"])


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(description="AAAA-MM", examples=["2026-10"])
    group: str = Field(default="general", min_length=1, max_length=40)
    adjusts_run_id: int | None = Field(default=None, description="crea una nómina de ajuste de esa nómina cerrada")


class RunsQuery(BaseModel):
    period: str | None = None
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0)


class Page(BaseModel):
    limit: int = Field(default=50, ge=1, le=100)
    offset: int = Field(default=0, ge=0)


def _run_id(request: web.Request) -> int:
    return int(request.match_info["run_id"])


async def _view(request: web.Request, run_id: int) -> dict[str, Any]:
    db = request.app[DB]
    run = await store.get_run(db, run_id)
    if run is None:
        raise NotFound("La nómina no existe.")
    return {**run.to_dict(), "errors": await store.errors_of(db, run_id)}


@routes.post("/payroll/runs", summary="Liquidar la nómina de un periodo", access=RUNNERS, body=RunRequest,
             status=202, extra_responses={409: "Ya existe una nómina de ese grupo y periodo."})
async def create(request: web.Request, principal: Principal, body: RunRequest) -> dict[str, Any]:
    """→ 202 {run_id, status: queued}; workers compute every employee in chunks."""
    run = await payroll_runs.create_run(request.app[DB], request.app[JOBS], period=body.period, group=body.group,
                                        requested_by=principal.subject, adjusts_run_id=body.adjusts_run_id)
    return {"run_id": run.id, "status": run.status, "kind": run.kind}


@routes.get("/payroll/runs", summary="Nóminas liquidadas", access=READERS, query=RunsQuery)
async def list_runs(request: web.Request, query: RunsQuery) -> dict[str, Any]:
    """Newest first."""
    runs = await store.list_runs(request.app[DB], period=query.period, limit=query.limit, offset=query.offset)
    return {"items": [run.to_dict() for run in runs], "limit": query.limit, "offset": query.offset}


@routes.get("/payroll/runs/{run_id:\\d+}", summary="Estado de una nómina", access=READERS)
async def get_run(request: web.Request) -> dict[str, Any]:
    """Status, counts (done/total/failed) and the error of each failed employee."""
    return await _view(request, _run_id(request))


@routes.get("/payroll/runs/{run_id:\\d+}/payslips", summary="Desprendibles de una nómina", access=READERS,
            query=Page)
async def payslips(request: web.Request, query: Page) -> dict[str, Any]:
    """Paginated: document, contract, gross, deductions, net, IBC, employer cost."""
    run_id = _run_id(request)
    if await store.get_run(request.app[DB], run_id) is None:
        raise NotFound("La nómina no existe.")
    items, total = await store.payslips_of_run(request.app[DB], run_id, limit=query.limit, offset=query.offset)
    for item in items:
        for field in ("gross", "deductions", "net", "ibc", "employer_cost", "difference_net"):
            item[field] = money(item[field])
        item["currency"] = "COP"
    return {"items": items, "total": total, "limit": query.limit, "offset": query.offset}


@routes.post("/payroll/runs/{run_id:\\d+}/close", summary="Cerrar el periodo", access=RUNNERS,
             extra_responses={409: "La nómina no está completa o ya está cerrada."})
async def close(request: web.Request) -> dict[str, Any]:
    """Locks the run: the database refuses any later change; corrections are adjustment runs."""
    run = await payroll_runs.close_run(request.app[DB], _run_id(request))
    return run.to_dict()


@routes.post("/payroll/runs/{run_id:\\d+}/retry", summary="Recalcular solo los empleados con error",
             access=RUNNERS)
async def retry(request: web.Request) -> dict[str, Any]:
    """Puts the failed employees back to pending and enqueues their chunks."""
    count = await payroll_runs.retry_failed(request.app[DB], request.app[JOBS], _run_id(request))
    return {**await _view(request, _run_id(request)), "retried": count}
