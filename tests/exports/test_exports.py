"""Exports of a payroll run: CSV and XLSX in S3, equal to the payslips in PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from chatnomina.app import create_app
from chatnomina.auth.tokens import issue_access_token
from chatnomina.jobs import JobQueue
from chatnomina.services import exports, payroll_runs
from chatnomina.settings import Settings
from chatnomina.stores import exports as store
from chatnomina.stores.exports import ExportRow
from tests.chat.helpers import bearer, make_user
from tests.exports.conftest import download, expected_rows, pesos_decimal
from tests.hr_data.test_self_service import TRUTH
from tests.support import start_process, stop_process, subprocess_env
from workers.exports import export_payroll_run_job
from workers.resources import Resources

HEADER = ["Documento", "Nombre", "Periodo", "Nómina", "Vinculación", "Código concepto", "Concepto", "Categoría",
          "Valor"]


async def _wait_finished(client: Any, headers: dict[str, str], export_id: int, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = await client.get(f"/api/v1/exports/{export_id}", headers=headers)
        assert response.status == 200, await response.text()
        status = await response.json()
        if status["status"] in ("completed", "failed") or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.3)


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


async def test_csv_export_on_a_worker_equals_the_payslips(
    aiohttp_client: Any, settings: Settings, service_env: dict[str, str], db: Any, computed_run: int
) -> None:
    admin = await make_user(db, "nomina@example.co", ["payroll_admin"], None, "Nómina")
    client = await aiohttp_client(create_app(settings))
    worker = start_process(["-m", "chatnomina", "worker", "--processes", "1", "--threads", "2"],
                           subprocess_env(service_env))
    try:
        response = await client.post("/api/v1/exports", json={"run_id": computed_run, "format": "csv"},
                                     headers=bearer(settings, admin))
        assert response.status == 202, await response.text()
        created = await response.json()
        assert created["status"] == "queued"
        status = await _wait_finished(client, bearer(settings, admin), created["export_id"])
    finally:
        output = await asyncio.to_thread(stop_process, worker)
    assert status["status"] == "completed", (status, output[-3000:])

    content, headers = await download(status["download_url"])
    assert "X-Amz-Expires=900" in status["download_url"]
    expires_at = datetime.fromisoformat(status["expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=14) < expires_at - datetime.now(timezone.utc) <= timedelta(minutes=15)
    assert f"nomina-2026-10-n{computed_run}.csv" in headers.get("Content-Disposition", "")
    assert status["size_bytes"] == len(content)

    rows = _csv_rows(content)
    assert rows[0] == HEADER
    expected = await expected_rows(db, computed_run)
    assert status["rows"] == len(rows) - 1 == len(expected)
    for row, (document, period, run_id, contract, code, label, category, amount) in zip(rows[1:], expected):
        assert row[0] == document and row[1] == TRUTH[document]["nombre_completo"]
        assert row[2:9] == [period, str(run_id), str(contract), code, label, category, row[8]]
        assert "." not in row[8] and pesos_decimal(row[8]) == amount  # decimal comma with the ; separator
    nets = {row[0]: pesos_decimal(row[8]) for row in rows[1:] if row[5] == "NETO"}
    assert nets["1130846901"] == TRUTH["1130846901"]["last_deposit"]["value"]


async def test_xlsx_export_equals_the_payslips(
    aiohttp_client: Any, settings: Settings, db: Any, computed_run: int, res: Resources, tmp_path: Path
) -> None:
    admin = await make_user(db, "nomina@example.co", ["payroll_admin"], None, "Nómina")
    client = await aiohttp_client(create_app(settings))
    response = await client.post("/api/v1/exports", json={"run_id": computed_run, "format": "xlsx"},
                                 headers=bearer(settings, admin))
    assert response.status == 202, await response.text()
    export_id = (await response.json())["export_id"]
    await export_payroll_run_job(res, export_id)  # what the worker does
    status = await (await client.get(f"/api/v1/exports/{export_id}", headers=bearer(settings, admin))).json()
    assert status["status"] == "completed"
    content, _ = await download(status["download_url"])
    assert status["size_bytes"] == len(content)

    path = tmp_path / "nomina.xlsx"
    path.write_bytes(content)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Nómina"]
    sheet = workbook["Nómina"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:I{len(values)}"
    expected = await expected_rows(db, computed_run)
    assert status["rows"] == len(values) - 1 == len(expected)
    for row, (document, period, run_id, contract, code, label, category, amount) in zip(values[1:], expected):
        assert row == (document, TRUTH[document]["nombre_completo"], period, run_id, contract, code, label, category,
                       row[8])
        assert isinstance(row[8], (int, float)) and Decimal(str(row[8])) == amount  # a number, not text
    assert sheet.cell(row=2, column=9).number_format == "#,##0.00"
    workbook.close()


async def test_a_redelivered_completed_export_does_nothing(db: Any, computed_run: int, res: Resources) -> None:
    export = await store.create_export(db, run_id=computed_run, fmt="csv", requested_by="test")
    done = await export_payroll_run_job(res, export.id)
    assert done is not None and done.status == "completed" and done.storage_key == f"exports/{computed_run}/{export.id}.csv"
    await res.s3.delete_keys([done.storage_key])
    assert await export_payroll_run_job(res, export.id) is None  # the redelivered message
    assert not await res.s3.exists(done.storage_key)
    again = await store.get_export(db, export.id)
    assert again == done


async def test_failures_are_retried_then_marked_failed(db: Any, computed_run: int, res: Resources) -> None:
    class BrokenS3:
        async def ensure_bucket(self) -> None:
            return None

        async def upload_stream(self, key: str, chunks: Any, **kwargs: Any) -> tuple[int, str]:
            async for _ in chunks:
                raise ConnectionError("S3 no responde")
            raise AssertionError("unreachable")

    export = await store.create_export(db, run_id=computed_run, fmt="csv", requested_by="test")
    for final, status in ((False, "queued"), (True, "failed")):
        try:
            await exports.run_export(db, BrokenS3(), export.id, final_attempt=final)  # type: ignore[arg-type]
        except ConnectionError:
            pass
        else:
            raise AssertionError("the failure must reach the job system, which retries")
        failed = await store.get_export(db, export.id)
        assert failed is not None and failed.status == status and "ConnectionError" in (failed.error or "")
    recovered = await export_payroll_run_job(res, export.id)  # a manual retry after the outage
    assert recovered is not None and recovered.status == "completed" and recovered.error is None


async def test_a_run_reopened_before_the_worker_starts_fails_the_export(
    db: Any, computed_run: int, res: Resources
) -> None:
    export = await store.create_export(db, run_id=computed_run, fmt="xlsx", requested_by="test")
    await res.s3.delete_keys([exports.storage_key(export)])  # ids restart in every test; the bucket does not
    await db.execute("UPDATE payroll_runs SET status = 'running' WHERE id = $1", computed_run)
    refused = await export_payroll_run_job(res, export.id)
    assert refused is not None and refused.status == "failed"
    assert refused.error is not None and "solo se exporta una nómina completada o cerrada" in refused.error
    assert not await res.s3.exists(exports.storage_key(export))


async def test_who_may_export_and_what(
    aiohttp_client: Any, db: Any, redis: Any, settings: Settings, queue: JobQueue, computed_run: int
) -> None:
    admin = await make_user(db, "nomina@example.co", ["payroll_admin"], None, "Nómina")
    employee = await make_user(db, "ana@example.co", ["employee"], "1130846901", "Ana")
    erp = {"Authorization": "Bearer " + issue_access_token(settings, subject="client:erp", scopes=["exports"]).token}
    reader = {"Authorization": "Bearer " + issue_access_token(settings, subject="client:bi",
                                                              scopes=["payroll:read"]).token}
    client = await aiohttp_client(create_app(settings))
    body = {"run_id": computed_run, "format": "csv"}
    denied = await client.post("/api/v1/exports", json=body, headers=bearer(settings, employee))
    assert denied.status == 403 and (await denied.json())["error"]["code"] == "UNAUTHORIZED"
    assert (await client.post("/api/v1/exports", json=body, headers=reader)).status == 403
    allowed = await client.post("/api/v1/exports", json=body, headers=erp)
    assert allowed.status == 202, await allowed.text()
    export_id = (await allowed.json())["export_id"]
    assert (await client.get(f"/api/v1/exports/{export_id}", headers=bearer(settings, employee))).status == 403
    queued = await (await client.get(f"/api/v1/exports/{export_id}", headers=erp)).json()
    assert queued["status"] == "queued" and "download_url" not in queued

    bad = await client.post("/api/v1/exports", json={"run_id": computed_run, "format": "pdf"},
                            headers=bearer(settings, admin))
    assert bad.status == 422 and (await bad.json())["error"]["details"]["field"] == "format"
    missing = await client.post("/api/v1/exports", json={"run_id": 999, "format": "csv"}, headers=bearer(settings, admin))
    assert missing.status == 404
    assert (await client.get("/api/v1/exports/999", headers=bearer(settings, admin))).status == 404

    running = await payroll_runs.create_run(db, queue, period="2026-09", requested_by="test")
    await payroll_runs.start_run(db, queue, running.id)  # enrolled, no chunk computed yet
    conflict = await client.post("/api/v1/exports", json={"run_id": running.id, "format": "xlsx"},
                                 headers=bearer(settings, admin))
    assert conflict.status == 409, await conflict.text()
    error = (await conflict.json())["error"]
    assert error["code"] == "CONFLICT" and error["details"]["status"] == "running"
    assert await db.fetchval("SELECT count(*) FROM exports WHERE run_id = $1", running.id) == 0


async def test_a_large_run_streams_through_a_multipart_upload(db: Any, res: Resources) -> None:
    run_id = await db.fetchval(
        "INSERT INTO payroll_runs (period, status, total, done) VALUES ('2026-10', 'completed', 6000, 6000) RETURNING id")
    await db.execute(
        """INSERT INTO payslips (run_id, documento, num_vinculacion, period, gross, deductions, net, ibc,
                                 employer_cost, summary)
           SELECT $1, lpad(g::text, 10, '0'), g, '2026-10', 3000000, 500000, 2500000 + g, 2800000, 400000, '{}'
           FROM generate_series(1, 6000) g""", run_id)
    await db.execute(
        """INSERT INTO payslip_lines (payslip_id, line_no, code, label, category, amount, trace)
           SELECT p.id, n, 'CONCEPTO_' || n, 'Concepto de prueba con un nombre bastante largo n.º ' || n,
                  (ARRAY['devengo', 'deduccion', 'aporte_empleador', 'provision', 'base'])[1 + n % 5], n * 1000.5, '{}'
           FROM payslips p, generate_series(1, 20) n WHERE p.run_id = $1""", run_id)
    export = await store.create_export(db, run_id=run_id, fmt="csv", requested_by="test")
    done = await export_payroll_run_job(res, export.id)
    assert done is not None and done.status == "completed"
    assert done.rows == 6000 * 16 + 6000  # 16 money lines (4 of 20 are bases) and a NETO row per payslip
    head = await res.s3.client.head_object(Bucket=res.s3.bucket, Key=done.storage_key)
    assert head["ContentLength"] == done.size_bytes > 8 * 1024 * 1024
    assert head["ETag"].strip('"').endswith("-2")  # two multipart parts: never one body in memory
    lines = 0
    last = b""
    async for chunk in res.s3.download_stream(done.storage_key):
        lines += chunk.count(b"\n")
        last = (last + chunk)[-200:]
    assert lines == done.rows + 1
    assert last.endswith(b"0000006000;;2026-10;%d;6000;NETO;Neto a pagar;Neto;2506000,00\r\n" % run_id)


def _row(document: str, code: str, amount: str = "1.00") -> ExportRow:
    return ExportRow(document, "NOMBRE", "2026-10", 1, int(document), code, code.title(), "devengo", Decimal(amount))


async def _aiter(rows: list[ExportRow]) -> Any:
    for row in rows:
        yield row


async def test_xlsx_continues_on_new_sheets_without_splitting_a_payslip(tmp_path: Path) -> None:
    rows = [_row(str(person), f"C{line}") for person in range(1, 13) for line in range(person % 4 + 3)]
    path = tmp_path / "big.xlsx"
    written = await exports.write_xlsx(_aiter(rows), path, max_rows=20, keep_together=8)
    assert written == len(rows)
    workbook = load_workbook(path)
    assert workbook.sheetnames[:3] == ["Nómina", "Nómina (2)", "Nómina (3)"]
    seen: dict[str, str] = {}
    total = 0
    for sheet in workbook.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        assert list(values[0]) == HEADER and 1 < len(values) <= 20
        assert sheet.auto_filter.ref == f"A1:I{len(values)}"
        for row in values[1:]:
            assert seen.setdefault(row[0], sheet.title) == sheet.title, f"payslip {row[0]} split between sheets"
        total += len(values) - 1
    assert total == len(rows)
    workbook.close()


async def test_csv_is_encoded_in_bounded_chunks_and_defuses_formulas() -> None:
    rows = [_row("1", "X", "-1234.5")._replace(nombre="=HYPERLINK(\"http://x\")")] + [
        _row(str(n), "SALARIO", "2447000") for n in range(2, 5000)]
    encoder = exports.CsvEncoder(chunk_size=16 * 1024)
    chunks = [chunk async for chunk in encoder.chunks(_aiter(rows))]
    assert len(chunks) > 10 and max(len(chunk) for chunk in chunks) < 17 * 1024
    assert encoder.rows == len(rows)
    parsed = _csv_rows(b"".join(chunks))
    assert parsed[1][1] == "'=HYPERLINK(\"http://x\")" and parsed[1][8] == "-1234,50"
    assert parsed[2][8] == "2447000,00"
