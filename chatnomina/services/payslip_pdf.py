"""The desprendible de pago as a PDF, rendered with reportlab on request.

Rendering a one-page payslip takes a few milliseconds (it runs in a thread, off the event
loop), less than a round trip to S3 would, so nothing is cached: the PDF always shows the
payslip the JSON endpoint shows — the newest completed or closed run of the period, an
adjustment included, or the imported deposit before any run. The output is invariant
(no creation timestamp or random id inside), so the same payslip gives the same bytes.

The page: employer (name and NIT from ``employer_settings``), employee name and masked
document, period, payment date and masked account; every earning and every deduction line
with amounts in Colombian format (``$3.500.000``); gross, deductions and net to pay.
"""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg

from chatnomina.errors import NotFound
from chatnomina.logs import get_logger
from chatnomina.services import self_service
from chatnomina.stores import exports as exports_store
from chatnomina.stores import payroll as payroll_store

log = get_logger("chatnomina.payslip_pdf")

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")
ACCOUNT_TYPES = {"AHORROS": "ahorros", "CORRIENTE": "corriente"}
INK, LIGHT = "#1F4E78", "#DCE6F1"


def pesos(value: Decimal | int | str | None) -> str:
    """Colombian money format: ``3500000`` → ``$3.500.000``; cents only when there are some."""
    if value is None:
        return "—"
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(units):,}".replace(",", ".")
    return f"{sign}${grouped}" + (f",{cents}" if cents != "00" else "")


def period_name(period: str) -> str:
    """``2026-10`` → ``octubre de 2026``."""
    year, month = period.split("-")
    return f"{MONTHS[int(month) - 1]} de {year}"


def _date(iso: str | None) -> str:
    if not iso:
        return "—"
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _account(account: dict[str, Any] | None) -> str:
    if not account:
        return "—"
    parts = [account.get("bank"), ACCOUNT_TYPES.get(str(account.get("type") or "").upper(), account.get("type")),
             account.get("number")]
    return " · ".join(str(part) for part in parts if part)


def _escape(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_payslip(view: dict[str, Any], employer_name: str, employer_nit: str | None) -> bytes:
    """The payslip view (as ``GET /payroll/payslip`` returns it) → PDF bytes. Pure."""
    # reportlab (with PIL) is imported on the first render: at module level it would cost every
    # web process ~8 MB that only this endpoint uses.
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    ink, light = colors.HexColor(INK), colors.HexColor(LIGHT)
    styles = getSampleStyleSheet()
    title = ParagraphStyle("title", parent=styles["Title"], fontSize=15, textColor=ink, spaceAfter=2)
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=9, leading=11)
    right = ParagraphStyle("right", parent=small, alignment=TA_RIGHT)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=LETTER, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.6 * cm, bottomMargin=1.6 * cm,
        title=f"Desprendible de pago {view['period']}", author=employer_name, creator="ChatNomina",
        invariant=True,
    )
    employee = view.get("employee") or {}
    source = (f"Nómina n.º {view['run_id']}" + (" (ajuste)" if view.get("run_kind") == "adjustment" else "")
              if view.get("source") == "payroll_run" else "Pago registrado (datos importados)")
    story: list[Any] = [
        Paragraph(_escape(employer_name), title),
        Paragraph(f"NIT {_escape(employer_nit)}" if employer_nit else "&nbsp;", small),
        Spacer(1, 0.3 * cm),
        Paragraph("<b>DESPRENDIBLE DE PAGO DE NÓMINA</b>", styles["Heading3"]),
    ]
    facts = [
        ["Empleado", employee.get("name") or "—", "Periodo", period_name(view["period"]).capitalize()],
        ["Documento", employee.get("document") or "—", "Fecha de pago", _date(view.get("payment_date"))],
        ["Cuenta", _account(view.get("bank_account")), "Origen", source],
    ]
    facts_table = Table(facts, colWidths=[2.6 * cm, 6.6 * cm, 2.8 * cm, 5.4 * cm])
    facts_table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
        ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
        ("FONT", (2, 0), (2, -1), "Helvetica-Bold", 9),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
    ]))
    story += [facts_table, Spacer(1, 0.5 * cm)]

    def lines_table(heading: str, lines: list[dict[str, Any]], total_label: str, total: Any) -> Table:
        rows: list[list[Any]] = [[heading, "Valor"]]
        rows += [[line.get("label") or line.get("code"), pesos(line.get("amount"))] for line in lines]
        if not lines:
            rows.append(["(sin conceptos)", ""])
        rows.append([total_label, pesos(total)])
        table = Table(rows, colWidths=[12.4 * cm, 5 * cm], repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9.5),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("BACKGROUND", (0, 0), (-1, 0), ink),
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9.5),
            ("BACKGROUND", (0, -1), (-1, -1), light),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("LINEBELOW", (0, 1), (-1, -2), 0.25, colors.lightgrey),
            ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
        ]))
        return table

    story += [
        lines_table("Devengos", view.get("earnings") or [], "Total devengado", view.get("gross")),
        Spacer(1, 0.35 * cm),
        lines_table("Deducciones", view.get("deductions") or [], "Total deducciones", view.get("total_deductions")),
        Spacer(1, 0.5 * cm),
    ]
    net = Table([["NETO A PAGAR", pesos(view.get("net"))]], colWidths=[12.4 * cm, 5 * cm])
    net.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica-Bold", 12),
        ("TEXTCOLOR", (0, 0), (-1, -1), colors.white),
        ("BACKGROUND", (0, 0), (-1, -1), ink),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    story += [net, Spacer(1, 0.6 * cm), Paragraph("Valores en pesos colombianos (COP).", small),
              Paragraph("Generado por ChatNomina", right)]
    doc.build(story)
    return buffer.getvalue()


@dataclass(frozen=True)
class PayslipPdf:
    content: bytes
    filename: str
    period: str


async def payslip_pdf(db: asyncpg.Pool, document: str, year: int | None, month: int | None) -> PayslipPdf:
    """The PDF of the payslip ``GET /payroll/payslip`` would show for that person and period."""
    view = await self_service.payslip_for(db, document, year, month)
    if view is None:
        raise NotFound("No hay desprendible para ese periodo.")
    if view.get("source") == "payroll_run":
        run = await payroll_store.get_run(db, view["run_id"])
        view = {**view, "run_kind": run.kind if run else None}
    name, nit = await exports_store.employer_identity(db)
    started = time.perf_counter()
    content = await asyncio.to_thread(render_payslip, view, name, nit)
    log.info("payslip_pdf.rendered", period=view["period"], source=view.get("source"), bytes=len(content),
             ms=round((time.perf_counter() - started) * 1000, 1))
    return PayslipPdf(content=content, filename=f"desprendible-{view['period']}.pdf", period=view["period"])
