"""Import jobs of HR exports: status, per-file counts and rejected rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chatnomina.db import Executor

MAX_STORED_REJECTS = 10_000


@dataclass(frozen=True)
class ImportJob:
    id: int
    source: str
    status: str
    requested_by: str | None
    storage_key: str | None
    files: list[dict[str, Any]]
    rejected: list[str]
    rejected_count: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    def to_dict(self, *, rejected_limit: int = 1000) -> dict[str, Any]:
        """The API view: status, counts per file, totals and the rejected rows."""
        totals = {name: sum(int(f.get(name, 0)) for f in self.files)
                  for name in ("rows", "inserted", "updated", "unchanged", "rejected")}
        return {
            "id": self.id,
            "status": self.status,
            "source": self.source,
            "files": self.files,
            "totals": totals,
            "rejected_count": self.rejected_count,
            "rejected": self.rejected[:rejected_limit],
            "error": self.error,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "started_at": self.started_at.isoformat().replace("+00:00", "Z") if self.started_at else None,
            "finished_at": self.finished_at.isoformat().replace("+00:00", "Z") if self.finished_at else None,
        }


_COLUMNS = ("id, source, status, requested_by, storage_key, files, rejected, rejected_count, error, "
            "created_at, started_at, finished_at")


def _job(row: Any) -> ImportJob | None:
    if row is None:
        return None
    return ImportJob(**{**dict(row), "files": list(row["files"] or []), "rejected": list(row["rejected"] or [])})


async def create_import(db: Executor, *, source: str, requested_by: str | None, storage_key: str | None = None,
                        status: str = "queued") -> ImportJob:
    row = await db.fetchrow(
        f"""INSERT INTO hr_imports (source, requested_by, storage_key, status) VALUES ($1, $2, $3, $4)
            RETURNING {_COLUMNS}""",
        source, requested_by, storage_key, status,
    )
    job = _job(row)
    assert job is not None
    return job


async def get_import(db: Executor, import_id: int) -> ImportJob | None:
    return _job(await db.fetchrow(f"SELECT {_COLUMNS} FROM hr_imports WHERE id = $1", import_id))


async def mark_running(db: Executor, import_id: int) -> bool:
    """queued/failed → running; False when it already finished (a redelivered job)."""
    result = await db.execute(
        """UPDATE hr_imports SET status = 'running', started_at = now(), error = NULL
           WHERE id = $1 AND status IN ('queued', 'running', 'failed')""",
        import_id,
    )
    return result.endswith("1")


async def finish_import(
    db: Executor, import_id: int, *, status: str, files: list[dict[str, Any]], rejected: list[str],
    error: str | None = None,
) -> None:
    await db.execute(
        # finished_at only moves forward, even if the database's clock steps back: it is the
        # HR data version (``stores.hr.HR_DATA_VERSION``)
        """UPDATE hr_imports SET status = $2, files = $3, rejected = $4, rejected_count = $5, error = $6,
                                 finished_at = greatest(now(), (SELECT max(finished_at) + interval '1 microsecond'
                                                                FROM hr_imports))
           WHERE id = $1""",
        import_id, status, files, rejected[:MAX_STORED_REJECTS], len(rejected), error,
    )
