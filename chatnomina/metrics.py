"""Prometheus metrics of the web, worker and scheduler processes.

The alert rules (`deploy/monitoring/alerts.yml`) and the Grafana dashboard
(`deploy/monitoring/grafana-dashboard.json`) use exactly these names; a test checks that the
exposition contains every one of them. Metric objects live in one registry per process; the
Dramatiq worker forks several processes, which is why job metrics use prometheus_client's
multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.process_collector import ProcessCollector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REGISTRY = CollectorRegistry(auto_describe=True)

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0)

HTTP_REQUESTS = Counter(
    "chatnomina_http_requests_total",
    "HTTP requests by method, route template and status.",
    ("method", "route", "status"),
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "chatnomina_http_request_duration_seconds",
    "HTTP request latency by method and route template.",
    ("method", "route"),
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
WEBSOCKETS_OPEN = Gauge(
    "chatnomina_websockets_open", "Websockets currently open on this process.", registry=REGISTRY
)
CHAT_PUBLISHED = Counter(
    "chatnomina_chat_messages_published_total",
    "Chat events published on Redis by this process.",
    registry=REGISTRY,
)
CHAT_DELIVERED = Counter(
    "chatnomina_chat_messages_delivered_total",
    "Chat events written to local websockets.",
    registry=REGISTRY,
)
CHAT_DELIVERY_LATENCY = Histogram(
    "chatnomina_chat_delivery_latency_seconds",
    "Time from publish on any replica to delivery on a local socket.",
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
CHAT_SLOW_CONSUMERS = Counter(
    "chatnomina_chat_slow_consumers_closed_total",
    "Websockets closed because their outbound queue was full.",
    registry=REGISTRY,
)
REDIS_LATENCY = Histogram(
    "chatnomina_redis_latency_seconds",
    "Latency of Redis round trips measured by readiness checks.",
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
DEPENDENCY_UP = Gauge(
    "chatnomina_dependency_up",
    "1 when the dependency answered the last readiness check, else 0.",
    ("dependency",),
    registry=REGISTRY,
)
JOBS = Counter(
    "chatnomina_jobs_total",
    "Background jobs by actor and outcome (success, failure, retry).",
    ("actor", "outcome"),
    registry=REGISTRY,
)
JOB_DURATION = Histogram(
    "chatnomina_job_duration_seconds",
    "Background job duration by actor.",
    ("actor",),
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
    registry=REGISTRY,
)
PAYSLIPS_COMPUTED = Counter(
    "chatnomina_payroll_payslips_computed_total",
    "Payslips written by payroll runs.",
    registry=REGISTRY,
)
PAYROLL_EMPLOYEE_ERRORS = Counter(
    "chatnomina_payroll_employee_errors_total",
    "Employees a payroll run could not compute.",
    registry=REGISTRY,
)
PAYROLL_RUN_PROGRESS = Gauge(
    "chatnomina_payroll_run_progress_ratio",
    "Done / total employees of the most recently observed active payroll run.",
    registry=REGISTRY,
)


BUILD_INFO = Gauge(
    "chatnomina_build_info", "Always 1; the labels say which version runs.", ("version",), registry=REGISTRY
)
QUEUE_DEPTH_NAME = "chatnomina_queue_messages"


class PoolCollector:
    """Reports asyncpg pool usage at scrape time (no bookkeeping on the hot path)."""

    def __init__(self) -> None:
        self.pool: object | None = None

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "chatnomina_db_pool_connections",
            "asyncpg pool connections by state.",
            labels=("state",),
        )
        pool = self.pool
        if pool is not None:
            size = pool.get_size()  # type: ignore[attr-defined]
            idle = pool.get_idle_size()  # type: ignore[attr-defined]
            family.add_metric(("in_use",), size - idle)
            family.add_metric(("idle",), idle)
            family.add_metric(("max",), pool.get_max_size())  # type: ignore[attr-defined]
        else:
            for state in ("in_use", "idle", "max"):
                family.add_metric((state,), 0)
        yield family


class ResourceCollector:
    """CPU, memory and disk usage as ratios of the container's limits, read at scrape time."""

    def __init__(self, disk_path: str = "/") -> None:
        self.disk_path = disk_path
        self._last_cpu: tuple[float, float] | None = None

    def collect(self) -> Iterable[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "chatnomina_cpu_usage_ratio",
            "Process CPU use over the last scrape interval / available cores.",
            value=self._cpu_ratio(),
        )
        yield GaugeMetricFamily(
            "chatnomina_memory_usage_ratio",
            "Resident memory / memory limit (cgroup limit, else physical memory).",
            value=_memory_ratio(),
        )
        usage = shutil.disk_usage(self.disk_path)
        yield GaugeMetricFamily(
            "chatnomina_disk_usage_ratio",
            "Used / total space of the filesystem holding the working directory.",
            value=usage.used / usage.total if usage.total else 0.0,
        )

    def _cpu_ratio(self) -> float:
        import time

        times = os.times()
        now = (time.monotonic(), times.user + times.system)
        last, self._last_cpu = self._last_cpu, now
        if last is None or now[0] <= last[0]:
            return 0.0
        return (now[1] - last[1]) / (now[0] - last[0]) / _cpu_limit()


def _cpu_limit() -> float:
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            return max(float(quota) / float(period), 0.01)
    except (OSError, ValueError):
        pass
    return float(len(os.sched_getaffinity(0)))


def _memory_ratio() -> float:
    try:
        rss_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    rss = rss_pages * os.sysconf("SC_PAGE_SIZE")
    limit = None
    try:
        raw = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if raw != "max":
            limit = int(raw)
    except (OSError, ValueError):
        pass
    if limit is None:
        limit = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return rss / limit if limit else 0.0


def _version() -> str:
    from chatnomina import __version__

    return __version__


BUILD_INFO.labels(_version()).set(1)
POOL = PoolCollector()
REGISTRY.register(POOL)
REGISTRY.register(ResourceCollector())
ProcessCollector(registry=REGISTRY)


def render() -> bytes:
    """The Prometheus text exposition of this process's registry."""
    return generate_latest(REGISTRY)
