"""Payroll runs: computed, persisted, explained, idempotent, immutable once closed."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from chatnomina.app import create_app
from chatnomina.chat import events
from chatnomina.engine import Period, compute_payslip
from chatnomina.jobs import JobQueue
from chatnomina.payroll import PeriodMapper
from chatnomina.services import payroll_runs
from chatnomina.settings import Settings
from chatnomina.stores import hr as hr_store
from chatnomina.stores import payroll as store
from tests.chat.helpers import bearer, make_user
from tests.hr_data.test_self_service import TRUTH, import_sample


@pytest.fixture
async def queue(settings: Settings) -> Any:
    jobs = JobQueue(settings)
    yield jobs
    jobs.close()


async def run_to_completion(db: Any, redis: Any, settings: Settings, queue: JobQueue, run_id: int) -> store.PayrollRun:
    """What the workers do, called directly: start, then every chunk."""
    await payroll_runs.start_run(db, queue, run_id)
    for chunk in await store.chunks_to_compute(db, run_id):
        await payroll_runs.compute_chunk(db, redis, settings, run_id, chunk)
    run = await store.get_run(db, run_id)
    assert run is not None
    return run


async def test_run_over_the_sample_equals_the_engine(db: Any, redis: Any, settings: Settings, queue: JobQueue) -> None:
    await import_sample(db)
    run = await payroll_runs.create_run(db, queue, period="2026-10", requested_by="test", chunk_size=4)
    finished = await run_to_completion(db, redis, settings, queue, run.id)
    assert finished.status == "completed" and finished.failed == 0
    assert finished.total == finished.done == 15
    rows = await db.fetch("SELECT documento, num_vinculacion, gross, net, summary FROM payslips WHERE run_id = $1", run.id)
    assert sorted(r["documento"] for r in rows) == sorted(TRUTH)
    mapper = PeriodMapper(Period(2026, 10), await payroll_runs.payroll_settings(db))
    people = await hr_store.load_people(db, [r["documento"] for r in rows])
    for row in rows:
        expected = compute_payslip(mapper.engine_input(people[row["documento"]], row["num_vinculacion"]))
        assert row["net"] == expected.net_pay and row["gross"] == expected.total_earned
        assert row["summary"]["neto_a_pagar"] == int(expected.net_pay)
    lines = await db.fetchval(
        "SELECT count(*) FROM payslip_lines l JOIN payslips p ON p.id = l.payslip_id WHERE p.run_id = $1", run.id)
    assert lines > 15 * 5
    # a retried chunk (redelivered message) writes nothing twice
    await db.execute("UPDATE payroll_runs SET status = 'running' WHERE id = $1", run.id)
    await db.execute("UPDATE payroll_run_employees SET status = 'pending' WHERE run_id = $1 AND chunk = 0", run.id)
    assert await payroll_runs.compute_chunk(db, redis, settings, run.id, 0) == 0
    assert await db.fetchval("SELECT count(*) FROM payslips WHERE run_id = $1", run.id) == 15


async def test_employee_errors_do_not_fail_the_others_and_can_be_retried(db: Any, redis: Any, settings: Settings, queue: JobQueue) -> None:
    await import_sample(db)
    broken = "1130846901"
    await db.execute(
        """INSERT INTO hr_novelties (num_vinculacion, documento, cod_concepto, fecha_inicio, estado, valor, tipo_novedad)
           VALUES (1158, $1, 'ZZZ', '2026-10-05', 'ACTIVA', 1000, 'DEVENGO')""", broken)
    run = await payroll_runs.create_run(db, queue, period="2026-10", requested_by="test", chunk_size=5)
    finished = await run_to_completion(db, redis, settings, queue, run.id)
    assert (finished.status, finished.done, finished.failed) == ("completed", 14, 1)
    errors = await store.errors_of(db, run.id)
    assert errors[0]["documento"] == broken and "ZZZ" in errors[0]["error"]
    with pytest.raises(Exception) as refused:
        await payroll_runs.close_run(db, run.id)
    assert "sin errores" in str(refused.value)
    await db.execute("DELETE FROM hr_novelties WHERE cod_concepto = 'ZZZ'")
    assert await payroll_runs.retry_failed(db, queue, run.id) == 1
    for chunk in await store.chunks_to_compute(db, run.id):
        await payroll_runs.compute_chunk(db, redis, settings, run.id, chunk)
    again = await store.get_run(db, run.id)
    assert again is not None and (again.status, again.done, again.failed) == ("completed", 15, 0)
    assert (await payroll_runs.close_run(db, run.id)).status == "closed"


async def test_closed_run_is_immutable_even_by_direct_sql_and_adjustments_work(
    db: Any, redis: Any, settings: Settings, queue: JobQueue
) -> None:
    await import_sample(db)
    run = await payroll_runs.create_run(db, queue, period="2026-10", requested_by="test")
    await run_to_completion(db, redis, settings, queue, run.id)
    await payroll_runs.close_run(db, run.id)
    statements = [
        f"UPDATE payslips SET net = 0 WHERE run_id = {run.id}",
        f"DELETE FROM payslips WHERE run_id = {run.id}",
        f"UPDATE payslip_lines SET amount = 0 WHERE payslip_id IN (SELECT id FROM payslips WHERE run_id = {run.id})",
        f"UPDATE payroll_runs SET status = 'completed' WHERE id = {run.id}",
        f"DELETE FROM payroll_runs WHERE id = {run.id}",
        f"UPDATE payroll_run_employees SET status = 'pending' WHERE run_id = {run.id}",
        f"""INSERT INTO payslips (run_id, documento, num_vinculacion, period, gross, deductions, net, ibc,
                                  employer_cost, summary) VALUES ({run.id}, 'x', 1, '2026-10', 0, 0, 0, 0, 0, '{{}}')""",
        "TRUNCATE payslip_lines, payslips, payroll_run_employees, payroll_runs CASCADE",
    ]
    for sql in statements:
        with pytest.raises(asyncpg.PostgresError) as refused:
            await db.execute(sql)
        assert "cerrada" in str(refused.value) or "cerradas" in str(refused.value), sql
    with pytest.raises(Exception):
        await payroll_runs.create_run(db, queue, period="2026-10", requested_by="test")  # one regular run

    # a correction: Bolaños' October salary was wrong; the adjustment run records the difference
    await db.execute("UPDATE hr_salary_periods SET sueldo = 2547000 WHERE documento = '1130846901' AND fecha_fin_sueldo IS NULL")
    adjustment = await payroll_runs.create_run(db, queue, period="2026-10", requested_by="test", adjusts_run_id=run.id)
    finished = await run_to_completion(db, redis, settings, queue, adjustment.id)
    assert finished.kind == "adjustment" and finished.status == "completed"
    differences = {r["documento"]: r["difference_net"] for r in await db.fetch(
        "SELECT documento, difference_net FROM payslips WHERE run_id = $1", adjustment.id)}
    assert differences["1130846901"] > 0
    assert all(value == 0 for doc, value in differences.items() if doc != "1130846901")
    original_net = await db.fetchval("SELECT net FROM payslips WHERE run_id = $1 AND documento = '1130846901'", run.id)
    assert original_net == TRUTH["1130846901"]["last_deposit"]["value"]


async def test_endpoints_events_and_self_service_switch(aiohttp_client: Any, db: Any, redis: Any, settings: Settings, queue: JobQueue) -> None:
    await import_sample(db)
    admin = await make_user(db, "nomina@example.co", ["payroll_admin"], None, "Nómina")
    employee = await make_user(db, "ana@example.co", ["employee"], "1130846901", "Ana")
    client = await aiohttp_client(create_app(settings.with_overrides(today=date(2026, 11, 27))))
    assert (await client.post("/api/v1/payroll/runs", json={"period": "2026-10"}, headers=bearer(settings, employee))).status == 403
    bad = await client.post("/api/v1/payroll/runs", json={"period": "2019-01"}, headers=bearer(settings, admin))
    assert bad.status == 422 and (await bad.json())["error"]["details"]["field"] == "period"
    response = await client.post("/api/v1/payroll/runs", json={"period": "2026-10"}, headers=bearer(settings, admin))
    assert response.status == 202, await response.text()
    run_id = (await response.json())["run_id"]
    duplicate = await client.post("/api/v1/payroll/runs", json={"period": "2026-10"}, headers=bearer(settings, admin))
    assert duplicate.status == 409

    pubsub = redis.pubsub()
    await pubsub.subscribe(events.user_channel(settings, employee.id))
    await run_to_completion(db, redis, settings, queue, run_id)
    notification = None
    for _ in range(50):
        message = await pubsub.get_message(timeout=0.2)
        if message and message["type"] == "message":
            notification = json.loads(message["data"])
            break
    await pubsub.aclose()
    assert notification is not None and notification["event"] == "payslip.generated"
    assert notification["data"]["period"] == "2026-10"

    status = await (await client.get(f"/api/v1/payroll/runs/{run_id}", headers=bearer(settings, admin))).json()
    assert status["status"] == "completed" and status["counts"]["done"] == 15
    page = await (await client.get(f"/api/v1/payroll/runs/{run_id}/payslips?limit=5&offset=5", headers=bearer(settings, admin))).json()
    assert page["total"] == 15 and len(page["items"]) == 5 and page["items"][0]["currency"] == "COP"

    payslip = await (await client.get("/api/v1/payroll/payslip?year=2026&month=10", headers=bearer(settings, employee))).json()
    assert payslip["source"] == "payroll_run" and payslip["run_id"] == run_id
    assert Decimal(payslip["net"]) == TRUTH["1130846901"]["last_deposit"]["value"]
    salud = next(line for line in payslip["deductions"] if line["code"] == "SALUD")
    assert "4 %" in salud["explanation"]["formula"]
    assert salud["explanation"]["parameters"] and salud["explanation"]["parameters"][0]["source"]
    history = await (await client.get("/api/v1/payroll/history?limit=3", headers=bearer(settings, employee))).json()
    assert history["items"][0]["source"] == "payroll_run" and history["items"][1]["source"] == "imported"
    closed = await client.post(f"/api/v1/payroll/runs/{run_id}/close", headers=bearer(settings, admin))
    assert closed.status == 200 and (await closed.json())["status"] == "closed"
    assert (await client.post(f"/api/v1/payroll/runs/{run_id}/close", headers=bearer(settings, admin))).status == 409


async def test_assistant_explains_a_computed_payslip(aiohttp_client: Any, db: Any, redis: Any, settings: Settings, queue: JobQueue) -> None:
    await import_sample(db)
    employee = await make_user(db, "ana@example.co", ["employee"], "1130846901", "Ana")
    run = await payroll_runs.create_run(db, queue, period="2026-10", requested_by="test")
    await run_to_completion(db, redis, settings, queue, run.id)
    client = await aiohttp_client(create_app(settings.with_overrides(today=date(2026, 11, 27))))
    response = await client.post("/api/v1/chat/message", headers=bearer(settings, employee),
                                 json={"message": "¿Por qué me descontaron tanto en octubre?"})
    body = await response.json()
    assert body["response"]["intent"] == "explicar_nomina"
    assert {"type": "payroll_run", "period": "202610M"} in body["response"]["sources"]
    text = body["response"]["text"]
    assert "$2.478.157" in text and "Aporte a salud" in text and "bajó de $2.447.000 a $0" not in text
