"""The scheduler process: enqueue the periodic jobs at their time in America/Bogota.

Exactly one scheduler should run, but two started by mistake must not double the work:
every tick is claimed in Redis with ``SET NX`` on a key naming the job and the tick's
instant, so only one process enqueues it. (periodiq, which the guide's stack suggests,
enqueues from every scheduler process, hence this small loop instead.)
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from redis.exceptions import RedisError

from chatnomina import jobs
from chatnomina.jobs import JobName, JobQueue
from chatnomina.logs import get_logger
from chatnomina.redis import key
from chatnomina.settings import Settings

log = get_logger("chatnomina.scheduler")
BOGOTA = ZoneInfo("America/Bogota")
CLAIM_TTL_SECONDS = 2 * 24 * 3600


@dataclass(frozen=True)
class DailyJob:
    """A job enqueued once a day at ``at`` (Bogotá time)."""

    name: str
    job: JobName
    at: time
    args: tuple[object, ...] = ()


def daily_jobs(settings: Settings) -> list[DailyJob]:
    """The backup at BACKUP_TIME, then retention five minutes later."""
    backup_at = settings.backup_time
    retention_at = (datetime.combine(datetime(2000, 1, 1), backup_at) + timedelta(minutes=5)).time()
    return [
        DailyJob("backup_database", jobs.BACKUP_DATABASE, backup_at, ("scheduled",)),
        DailyJob("apply_backup_retention", jobs.APPLY_BACKUP_RETENTION, retention_at),
    ]


def next_tick(job: DailyJob, now: datetime) -> datetime:
    """The next instant (aware, Bogotá) at which ``job`` is due, strictly after ``now``."""
    local = now.astimezone(BOGOTA)
    candidate = datetime.combine(local.date(), job.at, tzinfo=BOGOTA)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


async def claim_and_enqueue(redis: Redis, queue: JobQueue, settings: Settings, job: DailyJob, tick: datetime) -> bool:
    """Enqueue ``job`` for ``tick`` unless another scheduler already did; True if this one did."""
    claim = key(settings, "scheduler", job.name, tick.isoformat())
    if not await redis.set(claim, b"1", nx=True, ex=CLAIM_TTL_SECONDS):
        log.info("scheduler.tick_already_claimed", job=job.name, tick=tick.isoformat())
        return False
    try:
        await queue.send(job.job, *job.args)
    except BaseException:
        await redis.delete(claim)  # let this (or the other) scheduler retry the tick
        raise
    log.info("scheduler.enqueued", job=job.name, tick=tick.isoformat())
    return True


async def run_scheduler(settings: Settings, redis: Redis, queue: JobQueue, *,
                        clock: Callable[[], datetime] = lambda: datetime.now(BOGOTA),
                        stop: asyncio.Event | None = None) -> None:
    """Sleep until each job's next tick and enqueue it; runs until ``stop`` is set."""
    stop = stop or asyncio.Event()
    pending = {job.name: next_tick(job, clock()) for job in daily_jobs(settings)}
    jobs_by_name = {job.name: job for job in daily_jobs(settings)}
    log.info("scheduler.started", next={name: tick.isoformat() for name, tick in pending.items()})
    while not stop.is_set():
        name, tick = min(pending.items(), key=lambda item: item[1])
        delay = (tick - clock()).total_seconds()
        if delay > 0:
            try:
                await asyncio.wait_for(stop.wait(), timeout=min(delay, 60))
            except asyncio.TimeoutError:
                pass
            continue
        try:
            await claim_and_enqueue(redis, queue, settings, jobs_by_name[name], tick)
        except (RedisError, OSError) as exc:
            log.warning("scheduler.redis_unavailable", job=name, error=repr(exc))
            await asyncio.sleep(5)
            continue
        pending[name] = next_tick(jobs_by_name[name], tick)
