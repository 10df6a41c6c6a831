"""A whole payroll on two worker processes.

    python bench/payroll_run.py [--employees 100000] [--chunk-size 500] [--processes 2]

Generates N employees with realistic novelties and absences (``chatnomina.hr.synthetic``,
cached under ``bench/out/``), imports them into a scratch database (not timed), starts
``chatnomina worker`` with two processes, runs the payroll of October 2026 through the real
path (``create_run`` → start job → chunk jobs) and prints JSON: employees, seconds,
payslips per second, failures, the workers' peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, machine, rss_mb, service_env  # noqa: E402
from chatnomina.db import connect_kwargs  # noqa: E402
from chatnomina.settings import Settings  # noqa: E402

OUT = ROOT / "bench" / "out"


def exports(employees: int, months: int) -> dict[str, bytes]:
    """Synthetic exports, generated once per size and cached."""
    OUT.mkdir(parents=True, exist_ok=True)
    cache = OUT / f"exports-{employees}-{months}.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from chatnomina.hr.synthetic import generate_exports

    files = generate_exports(employees, months, seed=11)
    cache.write_bytes(pickle.dumps(files))
    return files


async def prepare(settings: Settings, files: dict[str, bytes]) -> float:
    conn = await asyncpg.connect(**connect_kwargs(settings, "postgres"))
    await conn.execute(f'DROP DATABASE IF EXISTS "{settings.db_name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{settings.db_name}"')
    await conn.close()
    from chatnomina.db import create_pool
    from chatnomina.migrate import upgrade_head
    from chatnomina.services.hr_import import run_import
    from chatnomina.stores import imports as import_store

    await asyncio.to_thread(upgrade_head, settings)
    pool = await create_pool(settings, min_size=0, max_size=4)
    started = time.monotonic()
    try:
        job = await import_store.create_import(pool, source="cli", requested_by="bench", status="running")
        await run_import(pool, job.id, files)
    finally:
        await pool.close()
    return time.monotonic() - started


class PeakRss(threading.Thread):
    """Samples the RSS of a process tree until stopped."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak_total = 0.0
        self.peak_process = 0.0
        self.running = True

    def _tree(self) -> list[int]:
        pids, frontier = [self.root_pid], [self.root_pid]
        while frontier:
            parent = frontier.pop()
            try:
                children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                pids.append(child)
                frontier.append(child)
        return pids

    def run(self) -> None:
        while self.running:
            sizes = []
            for pid in self._tree():
                try:
                    sizes.append(rss_mb(pid))
                except OSError:
                    pass
            if sizes:
                self.peak_total = max(self.peak_total, sum(sizes))
                self.peak_process = max(self.peak_process, max(sizes))
            time.sleep(0.2)


async def run_payroll(settings: Settings, chunk_size: int) -> dict:
    from chatnomina.db import create_pool
    from chatnomina.jobs import JobQueue
    from chatnomina.services import payroll_runs
    from chatnomina.stores import payroll as store

    pool = await create_pool(settings, min_size=0, max_size=2)
    queue = JobQueue(settings)
    try:
        started = time.monotonic()
        run = await payroll_runs.create_run(pool, queue, period="2026-10", requested_by="bench", chunk_size=chunk_size)
        while True:
            current = await store.get_run(pool, run.id)
            assert current is not None
            if current.status in ("completed", "failed"):
                break
            await asyncio.sleep(0.2)
        seconds = time.monotonic() - started
        lines = await pool.fetchval(
            "SELECT count(*) FROM payslip_lines l JOIN payslips p ON p.id = l.payslip_id WHERE p.run_id = $1", run.id)
        payslips = await pool.fetchval("SELECT count(*) FROM payslips WHERE run_id = $1", run.id)
        return {"run_id": run.id, "status": current.status, "seconds": round(seconds, 2), "total": current.total,
                "done": current.done, "failed": current.failed, "payslips": payslips, "payslip_lines": lines}
    finally:
        queue.close()
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    env = service_env()
    env["DB_NAME"] = "chatnomina_bench_payroll"
    env["REDIS_NAMESPACE"] = "chatnomina-bench-payroll"
    env["METRICS_PORT"] = "0"
    settings = Settings.from_env(env)

    generation_started = time.monotonic()
    files = exports(args.employees, args.months)
    generation = time.monotonic() - generation_started
    import_seconds = asyncio.run(prepare(settings, files))
    del files

    worker = subprocess.Popen(
        [sys.executable, "-m", "chatnomina", "worker", "--processes", str(args.processes),
         "--threads", str(args.threads)],
        env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    sampler = PeakRss(worker.pid)
    sampler.start()
    try:
        time.sleep(3)  # workers boot (the timed part starts at run creation)
        result = asyncio.run(run_payroll(settings, args.chunk_size))
    finally:
        sampler.running = False
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
    print(json.dumps({
        "benchmark": "payroll_run",
        "machine": machine(),
        "employees": args.employees,
        "worker_processes": args.processes,
        "threads_per_process": args.threads,
        "chunk_size": args.chunk_size,
        "seconds": result["seconds"],
        "payslips_per_s": round(result["payslips"] / result["seconds"], 1) if result["seconds"] else None,
        "peak_rss_mb": {"worker_tree_total": round(sampler.peak_total, 1),
                        "largest_process": round(sampler.peak_process, 1)},
        "run": result,
        "setup": {"generate_seconds": round(generation, 1), "import_seconds": round(import_seconds, 1)},
    }, indent=2))


if __name__ == "__main__":
    main()
