"""Backup and retention actors (enqueued daily by the scheduler)."""

from __future__ import annotations

import dramatiq

from chatnomina import jobs
from chatnomina.services import backups
from workers.context import instrumented
from workers.resources import Resources, resources


async def backup_database_job(res: Resources, trigger: str = "scheduled") -> backups.BackupResult:
    """pg_dump → S3 multipart upload, recorded with size, sha256 and duration."""
    return await backups.backup_database(res.db, res.s3, res.settings, trigger=trigger)


async def apply_backup_retention_job(res: Resources) -> list[str]:
    """Delete backups outside the retention policy (14 daily, 12 monthly)."""
    return await backups.apply_retention(res.db, res.s3, res.settings)


@dramatiq.actor(queue_name=jobs.BACKUP_DATABASE.queue, actor_name=jobs.BACKUP_DATABASE.actor,
                max_retries=3, time_limit=3 * 60 * 60 * 1000)
@instrumented
async def backup_database(trigger: str = "scheduled") -> None:
    await backup_database_job(resources(), trigger)


@dramatiq.actor(queue_name=jobs.APPLY_BACKUP_RETENTION.queue, actor_name=jobs.APPLY_BACKUP_RETENTION.actor,
                max_retries=3)
@instrumented
async def apply_backup_retention() -> None:
    await apply_backup_retention_job(resources())
