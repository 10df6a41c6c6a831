"""Payroll-run actors: start (enrol and fan out) and compute one chunk."""

from __future__ import annotations

import dramatiq

from chatnomina import jobs
from chatnomina.errors import NotFound
from chatnomina.services import payroll_runs
from workers.context import instrumented
from workers.resources import Resources, resources


async def start_payroll_run_job(res: Resources, run_id: int) -> int:
    return await payroll_runs.start_run(res.db, res.jobs, run_id)


async def compute_payroll_chunk_job(res: Resources, run_id: int, chunk: int) -> int:
    return await payroll_runs.compute_chunk(res.db, res.redis, res.settings, run_id, chunk)


@dramatiq.actor(queue_name=jobs.START_PAYROLL_RUN.queue, actor_name=jobs.START_PAYROLL_RUN.actor,
                max_retries=5, throws=(NotFound,))
@instrumented
async def start_payroll_run(run_id: int) -> None:
    await start_payroll_run_job(resources(), run_id)


@dramatiq.actor(queue_name=jobs.COMPUTE_PAYROLL_CHUNK.queue, actor_name=jobs.COMPUTE_PAYROLL_CHUNK.actor,
                max_retries=10, throws=(NotFound,), time_limit=15 * 60 * 1000)
@instrumented
async def compute_payroll_chunk(run_id: int, chunk: int) -> None:
    await compute_payroll_chunk_job(resources(), run_id, chunk)
