"""Shared pieces of the benchmarks: machine description, services, load generation.

Every benchmark is one command printing one JSON document. They target loopback only and
stop by themselves.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    """CPU, memory, Python and the date, to record next to every figure."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_gib, 1),
        "python": platform.python_version(),
        "date": datetime.now(timezone.utc).date().isoformat(),
    }


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (0–100) of ``values``."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(latencies: list[float]) -> dict[str, float]:
    """p50/p90/p99/mean of latencies given in seconds, in milliseconds."""
    return {
        "p50_ms": round(percentile(latencies, 50) * 1000, 3),
        "p90_ms": round(percentile(latencies, 90) * 1000, 3),
        "p99_ms": round(percentile(latencies, 99) * 1000, 3),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 3) if latencies else 0.0,
    }


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def service_env() -> dict[str, str]:
    """Environment for benchmark processes: configured or local services, bench namespace."""
    env = dict(os.environ)
    env.setdefault("DB_HOST", "127.0.0.1")
    env.setdefault("REDIS_HOST", "127.0.0.1")
    env.setdefault("ENVIRONMENT", "test")
    env.setdefault("LOG_LEVEL", "warning")
    env.setdefault("REDIS_NAMESPACE", "chatnomina-bench")
    env["PYTHONPATH"] = str(ROOT)
    return env


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen:
    """``chatnomina serve`` on ``port``; waits until /health answers."""
    import urllib.request

    proc = subprocess.Popen(
        [sys.executable, "-m", "chatnomina", "serve", "--port", str(port), "--host", "127.0.0.1"],
        env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the web process did not start")


async def closed_loop(
    request: Callable[[int], Awaitable[None]], *, concurrency: int, duration: float, warmup: float = 1.0
) -> dict[str, Any]:
    """Run ``request(worker_index)`` in ``concurrency`` loops for ``duration`` seconds."""
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + warmup + duration
    measure_from = time.monotonic() + warmup

    async def loop(index: int) -> None:
        nonlocal errors
        while True:
            started = time.monotonic()
            if started >= stop_at:
                return
            try:
                await request(index)
            except Exception:
                errors += 1
                continue
            if started >= measure_from:
                latencies.append(time.monotonic() - started)

    await asyncio.gather(*(loop(i) for i in range(concurrency)))
    return {
        "requests": len(latencies),
        "errors": errors,
        "requests_per_s": round(len(latencies) / duration, 1),
        **summary_ms(latencies),
    }
