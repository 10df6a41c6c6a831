"""Backups to the local S3 endpoint, restore with verification, retention, the scheduler's ticks."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from typing import Any

from chatnomina.jobs import JobQueue
from chatnomina.redis import create_redis
from chatnomina.s3 import S3
from chatnomina.scheduler import BOGOTA, claim_and_enqueue, daily_jobs, next_tick
from chatnomina.services.backups import backup_key, retention_plan
from chatnomina.settings import Settings
from tests.hr_data.test_self_service import import_sample
from tests.support import ROOT, subprocess_env


def _cli(args: list[str], service_env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chatnomina", *args], env=subprocess_env(service_env), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


async def test_backup_restore_verify(service_env: dict[str, str], settings: Settings, db: Any) -> None:
    await import_sample(db)
    backup = await asyncio.to_thread(_cli, ["backup"], service_env)
    assert backup.returncode == 0, backup.stderr
    key = backup.stdout.split(f"s3://{settings.s3_bucket}/", 1)[1].split()[0]
    record = await db.fetchrow("SELECT status, size_bytes, sha256, duration_ms FROM backups WHERE key = $1", key)
    assert record["status"] == "completed" and record["size_bytes"] > 1000 and len(record["sha256"]) == 64
    s3 = await S3(settings).open()
    try:
        stored = await s3.get_bytes(key)
    finally:
        await s3.close()
    import hashlib

    assert hashlib.sha256(stored).hexdigest() == record["sha256"] and len(stored) == record["size_bytes"]

    target = f"cn_restore_{uuid.uuid4().hex[:8]}"
    try:
        restored = await asyncio.to_thread(_cli, ["restore", key, "--target-db", target, "--verify"], service_env)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        report = json.loads(restored.stdout[restored.stdout.index("{"):restored.stdout.rindex("}") + 1])
        assert report["equal"] is True
        assert report["tables"]["hr_deposits"] == {"source_rows": 308, "target_rows": 308, "equal": True}
        # a change in the source shows up as a difference
        await db.execute("UPDATE hr_deposits SET valor_consignacion = valor_consignacion + 1 WHERE ctid IN (SELECT ctid FROM hr_deposits LIMIT 1)")
        again = await asyncio.to_thread(_cli, ["restore", key, "--target-db", target, "--clean", "--verify"], service_env)
        assert again.returncode == 3
        assert '"hr_deposits": {' in again.stdout and "HAY DIFERENCIAS" in again.stdout
        refused = await asyncio.to_thread(_cli, ["restore", key, "--target-db", target], service_env)
        assert refused.returncode == 1 and "--clean" in refused.stderr
    finally:
        await db.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_retention_keeps_14_daily_and_12_monthly(settings: Settings) -> None:
    keys = []
    for days_back in range(0, 500):
        moment = datetime(2026, 11, 27, 7, tzinfo=timezone.utc).fromordinal(
            datetime(2026, 11, 27).toordinal() - days_back).replace(hour=7, tzinfo=timezone.utc)
        keys.append(backup_key(settings, moment))
        keys.append(backup_key(settings, moment.replace(hour=3)))  # an older copy the same day
    keep, delete = retention_plan(keys)
    days = {k.split("/")[-2] for k in keep}
    assert len(keep) == 14 + 11  # 14 days of November 2026 + the newest of each of the 11 earlier months
    assert all("T07" in k.split("-")[-1] for k in keep)  # the newest of each day
    assert set(keep) | set(delete) == set(keys) and not set(keep) & set(delete)
    assert len(days) <= 25


async def test_retention_deletes_only_expired(settings: Settings, db: Any) -> None:
    s3 = await S3(settings).open()
    try:
        await s3.ensure_bucket()
        from chatnomina.services.backups import apply_retention, backup_prefix

        # other tests' copies (dated today) would shift which days and months are kept
        earlier = [item["key"] for item in await s3.list_keys(backup_prefix(settings))]
        if earlier:
            await s3.delete_keys(earlier)
        keys = [backup_key(settings, datetime(2025, month, 1, 7, tzinfo=timezone.utc)) for month in range(1, 13)]
        keys += [backup_key(settings, datetime(2026, 11, day, 7, tzinfo=timezone.utc)) for day in range(1, 28)]
        for key in keys:
            await s3.put_bytes(key, b"x")
        present = [item["key"] for item in await s3.list_keys(backup_prefix(settings))]
        keep, expected_deleted = retention_plan(present)
        deleted = await apply_retention(db, s3, settings)
        remaining = {item["key"] for item in await s3.list_keys(backup_prefix(settings))}
        assert set(deleted) == set(expected_deleted) and remaining == set(keep)
        assert len(remaining) == 14 + 11
        assert all(k in present for k in remaining) and not set(deleted) & remaining
    finally:
        await s3.close()


async def test_two_schedulers_enqueue_each_tick_once(settings: Settings, redis: Any) -> None:
    job = daily_jobs(settings)[0]
    tick = next_tick(job, datetime(2026, 11, 27, 12, 0, tzinfo=BOGOTA))
    assert tick == datetime(2026, 11, 28, 2, 0, tzinfo=BOGOTA)
    queues = [JobQueue(settings), JobQueue(settings)]
    clients = [create_redis(settings), create_redis(settings)]
    try:
        before = queues[0].broker.client.llen(f"{settings.redis_namespace}:dramatiq:{job.job.queue}")
        results = await asyncio.gather(*(claim_and_enqueue(c, q, settings, job, tick) for c, q in zip(clients, queues)))
        assert sorted(results) == [False, True]
        after = queues[0].broker.client.llen(f"{settings.redis_namespace}:dramatiq:{job.job.queue}")
        assert after - before == 1
    finally:
        for queue in queues:
            queue.broker.flush_all() if hasattr(queue.broker, "flush_all") else None
            queue.close()
        for client in clients:
            await client.aclose()


async def test_scheduler_process_serves_health_and_stops_on_sigterm(service_env: dict[str, str]) -> None:
    from chatnomina.devserver import free_port
    from tests.support import start_process, stop_process, wait_http

    port = free_port()
    proc = start_process(["-m", "chatnomina", "scheduler"], subprocess_env(service_env, METRICS_PORT=str(port)))
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/health", 30)
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/metrics", 10)
    finally:
        await asyncio.to_thread(stop_process, proc)
    assert proc.returncode == 0
