"""The Dramatiq broker of the worker processes, configured before any actor is declared.

This is the one module-level singleton of the code base: Dramatiq binds actors to the
global broker when their modules are imported, so the broker must exist first. Settings
are read from the environment once, here.
"""

from __future__ import annotations

import os

import dramatiq
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)
from dramatiq.middleware.asyncio import AsyncIO

from chatnomina.jobs import build_broker
from chatnomina.logs import configure_logging
from chatnomina.settings import Settings
from chatnomina.telemetry import setup_tracing
from workers.metrics import JobMetrics
from workers.resources import ResourcesMiddleware

settings = Settings.from_env(os.environ)
configure_logging(settings.log_level, environment=settings.environment)
setup_tracing("chatnomina-worker")

broker = build_broker(
    settings,
    middleware=[
        AgeLimit(),
        TimeLimit(time_limit=30 * 60 * 1000),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(min_backoff=1000, max_backoff=60_000, max_retries=10),
        CurrentMessage(),
        AsyncIO(),
        ResourcesMiddleware(settings),
        JobMetrics(settings),
    ],
)
dramatiq.set_broker(broker)
