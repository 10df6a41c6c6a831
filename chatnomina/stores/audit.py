"""The audit log: who read or changed whose data, and when."""

from __future__ import annotations

from typing import Any

from chatnomina.db import Executor


async def record(
    db: Executor, *, actor: str, action: str, subject: str | None, details: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    """Append one audit entry."""
    await db.execute(
        "INSERT INTO audit_log (actor, action, subject, details, request_id) VALUES ($1, $2, $3, $4, $5)",
        actor, action, subject, details or {}, request_id,
    )


async def entries_for_subject(db: Executor, subject: str, limit: int = 50) -> list[dict[str, Any]]:
    """Recent entries about ``subject`` (newest first)."""
    rows = await db.fetch(
        """SELECT occurred_at, actor, action, subject, details FROM audit_log
           WHERE subject = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2""",
        subject, limit,
    )
    return [dict(row) for row in rows]
