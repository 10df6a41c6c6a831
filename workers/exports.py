"""Export actors: a payroll run written to CSV or XLSX in S3."""

from __future__ import annotations

import dramatiq
from dramatiq.middleware import CurrentMessage

from chatnomina import jobs
from chatnomina.services import exports
from chatnomina.stores.exports import Export
from workers.context import instrumented
from workers.resources import Resources, resources

EXPORT_MAX_RETRIES = 3


async def export_payroll_run_job(res: Resources, export_id: int, *, final_attempt: bool = True) -> Export | None:
    """Write export ``export_id``; a redelivered message of a completed export does nothing."""
    return await exports.run_export(res.db, res.s3, export_id, final_attempt=final_attempt)


@dramatiq.actor(queue_name=jobs.EXPORT_PAYROLL_RUN.queue, actor_name=jobs.EXPORT_PAYROLL_RUN.actor,
                max_retries=EXPORT_MAX_RETRIES, time_limit=2 * 60 * 60 * 1000)
@instrumented
async def export_payroll_run(export_id: int) -> None:
    """Actor: thin wrapper over ``export_payroll_run_job``; the last retry marks the export failed."""
    message = CurrentMessage.get_current_message()
    retries = message.options.get("retries", 0) if message else 0
    await export_payroll_run_job(resources(), export_id, final_attempt=retries >= EXPORT_MAX_RETRIES)
