"""Import jobs: the files an admin uploaded, read back from S3 and imported."""

from __future__ import annotations

import dramatiq

from chatnomina import jobs
from chatnomina.services.hr_import import ImportReport, run_import
from chatnomina.stores import imports as import_store
from workers.context import instrumented
from workers.resources import Resources, resources


async def import_hr_exports_job(res: Resources, import_id: int) -> ImportReport | None:
    """Run import ``import_id``; a redelivered message of a finished import does nothing."""
    job = await import_store.get_import(res.db, import_id)
    if job is None or not await import_store.mark_running(res.db, import_id):
        return None
    prefix = job.storage_key or f"imports/{import_id}/"
    files = {}
    for item in await res.s3.list_keys(prefix):
        files[item["key"][len(prefix):]] = await res.s3.get_bytes(item["key"])
    return await run_import(res.db, import_id, files)


@dramatiq.actor(queue_name=jobs.IMPORT_HR_EXPORTS.queue, actor_name=jobs.IMPORT_HR_EXPORTS.actor,
                max_retries=3, time_limit=60 * 60 * 1000)
@instrumented
async def import_hr_exports(import_id: int) -> None:
    """Actor: thin wrapper over ``import_hr_exports_job``."""
    await import_hr_exports_job(resources(), import_id)
