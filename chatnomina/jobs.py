"""Enqueueing background jobs by name, from the web process, services and the CLI.

Producers only need a queue name, an actor name and JSON arguments; they never import the
actor modules (which live in ``workers/`` and open database pools when a worker boots).
The names below are the single source both sides use.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from dramatiq import Message
from dramatiq.brokers.redis import RedisBroker

from chatnomina.settings import Settings


@dataclass(frozen=True)
class JobName:
    queue: str
    actor: str


PING = JobName("default", "ping")
IMPORT_HR_EXPORTS = JobName("imports", "import_hr_exports")
START_PAYROLL_RUN = JobName("payroll", "start_payroll_run")
COMPUTE_PAYROLL_CHUNK = JobName("payroll", "compute_payroll_chunk")
EXPORT_PAYROLL_RUN = JobName("exports", "export_payroll_run")
RENDER_PAYSLIP_PDF = JobName("exports", "render_payslip_pdf")
BACKUP_DATABASE = JobName("maintenance", "backup_database")
APPLY_BACKUP_RETENTION = JobName("maintenance", "apply_backup_retention")

QUEUES = ("default", "imports", "payroll", "exports", "maintenance")


def build_broker(settings: Settings, *, middleware: list[Any] | None = None) -> RedisBroker:
    """A Redis broker for ``settings`` (namespaced so deployments sharing Redis stay apart)."""
    return RedisBroker(
        url=settings.redis_url(),
        namespace=f"{settings.redis_namespace}:dramatiq",
        middleware=middleware if middleware is not None else [],
        heartbeat_timeout=settings.worker_heartbeat_seconds * 1000,
        # per million broker commands; maintenance is what redelivers a dead worker's messages
        maintenance_chance=settings.worker_maintenance_chance,
        socket_connect_timeout=2,
        socket_timeout=10,
    )


class JobQueue:
    """The producer side of the broker."""

    def __init__(self, settings: Settings):
        self.broker = build_broker(settings)

    async def send(self, job: JobName, *args: Any, delay_ms: int | None = None, **kwargs: Any) -> str:
        """Enqueue ``job(*args, **kwargs)``; returns the message id. Call after commit."""
        message: Message[Any] = Message(
            queue_name=job.queue, actor_name=job.actor, args=args, kwargs=kwargs, options={}
        )
        sent = await asyncio.to_thread(self.broker.enqueue, message, delay=delay_ms)
        return sent.message_id

    def send_sync(self, job: JobName, *args: Any, **kwargs: Any) -> str:
        """Blocking variant for the CLI and the scheduler."""
        message: Message[Any] = Message(
            queue_name=job.queue, actor_name=job.actor, args=args, kwargs=kwargs, options={}
        )
        return self.broker.enqueue(message).message_id

    def close(self) -> None:
        self.broker.close()
