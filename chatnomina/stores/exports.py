"""Exports of payroll runs (CSV/XLSX files in S3) and the rows they are made of.

An export is queued → running → completed (or failed). A worker claims it before writing;
a redelivered message of a completed export claims nothing and so writes nothing. The
rows of a run are read through a server-side cursor, a few thousand at a time, never
all at once.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

import asyncpg

from chatnomina.db import Executor

_EXPORT = ("id, run_id, format, status, storage_key, size_bytes, rows, error, requested_by, created_at, "
           "finished_at")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


@dataclass(frozen=True)
class Export:
    id: int
    run_id: int
    format: str
    status: str
    storage_key: str | None
    size_bytes: int | None
    rows: int | None
    error: str | None
    requested_by: str | None
    created_at: datetime
    finished_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """The API view (without the download link, which the service adds)."""
        return {
            "export_id": self.id, "run_id": self.run_id, "format": self.format, "status": self.status,
            "rows": self.rows, "size_bytes": self.size_bytes, "error": self.error,
            "requested_by": self.requested_by, "created_at": _iso(self.created_at),
            "finished_at": _iso(self.finished_at),
        }


def _export(row: Any) -> Export | None:
    return Export(**dict(row)) if row is not None else None


async def create_export(db: Executor, *, run_id: int, fmt: str, requested_by: str | None) -> Export:
    """A queued export of a run."""
    row = await db.fetchrow(
        f"INSERT INTO exports (run_id, format, requested_by) VALUES ($1, $2, $3) RETURNING {_EXPORT}",
        run_id, fmt, requested_by,
    )
    export = _export(row)
    assert export is not None
    return export


async def get_export(db: Executor, export_id: int) -> Export | None:
    return _export(await db.fetchrow(f"SELECT {_EXPORT} FROM exports WHERE id = $1", export_id))


async def claim_export(db: Executor, export_id: int) -> Export | None:
    """queued/running/failed → running; None when it is completed (a redelivered job) or missing.

    ``running`` is claimable again because a worker that died mid-file leaves it so and its
    message is redelivered; the storage key is deterministic, so the rewrite replaces it.
    """
    return _export(await db.fetchrow(
        f"""UPDATE exports SET status = 'running', error = NULL
            WHERE id = $1 AND status IN ('queued', 'running', 'failed') RETURNING {_EXPORT}""",
        export_id,
    ))


async def complete_export(db: Executor, export_id: int, *, storage_key: str, size_bytes: int, rows: int) -> None:
    await db.execute(
        """UPDATE exports SET status = 'completed', storage_key = $2, size_bytes = $3, rows = $4, error = NULL,
                              finished_at = now()
           WHERE id = $1 AND status <> 'completed'""",
        export_id, storage_key, size_bytes, rows,
    )


async def fail_export(db: Executor, export_id: int, error: str, *, final: bool) -> None:
    """Record a failure: ``failed`` when final, else back to ``queued`` (a retry is coming)."""
    await db.execute(
        """UPDATE exports SET status = $3, error = $2, finished_at = CASE WHEN $3 = 'failed' THEN now() END
           WHERE id = $1 AND status <> 'completed'""",
        export_id, error[:2000], "failed" if final else "queued",
    )


class ExportRow(NamedTuple):
    """One concept of one payslip (a tuple: millions of them go through an export)."""

    documento: str
    nombre: str | None
    period: str
    run_id: int
    num_vinculacion: int
    code: str
    label: str
    category: str
    amount: Decimal


# The name as the HR files spell it (active employees first, then the salary history,
# then the deposits, for people who left); the net as a trailing concept of each payslip.
_ROWS = """
    WITH slips AS MATERIALIZED (
        SELECT p.id, p.documento, p.num_vinculacion, p.period, p.run_id, p.net,
               coalesce(
                   e.nombre_completo,
                   (SELECT s.nombre_completo FROM hr_salary_periods s
                    WHERE s.documento = p.documento AND s.nombre_completo IS NOT NULL
                    ORDER BY s.fecha_inicio_sueldo DESC LIMIT 1),
                   (SELECT d.nombre_completo FROM hr_deposits d
                    WHERE d.documento = p.documento AND d.nombre_completo IS NOT NULL
                    ORDER BY d.fecha_consignacion DESC LIMIT 1)
               ) AS nombre
        FROM payslips p LEFT JOIN hr_employees e ON e.documento = p.documento
        WHERE p.run_id = $1
    )
    SELECT documento, nombre, period, run_id, num_vinculacion, code, label, category, amount FROM (
        SELECT s.documento, s.nombre, s.period, s.run_id, s.num_vinculacion, l.line_no, l.code, l.label,
               l.category, l.amount
        FROM slips s JOIN payslip_lines l ON l.payslip_id = s.id
        WHERE l.category = ANY($2::text[])
        UNION ALL
        SELECT s.documento, s.nombre, s.period, s.run_id, s.num_vinculacion, 32767, $3, $4, $5, s.net
        FROM slips s
    ) rows
    ORDER BY documento, num_vinculacion, line_no
"""


async def stream_run_rows(
    conn: asyncpg.Connection, run_id: int, *, categories: list[str], net_code: str, net_label: str,
    net_category: str, prefetch: int = 2000,
) -> AsyncGenerator[ExportRow, None]:
    """Every line of ``categories`` of every payslip of a run, each payslip closed by a net row.

    Ordered by document, contract and line. Uses a server-side cursor, so it must run inside
    a transaction on ``conn`` (a repeatable-read one gives the file a single snapshot).
    """
    async for record in conn.cursor(_ROWS, run_id, categories, net_code, net_label, net_category,
                                    prefetch=prefetch):
        yield ExportRow(*record)


async def employer_identity(db: Executor) -> tuple[str, str | None]:
    """The employer's name and NIT, as printed on payslips."""
    row = await db.fetchrow("SELECT name, nit FROM employer_settings")
    if row is None:
        return "Empleador", None
    return row["name"], row["nit"]
