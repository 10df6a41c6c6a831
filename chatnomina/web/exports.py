"""Exports of payroll runs (CSV/XLSX via a worker and S3) and the payslip as a PDF."""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from chatnomina.auth.principal import Principal
from chatnomina.keys import DB, JOBS, S3
from chatnomina.services import exports, payslip_pdf
from chatnomina.services.access import subject_document
from chatnomina.web.middleware import REQUEST_ID
from chatnomina.web.payslips import PayslipQuery
from chatnomina.web.routing import AUTHENTICATED, RouteTable, allow

routes = RouteTable("exportaciones")
EXPORTERS = allow("payroll_admin", scopes=["exports"])


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    run_id: int = Field(ge=1, description="la nómina a exportar (completada o cerrada)")
    format: Literal["csv", "xlsx"] = Field(
        default="csv",
        description="csv: UTF-8 con BOM, separador «;», coma decimal; xlsx: hoja «Nómina» con autofiltro")


@routes.post("/exports", summary="Exportar una nómina a CSV o Excel", access=EXPORTERS, body=ExportRequest,
             status=202, extra_responses={404: "La nómina no existe.",
                                          409: "La nómina no está completada ni cerrada."})
async def create_export(request: web.Request, principal: Principal, body: ExportRequest) -> dict[str, Any]:
    """→ 202 {export_id, status: queued}; a worker writes the file to S3.

    One row per employee, contract and concept (devengos, deducciones, aportes del empleador,
    provisiones), and a «NETO» row closing each payslip with its net pay. Columns: Documento,
    Nombre, Periodo, Nómina, Vinculación, Código concepto, Concepto, Categoría, Valor.
    CSV: UTF-8 with BOM, «;» separator, decimal comma without thousands separators, CRLF.
    XLSX: sheet «Nómina» (then «Nómina (2)»… past Excel's 1,048,576 rows), styled header,
    autofilter, amounts as numbers."""
    export = await exports.request_export(request.app[DB], request.app[JOBS], run_id=body.run_id, fmt=body.format,
                                          requested_by=principal.subject)
    return {"export_id": export.id, "run_id": export.run_id, "format": export.format, "status": export.status}


@routes.get("/exports/{export_id:\\d+}", summary="Estado de una exportación", access=EXPORTERS)
async def get_export(request: web.Request) -> dict[str, Any]:
    """Status, rows and size; when completed, ``download_url`` (valid 15 minutes) and ``expires_at``."""
    return await exports.export_view(request.app[DB], request.app[S3], int(request.match_info["export_id"]))


@routes.get("/payroll/payslip.pdf", summary="Mi desprendible de pago en PDF", access=AUTHENTICATED,
            query=PayslipQuery, extra_responses={404: "No hay desprendible para ese periodo."})
async def payslip_as_pdf(request: web.Request, principal: Principal, query: PayslipQuery) -> web.Response:
    """application/pdf, as an attachment ``desprendible-AAAA-MM.pdf``; same access as the JSON payslip."""
    db = request.app[DB]
    document = await subject_document(db, principal, query.document, action="read.payslip_pdf",
                                      request_id=request.get(REQUEST_ID))
    pdf = await payslip_pdf.payslip_pdf(db, document, query.year, query.month)
    return web.Response(body=pdf.content, content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{pdf.filename}"',
        "Cache-Control": "private, no-store",
    })
