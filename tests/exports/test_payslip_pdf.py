"""The payslip as a PDF: the same payslip as the JSON endpoint, with the same access rules."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from pypdf import PdfReader

from chatnomina.app import create_app
from chatnomina.jobs import JobQueue
from chatnomina.services import payroll_runs
from chatnomina.services.payslip_pdf import pesos
from chatnomina.settings import Settings
from tests.chat.helpers import bearer, make_user
from tests.hr_data.test_self_service import TRUTH, import_sample
from tests.payroll_runs.test_runs import run_to_completion

BOLANOS = "1130846901"
PDF = "/api/v1/payroll/payslip.pdf"


def _text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def _employer(db: Any) -> None:
    await db.execute("""INSERT INTO employer_settings (name, nit) VALUES ('Universidad Ejemplo S.A.S.', '890.399.010-6')
                        ON CONFLICT (id) DO UPDATE SET name = excluded.name, nit = excluded.nit""")


async def test_employee_downloads_their_payslip_with_name_and_net(
    aiohttp_client: Any, db: Any, settings: Settings, computed_run: int
) -> None:
    await _employer(db)
    employee = await make_user(db, "mauricio@example.co", ["employee"], BOLANOS, "Mauricio")
    client = await aiohttp_client(create_app(settings))
    response = await client.get(f"{PDF}?year=2026&month=10", headers=bearer(settings, employee))
    assert response.status == 200, await response.text()
    assert response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="desprendible-2026-10.pdf"'
    text = _text(await response.read())
    payslip = await db.fetchrow("SELECT gross, deductions, net FROM payslips WHERE run_id = $1 AND documento = $2",
                                computed_run, BOLANOS)
    assert payslip["net"] == TRUTH[BOLANOS]["last_deposit"]["value"]
    assert "$2.478.157" in text and pesos(payslip["net"]) == "$2.478.157"
    assert pesos(payslip["gross"]) in text and pesos(payslip["deductions"]) in text
    assert TRUTH[BOLANOS]["nombre"] in text
    assert "******6901" in text and BOLANOS not in text  # the document only masked
    assert "Universidad Ejemplo S.A.S." in text and "NIT 890.399.010-6" in text
    assert "Octubre de 2026" in text and "30/10/2026" in text and "****7701" in text
    for label in ("Salario básico", "Auxilio de transporte", "Aporte a salud (trabajador)", "Libranza"):
        assert label in text
    assert "$347.000" in text  # the libranza line


async def test_an_employee_cannot_download_someone_elses_payslip(
    aiohttp_client: Any, db: Any, settings: Settings, computed_run: int
) -> None:
    employee = await make_user(db, "mauricio@example.co", ["employee"], BOLANOS, "Mauricio")
    client = await aiohttp_client(create_app(settings))
    other = sorted(set(TRUTH) - {BOLANOS})[0]
    response = await client.get(f"{PDF}?year=2026&month=10&document={other}", headers=bearer(settings, employee))
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "UNAUTHORIZED"
    assert (await client.get(f"{PDF}?year=2026&month=10")).status == 401


async def test_hr_downloads_anyones_payslip_and_the_read_is_audited(
    aiohttp_client: Any, db: Any, settings: Settings, computed_run: int
) -> None:
    hr = await make_user(db, "rrhh@example.co", ["hr_agent"], None, "Marta")
    client = await aiohttp_client(create_app(settings))
    response = await client.get(f"{PDF}?year=2026&month=10&document={BOLANOS}", headers=bearer(settings, hr))
    assert response.status == 200, await response.text()
    assert TRUTH[BOLANOS]["nombre"] in _text(await response.read())
    rows = await db.fetch("SELECT actor, action, subject FROM audit_log ORDER BY id")
    assert [dict(r) for r in rows] == [{"actor": hr.subject, "action": "read.payslip_pdf", "subject": BOLANOS}]


async def test_an_adjustment_run_gives_a_new_pdf(
    aiohttp_client: Any, db: Any, redis: Any, settings: Settings, queue: JobQueue, computed_run: int
) -> None:
    employee = await make_user(db, "mauricio@example.co", ["employee"], BOLANOS, "Mauricio")
    client = await aiohttp_client(create_app(settings))
    before = _text(await (await client.get(f"{PDF}?year=2026&month=10", headers=bearer(settings, employee))).read())
    await payroll_runs.close_run(db, computed_run)
    await db.execute(
        "UPDATE hr_salary_periods SET sueldo = 2547000 WHERE documento = $1 AND fecha_fin_sueldo IS NULL", BOLANOS)
    adjustment = await payroll_runs.create_run(db, queue, period="2026-10", requested_by="test",
                                               adjusts_run_id=computed_run)
    await run_to_completion(db, redis, settings, queue, adjustment.id)
    net = await db.fetchval("SELECT net FROM payslips WHERE run_id = $1 AND documento = $2", adjustment.id, BOLANOS)
    assert net > TRUTH[BOLANOS]["last_deposit"]["value"]
    after = _text(await (await client.get(f"{PDF}?year=2026&month=10", headers=bearer(settings, employee))).read())
    assert pesos(net) in after and "$2.478.157" not in after and "$2.478.157" in before
    assert f"Nómina n.º {adjustment.id} (ajuste)" in after


async def test_a_period_before_any_run_comes_from_the_imported_deposit(
    aiohttp_client: Any, db: Any, settings: Settings
) -> None:
    await import_sample(db)
    employee = await make_user(db, "mauricio@example.co", ["employee"], BOLANOS, "Mauricio")
    client = await aiohttp_client(create_app(settings))
    deposit = next(d for d in TRUTH[BOLANOS]["deposits"] if d["period"] == "202509M")
    response = await client.get(f"{PDF}?year=2025&month=9", headers=bearer(settings, employee))
    assert response.status == 200, await response.text()
    assert response.headers["Content-Disposition"] == 'attachment; filename="desprendible-2025-09.pdf"'
    text = _text(await response.read())
    assert pesos(Decimal(deposit["value"])) in text and pesos(Decimal(deposit["ingresos"])) in text
    missing = await client.get(f"{PDF}?year=2019&month=1", headers=bearer(settings, employee))
    assert missing.status == 404 and (await missing.json())["error"]["code"] == "RESOURCE_NOT_FOUND"


def test_colombian_money_format() -> None:
    assert pesos(Decimal("3500000.00")) == "$3.500.000"
    assert pesos(Decimal("1234.5")) == "$1.234,50"
    assert pesos(Decimal("-250000")) == "-$250.000"
    assert pesos(0) == "$0"
