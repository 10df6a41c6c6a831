"""A worker SIGKILLed in the middle of a run: the run still completes, once per employee."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from typing import Any

from chatnomina.hr.synthetic import generate_exports
from chatnomina.jobs import JobQueue
from chatnomina.services import payroll_runs
from chatnomina.services.hr_import import run_import
from chatnomina.settings import Settings
from chatnomina.stores import imports as import_store
from chatnomina.stores import payroll as store
from tests.support import ROOT, stop_process, subprocess_env

EMPLOYEES = 600


def _worker(service_env: dict[str, str]) -> subprocess.Popen:
    # a session of its own, so the whole process group (Dramatiq's children too) can be killed
    return subprocess.Popen(
        [sys.executable, "-m", "chatnomina", "worker", "--processes", "1", "--threads", "2"],
        env=subprocess_env(service_env), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )


async def test_sigkill_mid_run_loses_and_duplicates_nothing(db: Any, settings: Settings, service_env: dict[str, str]) -> None:
    files = await asyncio.to_thread(generate_exports, EMPLOYEES, 3, 7)
    job = await import_store.create_import(db, source="cli", requested_by="test", status="running")
    await run_import(db, job.id, files)
    queue = JobQueue(settings)
    workers = [_worker(service_env), _worker(service_env)]
    try:
        run = await payroll_runs.create_run(db, queue, period="2026-10", requested_by="test", chunk_size=20)
        deadline = time.monotonic() + 120
        while True:
            current = await store.get_run(db, run.id)
            assert current is not None
            if current.total and current.done + current.failed >= current.total // 4:
                break
            assert time.monotonic() < deadline, "the run never got going"
            await asyncio.sleep(0.05)
        victim = workers.pop(0)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        if victim.stdout:
            victim.stdout.close()
        half_way = await store.get_run(db, run.id)
        assert half_way is not None and half_way.status == "running"
        workers.append(_worker(service_env))  # the crashed worker comes back
        while True:
            current = await store.get_run(db, run.id)
            assert current is not None
            if current.status != "running":
                break
            assert time.monotonic() < deadline + 60, f"run stuck at {current.done + current.failed}/{current.total}"
            await asyncio.sleep(0.2)
    finally:
        queue.close()
        await asyncio.gather(*(asyncio.to_thread(stop_process, worker) for worker in workers))
    assert current.status == "completed"
    assert current.done + current.failed == current.total == await db.fetchval(
        "SELECT count(*) FROM payroll_run_employees WHERE run_id = $1", run.id)
    payslip_people = await db.fetchval("SELECT count(DISTINCT documento) FROM payslips WHERE run_id = $1", run.id)
    assert payslip_people == current.done
    pending = await db.fetchval(
        "SELECT count(*) FROM payroll_run_employees WHERE run_id = $1 AND status = 'pending'", run.id)
    assert pending == 0
    # every done employee has exactly its payslips, every failed one none and an error in Spanish
    mismatched = await db.fetchval(
        """SELECT count(*) FROM payroll_run_employees e
           WHERE e.run_id = $1 AND ((e.status = 'done') <> EXISTS (SELECT 1 FROM payslips p
                 WHERE p.run_id = e.run_id AND p.documento = e.documento))""", run.id)
    assert mismatched == 0
