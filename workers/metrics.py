"""Job metrics of the worker processes and the small HTTP server that exposes them.

Dramatiq runs several worker processes; with ``PROMETHEUS_MULTIPROC_DIR`` set (``chatnomina
worker`` sets it) every process writes its samples to that directory and the metrics
server, forked by Dramatiq from the main process, aggregates them on ``METRICS_PORT``.
"""

from __future__ import annotations

import os
import time
from typing import Any

from dramatiq.middleware import Middleware

from chatnomina.logs import get_logger
from chatnomina.settings import Settings

log = get_logger("workers.jobs")


class JobMetrics(Middleware):
    """Counts jobs by actor and outcome, times them and logs one line per job."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._started: dict[str, float] = {}

    @property
    def forks(self) -> list[Any]:
        if self.settings.metrics_port and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return [serve_metrics]
        return []

    def after_worker_boot(self, broker: Any, worker: Any) -> None:
        """Create every actor's series at 0, so the first failure shows up in increase()."""
        from chatnomina import metrics

        for actor in broker.get_declared_actors():
            for outcome in ("success", "failure"):
                metrics.JOBS.labels(actor, outcome)

    def before_process_message(self, broker: Any, message: Any) -> None:
        self._started[message.message_id] = time.perf_counter()

    def after_process_message(
        self, broker: Any, message: Any, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        from chatnomina import metrics

        started = self._started.pop(message.message_id, None)
        elapsed = time.perf_counter() - started if started is not None else 0.0
        outcome = "success" if exception is None else "failure"
        metrics.JOBS.labels(message.actor_name, outcome).inc()
        metrics.JOB_DURATION.labels(message.actor_name).observe(elapsed)
        fields = dict(
            actor=message.actor_name,
            message_id=message.message_id,
            retries=message.options.get("retries", 0),
            duration_ms=round(elapsed * 1000, 2),
            outcome=outcome,
        )
        if exception is None:
            log.info("job.finished", **fields)
        else:
            log.warning("job.failed", error=repr(exception), **fields)

    def after_skip_message(self, broker: Any, message: Any) -> None:
        self._started.pop(message.message_id, None)


def serve_metrics() -> int:
    """Entry point of the forked metrics process: ``/metrics`` and ``/health``."""
    from aiohttp import web
    from prometheus_client import CollectorRegistry, generate_latest, multiprocess

    from chatnomina.metrics import CONTENT_TYPE, ResourceCollector

    settings = Settings.from_env(os.environ)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(ResourceCollector())
    registry.register(QueueDepthCollector(settings))

    async def metrics_handler(request: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(registry))
        response.headers["Content-Type"] = CONTENT_TYPE
        return response

    async def health_handler(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/metrics", metrics_handler)
    app.router.add_get("/health", health_handler)
    web.run_app(app, host="0.0.0.0", port=settings.metrics_port, print=None, access_log=None)
    return 0


class QueueDepthCollector:
    """Messages waiting per queue (ready and delayed), read from the broker at scrape time."""

    def __init__(self, settings: Settings):
        import redis

        from chatnomina.jobs import QUEUES

        self.queues = QUEUES
        self.prefix = f"{settings.redis_namespace}:dramatiq:"
        self.client = redis.Redis.from_url(settings.redis_url(), socket_timeout=1, socket_connect_timeout=1)

    def collect(self) -> Any:
        from prometheus_client.core import GaugeMetricFamily

        from chatnomina.metrics import QUEUE_DEPTH_NAME

        family = GaugeMetricFamily(QUEUE_DEPTH_NAME, "Messages waiting in each job queue.", labels=("queue",))
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for queue in self.queues:
                    pipe.llen(self.prefix + queue)
                    pipe.llen(self.prefix + queue + ".DQ")
                counts = pipe.execute()
            for index, queue in enumerate(self.queues):
                family.add_metric((queue,), counts[2 * index] + counts[2 * index + 1])
        except Exception:  # Redis down: no samples rather than a failed scrape
            pass
        yield family
