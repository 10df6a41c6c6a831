"""Backup records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chatnomina.db import Executor


@dataclass(frozen=True)
class BackupRecord:
    id: int
    key: str
    trigger: str
    status: str
    size_bytes: int | None
    sha256: str | None
    duration_ms: int | None
    error: str | None
    started_at: datetime
    finished_at: datetime | None
    deleted_at: datetime | None


_COLUMNS = "id, key, trigger, status, size_bytes, sha256, duration_ms, error, started_at, finished_at, deleted_at"


def _record(row: Any) -> BackupRecord | None:
    return BackupRecord(**dict(row)) if row is not None else None


async def start_backup(db: Executor, key: str, trigger: str) -> BackupRecord:
    record = _record(await db.fetchrow(
        f"INSERT INTO backups (key, trigger) VALUES ($1, $2) RETURNING {_COLUMNS}", key, trigger))
    assert record is not None
    return record


async def finish_backup(db: Executor, backup_id: int, *, size: int, sha256: str, duration_ms: int) -> None:
    await db.execute(
        """UPDATE backups SET status = 'completed', size_bytes = $2, sha256 = $3, duration_ms = $4, finished_at = now()
           WHERE id = $1""",
        backup_id, size, sha256, duration_ms,
    )


async def fail_backup(db: Executor, backup_id: int, error: str) -> None:
    await db.execute(
        "UPDATE backups SET status = 'failed', error = $2, finished_at = now() WHERE id = $1", backup_id, error[:2000]
    )


async def mark_deleted(db: Executor, keys: list[str]) -> None:
    await db.execute("UPDATE backups SET deleted_at = now() WHERE key = ANY($1::text[])", keys)


async def get_by_key(db: Executor, key: str) -> BackupRecord | None:
    return _record(await db.fetchrow(f"SELECT {_COLUMNS} FROM backups WHERE key = $1", key))


async def latest(db: Executor, limit: int = 20) -> list[BackupRecord]:
    rows = await db.fetch(f"SELECT {_COLUMNS} FROM backups ORDER BY started_at DESC LIMIT $1", limit)
    return [r for r in (_record(row) for row in rows) if r is not None]
