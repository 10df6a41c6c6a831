"""Fixtures of the export tests: a computed payroll run over the sample HR exports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from yarl import URL

from chatnomina.jobs import JobQueue
from chatnomina.services import payroll_runs
from chatnomina.settings import Settings
from tests.hr_data.test_self_service import import_sample
from tests.payroll_runs.test_runs import run_to_completion
from workers.resources import Resources

CATEGORY_NAMES = {"devengo": "Devengo", "deduccion": "Deducción", "aporte_empleador": "Aporte empleador",
                  "provision": "Provisión"}


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[JobQueue]:
    jobs = JobQueue(settings)
    yield jobs
    jobs.close()


@pytest.fixture
async def computed_run(db: Any, redis: Any, settings: Settings, queue: JobQueue) -> int:
    """The id of a completed run of 2026-10 over the sample HR exports (computed in-process)."""
    await import_sample(db)
    run = await payroll_runs.create_run(db, queue, period="2026-10", requested_by="test", chunk_size=5)
    finished = await run_to_completion(db, redis, settings, queue, run.id)
    assert finished.status == "completed" and finished.failed == 0
    return run.id


@pytest.fixture
async def res(settings: Settings, db: Any) -> AsyncIterator[Resources]:
    """What a worker holds, to call the ``*_job`` functions directly."""
    resources = await Resources.open(settings, pool_size=3)
    yield resources
    await resources.close()


async def expected_rows(db: Any, run_id: int) -> list[tuple[Any, ...]]:
    """What the export must contain, straight from the payslips in PostgreSQL."""
    rows: list[tuple[Any, ...]] = []
    payslips = await db.fetch(
        """SELECT id, documento, num_vinculacion, period, net FROM payslips WHERE run_id = $1
           ORDER BY documento, num_vinculacion""", run_id)
    assert payslips
    for payslip in payslips:
        head = (payslip["documento"], payslip["period"], run_id, payslip["num_vinculacion"])
        lines = await db.fetch(
            """SELECT code, label, category, amount FROM payslip_lines
               WHERE payslip_id = $1 AND category <> 'base' ORDER BY line_no""", payslip["id"])
        for line in lines:
            rows.append((*head, line["code"], line["label"], CATEGORY_NAMES[line["category"]], line["amount"]))
        rows.append((*head, "NETO", "Neto a pagar", "Neto", payslip["net"]))
    return rows


async def download(url: str) -> tuple[bytes, dict[str, str]]:
    """GET a presigned URL with a plain HTTP client (no S3 credentials)."""
    async with aiohttp.ClientSession() as session:
        async with session.get(URL(url, encoded=True)) as response:
            assert response.status == 200, await response.text()
            return await response.read(), dict(response.headers)


def pesos_decimal(text: str) -> Decimal:
    """``"2447000,00"`` → Decimal."""
    return Decimal(text.replace(",", "."))
