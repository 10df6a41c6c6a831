"""HR export import, end to end, on this machine, as JSON.

    .venv/bin/python bench/import.py [--employees 100000] [--months 24] [--seed 0] [--no-reimport] [--repeat N]

1. Generates the nine export files with ``generate_exports`` (not timed) and caches them
   under ``bench/out/`` keyed by the parameters, so a second run skips this step.
2. Drops and recreates a scratch database (``chatnomina_bench_import``, or
   ``BENCH_DB_NAME``) and migrates it with ``upgrade_head``.
3. Runs the CLI's code path — read the files, ``create_import``, ``run_import`` — in a fresh
   child process, timing the whole and each phase (parse; the COPY/merge of each file),
   and recording wall time, CPU time (the process and its workers; the PostgreSQL backends
   of the scratch database, sampled from /proc) and peak RSS.
4. Runs it again on the same files: the no-change re-import (everything "sin cambios").
5. With ``--repeat N``, does all that N times and reports the best and median of each.

Target: ≤ 60 s end to end for 100,000 employees with 24 monthly deposits each. The
machine is shared: run it two or three times and compare CPU time as well as wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, machine, service_env  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_SECONDS = 60


def cache_dir(employees: int, months: int, seed: int) -> Path:
    """Where the generated files of these parameters live."""
    return OUT / f"hr_exports-e{employees}-m{months}-s{seed}"


def generate(directory: Path, employees: int, months: int, seed: int) -> float:
    """Write the export files into ``directory`` (once); returns the seconds it took (0 if cached)."""
    done = directory / ".complete"
    if done.exists():
        return 0.0
    started = time.perf_counter()
    # In a child process, so the generator's memory never counts in the measured runs.
    subprocess.run([sys.executable, __file__, "--generate-into", str(directory), "--employees", str(employees),
                    "--months", str(months), "--seed", str(seed)], check=True, cwd=ROOT)
    return time.perf_counter() - started


def _generate_into(directory: Path, employees: int, months: int, seed: int) -> None:
    from chatnomina.hr.synthetic import generate_exports

    directory.mkdir(parents=True, exist_ok=True)
    for name, data in generate_exports(employees, months, seed).items():
        (directory / name).write_bytes(data)
    (directory / ".complete").write_text(json.dumps({"employees": employees, "months": months, "seed": seed}))


async def recreate_database(settings: Any) -> None:
    """Drop and create the scratch database."""
    import asyncpg

    from chatnomina.db import connect_kwargs

    conn = await asyncpg.connect(**connect_kwargs(settings, "postgres"))  # type: ignore[arg-type]
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{settings.db_name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{settings.db_name}"')
    finally:
        await conn.close()


# -- the measured run (a child process) ---------------------------------------------------------


class BackendCpu:
    """CPU seconds of the PostgreSQL backends serving ``database``, sampled from /proc.

    Backends exit with their connection, so their counters are sampled every 0.2 s and the
    last sample of each kept (the final 0.2 s of a backend may be missed).
    """

    def __init__(self, database: str):
        self.database = database
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> BackendCpu:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(0.2)
        self.sample()

    def sample(self) -> None:
        marker = f" {self.database} ".encode()
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                cmdline = Path(entry.path, "cmdline").read_bytes()
                if not cmdline.startswith(b"postgres:") or marker not in cmdline.replace(b"\0", b" ") + b" ":
                    continue
                stat = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[int(entry.name)] = (int(stat[11]) + int(stat[12])) / self.tick

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def _cpu_seconds() -> tuple[float, float]:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def _run_once(directory: Path) -> dict[str, Any]:
    """One import exactly as ``chatnomina import hr-exports DIR`` runs it; returns the figures."""
    import asyncpg

    from chatnomina.commands.imports import read_export_files
    from chatnomina.db import connect_kwargs, create_pool
    from chatnomina.logs import configure_logging
    from chatnomina.services.hr_import import run_import
    from chatnomina.settings import Settings
    from chatnomina.stores import imports as import_store

    settings = Settings.from_env(service_env() | {"DB_NAME": os.environ["BENCH_DB_NAME"]})
    configure_logging("warning", environment=settings.environment)
    wal: dict[str, Any] = {}

    async def server_counters() -> tuple[int, int]:
        """WAL position and requested checkpoints (server-wide: other databases count too)."""
        conn = await asyncpg.connect(**connect_kwargs(settings))  # type: ignore[arg-type]
        try:
            row = await conn.fetchrow("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS lsn, checkpoints_req "
                                      "FROM pg_stat_bgwriter")
            return int(row["lsn"]), int(row["checkpoints_req"])
        finally:
            await conn.close()

    async def run() -> Any:
        wal["before"] = await server_counters()
        pool = await create_pool(settings, min_size=0, max_size=2)
        try:
            job = await import_store.create_import(pool, source="cli", requested_by="bench", status="running")
            return await run_import(pool, job.id, files)
        finally:
            await pool.close()
            wal["after"] = await server_counters()

    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    with BackendCpu(settings.db_name) as backends:
        files = read_export_files(directory)
        read_done = time.perf_counter()
        report = asyncio.run(run())
        finished = time.perf_counter()
    cpu_after = _cpu_seconds()
    totals = report.totals()
    timings = report.timings
    return {
        "status": report.status,
        "seconds_total": round(finished - started, 2),
        "seconds_read_files": round(read_done - started, 2),
        "workers": timings["workers"],
        "seconds_import": timings["seconds"],
        "phases_seconds": {name: timings["files"][name] for name in files},
        "rows": totals["rows"],
        "rows_per_s": round(totals["rows"] / (finished - started)),
        "inserted": totals["inserted"],
        "updated": totals["updated"],
        "unchanged": totals["unchanged"],
        "rejected": totals["rejected"],
        "files": {entry["file"]: {k: entry.get(k) for k in ("rows", "inserted", "updated", "unchanged", "rejected")}
                  for entry in report.files},
        "cpu_seconds": {
            "import_process": round(cpu_after[0] - cpu_before[0], 2),
            "worker_processes": round(cpu_after[1] - cpu_before[1], 2),
            "postgres_backends": round(backends.seconds, 2),
        },
        "peak_rss_mb": {
            "import_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "largest_worker_process": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        },
        "input_megabytes": round(sum(len(d) for d in files.values()) / 1e6, 1),
        "postgres_wal_megabytes": round((wal["after"][0] - wal["before"][0]) / 1e6),
        "postgres_checkpoints_requested": wal["after"][1] - wal["before"][1],
    }


def measured_run(directory: Path, database: str) -> dict[str, Any]:
    """Run :func:`_run_once` in a fresh child process (clean peak RSS and CPU counters)."""
    env = service_env() | {"BENCH_DB_NAME": database}
    result = subprocess.run([sys.executable, __file__, "--run-once", str(directory)], env=env, cwd=ROOT,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"the measured run failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout)


def main() -> None:
    """Generate (cached), recreate the scratch database, import, re-import; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-reimport", action="store_true", help="skip the no-change re-import")
    parser.add_argument("--repeat", type=int, default=1, help="import this many times (fresh database each)")
    parser.add_argument("--generate-into", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--run-once", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_into:
        _generate_into(args.generate_into, args.employees, args.months, args.seed)
        return
    if args.run_once:
        print(json.dumps(_run_once(args.run_once)))
        return

    from chatnomina.migrate import upgrade_head
    from chatnomina.settings import Settings

    directory = cache_dir(args.employees, args.months, args.seed)
    generated = generate(directory, args.employees, args.months, args.seed)
    database = os.environ.get("BENCH_DB_NAME", "chatnomina_bench_import")
    settings = Settings.from_env(service_env() | {"DB_NAME": database})
    load_before = os.getloadavg()
    firsts, seconds = [], []
    for _ in range(max(1, args.repeat)):
        asyncio.run(recreate_database(settings))
        upgrade_head(settings)
        firsts.append(measured_run(directory, database))
        if not args.no_reimport:
            seconds.append(measured_run(directory, database))
    print(json.dumps({
        "benchmark": "hr_import",
        "machine": machine() | {"loadavg_before": load_before, "loadavg_after": os.getloadavg()},
        "employees": args.employees,
        "months": args.months,
        "seed": args.seed,
        "generation_seconds": round(generated, 1) if generated else "cached",
        "target_seconds": TARGET_SECONDS,
        "rows_per_file": {name: f["rows"] for name, f in firsts[0]["files"].items()},
        "first_import": _summary(firsts),
        "no_change_reimport": _summary(seconds) if seconds else None,
        "runs": {"first_import": firsts, "no_change_reimport": seconds},
    }, indent=2))


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Best and median wall and CPU seconds over the runs (the machine is shared: look at both)."""
    walls = sorted(run["seconds_total"] for run in runs)
    cpus = sorted(sum(run["cpu_seconds"].values()) for run in runs)
    return {
        "runs": len(runs),
        "seconds_best": walls[0],
        "seconds_median": walls[len(walls) // 2],
        "cpu_seconds_all_processes_best": round(cpus[0], 1),
        "cpu_seconds_all_processes_median": round(cpus[len(cpus) // 2], 1),
        "rows_per_s_best": max(run["rows_per_s"] for run in runs),
        "peak_rss_mb_max": {key: max(run["peak_rss_mb"][key] for run in runs)
                            for key in runs[0]["peak_rss_mb"]},
        "status": sorted({run["status"] for run in runs}),
        "counts": {key: runs[0][key] for key in ("rows", "inserted", "updated", "unchanged", "rejected")},
    }


if __name__ == "__main__":
    main()
