"""Database backups to S3, retention, restore and verification.

A backup is ``pg_dump --format=custom`` streamed straight into an S3 multipart upload:
the dump is never held whole in memory nor written to local disk (Fargate's disk is small
and ephemeral). Redis needs no backup: it holds fan-out, the job queue, rate-limit
counters, token revocations and caches — nothing that PostgreSQL does not hold or that
cannot be rebuilt (a lost revocation only lets a token live until it expires, at most
``JWT_EXPIRATION``; lost queued jobs are re-enqueued from their rows' state).
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, AsyncIterator, Iterable

import asyncpg

from chatnomina.db import connect_kwargs
from chatnomina.devserver import pg_tool
from chatnomina.logs import get_logger
from chatnomina.s3 import S3
from chatnomina.settings import Settings
from chatnomina.stores import backups as store

log = get_logger("chatnomina.backups")

DAILY_KEEP = 14
MONTHLY_KEEP = 12
CHUNK = 1 << 20


class BackupError(Exception):
    """pg_dump or pg_restore failed; the message carries their stderr."""


def backup_prefix(settings: Settings) -> str:
    return f"backups/{settings.db_name}/"


def backup_key(settings: Settings, moment: datetime) -> str:
    """``backups/<db>/<yyyy>/<mm>/<dd>/<db>-<yyyymmddThhmmssZ>.dump`` (UTC)."""
    utc = moment.astimezone(timezone.utc)
    return f"{backup_prefix(settings)}{utc:%Y/%m/%d}/{settings.db_name}-{utc:%Y%m%dT%H%M%SZ}.dump"


def _pg_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    if settings.db_password:
        env["PGPASSWORD"] = settings.db_password.get()
    return env


def _conn_args(settings: Settings, database: str) -> list[str]:
    return ["-h", settings.db_host, "-p", str(settings.db_port), "-U", settings.db_user, "-d", database]


@dataclass(frozen=True)
class BackupResult:
    key: str
    size_bytes: int
    sha256: str
    duration_ms: int


async def backup_database(db: asyncpg.Pool, s3: S3, settings: Settings, *, trigger: str,
                          now: datetime | None = None) -> BackupResult:
    """Dump the database into S3 and record it (key, size, sha256, duration)."""
    started = time.monotonic()
    key = backup_key(settings, now or datetime.now(timezone.utc))
    record = await store.start_backup(db, key, trigger)
    process = await asyncio.create_subprocess_exec(
        pg_tool("pg_dump"), "--format=custom", "--compress=6", "--no-owner", "--no-privileges",
        *_conn_args(settings, settings.db_name),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=_pg_env(settings),
    )

    async def chunks() -> AsyncIterator[bytes]:
        assert process.stdout is not None and process.stderr is not None
        while chunk := await process.stdout.read(CHUNK):
            yield chunk
        errors = await process.stderr.read()
        if await process.wait() != 0:
            raise BackupError(f"pg_dump falló: {errors.decode(errors='replace').strip()}")

    try:
        await s3.ensure_bucket()
        size, digest = await s3.upload_stream(key, chunks(), content_type="application/octet-stream")
    except BaseException as exc:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await store.fail_backup(db, record.id, str(exc))
        log.error("backup.failed", key=key, error=str(exc))
        raise
    duration_ms = int((time.monotonic() - started) * 1000)
    await store.finish_backup(db, record.id, size=size, sha256=digest, duration_ms=duration_ms)
    log.info("backup.completed", key=key, size_bytes=size, sha256=digest, duration_ms=duration_ms)
    return BackupResult(key, size, digest, duration_ms)


def _day_of(key: str) -> date | None:
    """The UTC day encoded in a backup key (``.../2026/11/27/...``)."""
    parts = key.split("/")
    try:
        return date(int(parts[-4]), int(parts[-3]), int(parts[-2]))
    except (IndexError, ValueError):
        return None


def retention_plan(
    keys: Iterable[str], *, daily: int = DAILY_KEEP, monthly: int = MONTHLY_KEEP
) -> tuple[list[str], list[str]]:
    """(keep, delete): the newest backup of each of the last ``daily`` days that have one,
    and the newest of each of the last ``monthly`` months; everything else goes."""
    dated = sorted(((d, k) for k in keys if (d := _day_of(k)) is not None), reverse=True)
    keep: set[str] = set()
    days: set[date] = set()
    months: set[tuple[int, int]] = set()
    for day, key in dated:  # newest first: the first key seen for a day/month is its newest
        if day not in days and len(days) < daily:
            days.add(day)
            keep.add(key)
        month = (day.year, day.month)
        if month not in months and len(months) < monthly:
            months.add(month)
            keep.add(key)
    ordered = [k for _, k in dated]
    return [k for k in ordered if k in keep], [k for k in ordered if k not in keep]


async def apply_retention(db: asyncpg.Pool, s3: S3, settings: Settings) -> list[str]:
    """Delete expired backups from S3 (and mark their records); returns the deleted keys."""
    objects = await s3.list_keys(backup_prefix(settings))
    _, expired = retention_plan(item["key"] for item in objects)
    if expired:
        await s3.delete_keys(expired)
        await store.mark_deleted(db, expired)
    log.info("backup.retention", kept=len(objects) - len(expired), deleted=len(expired))
    return expired


async def _admin_connection(settings: Settings) -> asyncpg.Connection:
    return await asyncpg.connect(**connect_kwargs(settings, "postgres"))


async def prepare_target(settings: Settings, target: str, *, clean: bool) -> None:
    """Create the target database; an existing one with tables needs ``clean``."""
    conn = await _admin_connection(settings)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", target)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{target}"')
            return
    finally:
        await conn.close()
    target_conn = await asyncpg.connect(**connect_kwargs(settings, target))
    try:
        tables = await target_conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await target_conn.close()
    if tables and not clean:
        raise BackupError(f"La base de datos {target} ya tiene tablas; use --clean para reemplazarlas.")


async def restore(s3: S3, settings: Settings, key: str, target: str, *, clean: bool = False) -> None:
    """Stream a backup from S3 into ``pg_restore`` for database ``target``."""
    if not await s3.exists(key):
        raise BackupError(f"No existe la copia {key} en s3://{s3.bucket}.")
    await prepare_target(settings, target, clean=clean)
    args = ["--no-owner", "--no-privileges", "--exit-on-error"]
    if clean:
        args += ["--clean", "--if-exists"]
    process = await asyncio.create_subprocess_exec(
        pg_tool("pg_restore"), *args, *_conn_args(settings, target),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=_pg_env(settings),
    )
    assert process.stdin is not None
    try:
        async for chunk in s3.download_stream(key):
            process.stdin.write(chunk)
            await process.stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # pg_restore stopped early; its exit status and stderr say why
    finally:
        process.stdin.close()
    _, errors = await process.communicate()
    if process.returncode != 0:
        raise BackupError(f"pg_restore falló: {errors.decode(errors='replace').strip()}")
    log.info("backup.restored", key=key, target=target)


@dataclass
class VerifyReport:
    """Row counts and content checksums per table of two databases."""

    source: str
    target: str
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def equal(self) -> bool:
        return all(t["equal"] for t in self.tables.values() if not t.get("skipped"))


_CHECKSUM = """SELECT count(*) AS rows,
                      coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text AS checksum
               FROM {table} t"""


async def _fingerprint(settings: Settings, database: str) -> dict[str, tuple[int, str]]:
    conn = await asyncpg.connect(**connect_kwargs(settings, database))
    try:
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        result = {}
        for table in tables:
            row = await conn.fetchrow(_CHECKSUM.format(table=f'public."{table}"'))
            result[table] = (int(row["rows"]), row["checksum"])
        return result
    finally:
        await conn.close()


# The backup's own record is completed after the dump was taken, so it always differs.
NOT_VERIFIED = frozenset({"backups"})


async def verify(settings: Settings, source: str, target: str) -> VerifyReport:
    """Compare every table's row count and order-independent checksum (md5 of each row)."""
    left, right = await asyncio.gather(_fingerprint(settings, source), _fingerprint(settings, target))
    report = VerifyReport(source, target)
    for table in sorted(set(left) | set(right)):
        a, b = left.get(table), right.get(table)
        report.tables[table] = {
            "source_rows": a[0] if a else None,
            "target_rows": b[0] if b else None,
            "equal": a == b,
        }
        if table in NOT_VERIFIED:
            report.tables[table]["skipped"] = True
    return report
