"""Self-service endpoints answer exactly the truth file's facts; access rules hold."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from chatnomina.app import create_app
from chatnomina.services.hr_import import run_import
from chatnomina.settings import Settings
from chatnomina.stores import imports as import_store
from tests.chat.helpers import bearer, make_user
from tests.support import FIXTURES

TRUTH = json.loads((FIXTURES / "hr_exports_truth.json").read_text(encoding="utf-8"))["employees"]


async def import_sample(db: Any) -> None:
    files = {path.name: path.read_bytes() for path in (FIXTURES / "hr_exports").iterdir()}
    job = await import_store.create_import(db, source="cli", requested_by="test", status="running")
    report = await run_import(db, job.id, files)
    assert report.exit_code == 0, report.rejected[:5]


@pytest.fixture
async def api(aiohttp_client: Any, settings: Settings, db: Any) -> Any:
    await import_sample(db)
    return await aiohttp_client(create_app(settings.with_overrides(today=date(2026, 11, 27))))


async def _get(api: Any, path: str, headers: dict[str, str], status: int = 200) -> Any:
    response = await api.get(path, headers=headers)
    assert response.status == status, f"{path}: {response.status} {await response.text()}"
    return await response.json()


def _pesos(value: str) -> Decimal:
    return Decimal(value)


@pytest.mark.parametrize("document", sorted(TRUTH))
async def test_endpoints_give_the_truth(api: Any, settings: Settings, db: Any, document: str) -> None:
    truth = TRUTH[document]
    user = await make_user(db, f"{document}@example.co", ["employee"], document, truth["nombre"])
    auth = bearer(settings, user)

    me = await _get(api, "/api/v1/users/me", auth)
    assert me["name"] == truth["nombre"]
    assert me["document"].endswith(document[-4:]) and document not in me["document"]
    assert me["position"] == truth["position"]
    assert me["department"] == truth["dependencia"]
    assert me["hire_date"] == truth["hire_date_current_contract"]
    assert me["manager"]["name"] == truth["manager_name_display"]
    assert _pesos(me["salary"]["amount"]) == truth["current_salary"]
    assert me["salary"]["currency"] == "COP"
    assert me["salary"]["integral"] == truth["salary_integral"]
    assert (me["eps"], me["afp"], me["cesantias_fund"]) == (truth["eps"], truth["afp"], truth["cesantias"])
    assert me["bank_account"]["number"] == "****" + truth["bank"]["last4"]
    assert me["bank_account"]["bank"] == truth["bank"]["name"]

    last = truth["last_deposit"]
    payslip = await _get(api, "/api/v1/payroll/payslip?year=2026&month=10", auth)
    assert payslip["source"] == "imported"
    assert _pesos(payslip["net"]) == last["value"]
    assert _pesos(payslip["gross"]) == last["ingresos"]
    assert _pesos(payslip["total_deductions"]) == last["descuentos"]
    assert payslip["payment_date"] == last["date"]
    assert payslip["bank_account"]["number"].endswith(truth["bank"]["last4"])
    lines = {line["code"]: _pesos(line["amount"]) for line in payslip["deductions"]}
    expected = truth["deductions_2026_10"]
    for code in ("salud", "pension", "fondo_solidaridad", "retencion_fuente"):
        assert lines.get(code, 0) == expected[code], code
    for code, value in expected["novedades"].items():
        assert lines[code] == value
    earned = {line["code"]: _pesos(line["amount"]) for line in payslip["earnings"]}
    for code in ("basico", "auxilio_transporte", "horas_extra_y_recargos", "bonificaciones"):
        assert earned.get(code, 0) == truth["earnings_2026_10"][code], code

    latest = await _get(api, "/api/v1/payroll/payslip", auth)
    assert latest["payroll_code"] == last["period"]

    history = await _get(api, "/api/v1/payroll/history?start_date=2025-01-01&end_date=2025-12-31&limit=100", auth)
    assert sum(_pesos(item["net"]) for item in history["items"]) == truth["total_deposited_2025"]
    assert history["items"] == sorted(history["items"], key=lambda i: i["payment_date"], reverse=True)

    benefits = await _get(api, "/api/v1/benefits/status", auth)
    assert Decimal(benefits["vacation"]["remaining_days"]) == Decimal(str(truth["pending_vacation_days"]))
    periods = [(p["period"], p["start"], p["end"]) for p in benefits["vacation"]["periods"]]
    assert periods == [(p["periodo"], p["start"], p["end"]) for p in truth["vacation_periods"]]
    assert benefits["health"]["eps"] == truth["eps"] and benefits["cesantias"]["fund"] == truth["cesantias"]


async def test_an_employee_reads_nothing_of_another(api: Any, settings: Settings, db: Any) -> None:
    ana = await make_user(db, "ana@example.co", ["employee"], "1130846901", "Ana")
    auth = bearer(settings, ana)
    other = "1130057656"
    for path in (f"/api/v1/hr/employees/{other}", f"/api/v1/payroll/payslip?document={other}",
                 f"/api/v1/payroll/history?document={other}", f"/api/v1/benefits/status?document={other}"):
        response = await api.get(path, headers=auth)
        assert response.status == 403, path
        body = await response.text()
        assert "Chaux" not in body and other not in body
    listing = await _get(api, f"/api/v1/benefits/vacation/requests?document={other}", auth)
    assert listing["items"] == []
    forbidden = await api.get("/api/v1/benefits/vacation/requests?scope=all", headers=auth)
    assert forbidden.status == 403


async def test_managers_see_reports_only_and_hr_reads_are_audited(api: Any, settings: Settings, db: Any) -> None:
    manager = await make_user(db, "jefe@example.co", ["employee", "manager"], "16145230", "Camilo")
    hr = await make_user(db, "rrhh@example.co", ["hr_agent"], None, "Marta")
    report, stranger = "94713023", "1130846901"
    seen = await _get(api, f"/api/v1/hr/employees/{report}", bearer(settings, manager))
    assert seen["position"] == TRUTH[report]["position"]
    await _get(api, f"/api/v1/hr/employees/{stranger}", bearer(settings, manager), status=403)
    await _get(api, f"/api/v1/payroll/payslip?document={stranger}&year=2026&month=10", bearer(settings, hr))
    rows = await db.fetch("SELECT actor, action, subject FROM audit_log ORDER BY id")
    assert [dict(r) for r in rows] == [
        {"actor": manager.subject, "action": "read.profile", "subject": report},
        {"actor": hr.subject, "action": "read.payslip", "subject": stranger},
    ]


async def test_vacation_request_flow(api: Any, settings: Settings, db: Any) -> None:
    employee = await make_user(db, "e@example.co", ["employee"], "94713023", "Empleado")
    manager = await make_user(db, "jefe@example.co", ["employee", "manager"], "16145230", "Jefe")
    outsider = await make_user(db, "otro@example.co", ["employee", "manager"], "1130846901", "Otro")
    auth = bearer(settings, employee)
    # 7–11 December 2026: Tuesday 8 is a holiday (Inmaculada Concepción) → 4 working days
    response = await api.post("/api/v1/benefits/vacation/request", headers=auth,
                              json={"start_date": "2026-12-07", "end_date": "2026-12-11", "reason": "viaje"})
    assert response.status == 201, await response.text()
    created = await response.json()
    assert created["working_days"] == "4" and created["status"] == "pending"
    assert created["approver"]["document"] == "16145230"

    overlap = await api.post("/api/v1/benefits/vacation/request", headers=auth,
                             json={"start_date": "2026-12-10", "end_date": "2026-12-14"})
    assert overlap.status == 409
    too_many = await api.post("/api/v1/benefits/vacation/request", headers=auth,
                              json={"start_date": "2027-01-12", "end_date": "2027-03-10"})
    assert too_many.status in (409, 422)
    past = await api.post("/api/v1/benefits/vacation/request", headers=auth,
                          json={"start_date": "2026-11-02", "end_date": "2026-11-03"})
    assert past.status == 422 and (await past.json())["error"]["details"]["field"] == "start_date"

    before = await _get(api, "/api/v1/benefits/status", auth)
    path = f"/api/v1/benefits/vacation/requests/{created['id']}"
    assert (await api.post(f"{path}/approve", headers=bearer(settings, outsider))).status == 403
    assert (await api.post(f"{path}/approve", headers=auth)).status == 403
    approved = await api.post(f"{path}/approve", headers=bearer(settings, manager))
    assert approved.status == 200 and (await approved.json())["status"] == "approved"
    final = await api.post(f"{path}/reject", headers=bearer(settings, manager))
    assert final.status == 409
    after = await _get(api, "/api/v1/benefits/status", auth)
    assert Decimal(after["vacation"]["remaining_days"]) == Decimal(before["vacation"]["remaining_days"]) - 4
    team = await _get(api, "/api/v1/benefits/vacation/requests?scope=team", bearer(settings, manager))
    assert [item["id"] for item in team["items"]] == [created["id"]]
