"""Vacation requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chatnomina.db import Executor

_COLUMNS = ("id, documento, num_vinculacion, start_date, end_date, working_days, reason, status, "
            "approver_document, requested_by, decided_by, decided_at, decision_note, created_at")


@dataclass(frozen=True)
class VacationRequest:
    id: int
    documento: str
    num_vinculacion: int
    start_date: date
    end_date: date
    working_days: Decimal
    reason: str | None
    status: str
    approver_document: str | None
    requested_by: int | None
    decided_by: int | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.documento,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "working_days": str(self.working_days.normalize()) if self.working_days == self.working_days.to_integral()
            else str(self.working_days),
            "reason": self.reason,
            "status": self.status,
            "approver": {"document": self.approver_document, "kind": "manager" if self.approver_document else "hr"},
            "decided_at": self.decided_at.isoformat().replace("+00:00", "Z") if self.decided_at else None,
            "decision_note": self.decision_note,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
        }


def _request(row: Any) -> VacationRequest | None:
    return VacationRequest(**dict(row)) if row is not None else None


async def create_request(
    db: Executor, *, documento: str, num_vinculacion: int, start_date: date, end_date: date,
    working_days: Decimal, reason: str | None, approver_document: str | None, requested_by: int | None,
) -> VacationRequest:
    row = await db.fetchrow(
        f"""INSERT INTO vacation_requests (documento, num_vinculacion, start_date, end_date, working_days, reason,
                                          approver_document, requested_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_COLUMNS}""",
        documento, num_vinculacion, start_date, end_date, working_days, reason, approver_document, requested_by,
    )
    request = _request(row)
    assert request is not None
    return request


async def get_request(db: Executor, request_id: int, *, for_update: bool = False) -> VacationRequest | None:
    lock = " FOR UPDATE" if for_update else ""
    return _request(await db.fetchrow(f"SELECT {_COLUMNS} FROM vacation_requests WHERE id = $1{lock}", request_id))


async def overlapping(db: Executor, documento: str, start: date, end: date) -> VacationRequest | None:
    """A pending or approved request of the person that overlaps [start, end]."""
    return _request(await db.fetchrow(
        f"""SELECT {_COLUMNS} FROM vacation_requests
            WHERE documento = $1 AND status IN ('pending', 'approved') AND start_date <= $3 AND end_date >= $2
            ORDER BY start_date LIMIT 1""",
        documento, start, end,
    ))


async def overlapping_absence(db: Executor, documento: str, start: date, end: date) -> dict[str, Any] | None:
    """An imported absence of the person that overlaps [start, end]."""
    row = await db.fetchrow(
        """SELECT cod_ausencia_tipo, fecha_inicio, fecha_fin FROM hr_absences
           WHERE documento = $1 AND fecha_inicio <= $3 AND fecha_fin >= $2 ORDER BY fecha_inicio LIMIT 1""",
        documento, start, end,
    )
    return dict(row) if row is not None else None


async def approved_not_imported_days(db: Executor, documento: str, num_vinculacion: int) -> Decimal:
    """Working days of approved requests that the HR exports do not show as taken yet."""
    value = await db.fetchval(
        """SELECT coalesce(sum(r.working_days), 0) FROM vacation_requests r
           WHERE r.documento = $1 AND r.num_vinculacion = $2 AND r.status = 'approved'
             AND NOT EXISTS (SELECT 1 FROM hr_absences a
                             WHERE a.num_vinculacion = r.num_vinculacion AND a.cod_ausencia_tipo = 'VAC'
                               AND a.fecha_inicio <= r.end_date AND a.fecha_fin >= r.start_date)""",
        documento, num_vinculacion,
    )
    return Decimal(value)


async def pending_days(db: Executor, documento: str) -> Decimal:
    value = await db.fetchval(
        "SELECT coalesce(sum(working_days), 0) FROM vacation_requests WHERE documento = $1 AND status = 'pending'",
        documento,
    )
    return Decimal(value)


async def list_requests(
    db: Executor, *, documents: list[str] | None, status: str | None, limit: int, offset: int
) -> tuple[list[VacationRequest], int]:
    """Requests of ``documents`` (None: everyone), newest first, with the total."""
    rows = await db.fetch(
        f"""SELECT {_COLUMNS}, count(*) OVER () AS total FROM vacation_requests
            WHERE ($1::text[] IS NULL OR documento = ANY($1::text[])) AND ($2::text IS NULL OR status = $2)
            ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4""",
        documents, status, limit, offset,
    )
    total = rows[0]["total"] if rows else 0
    return [VacationRequest(**{k: v for k, v in dict(r).items() if k != "total"}) for r in rows], total


async def decide(
    db: Executor, request_id: int, *, status: str, decided_by: int | None, note: str | None
) -> VacationRequest | None:
    """pending → approved/rejected; None when the request was already decided."""
    return _request(await db.fetchrow(
        f"""UPDATE vacation_requests SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4
            WHERE id = $1 AND status = 'pending' RETURNING {_COLUMNS}""",
        request_id, status, decided_by, note,
    ))


async def employer_allows_advance(db: Executor) -> bool:
    return bool(await db.fetchval("SELECT allow_vacation_advance FROM employer_settings"))
