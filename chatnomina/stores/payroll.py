"""Payroll runs, their employees and payslips (with explained lines).

Writes from a chunk are set-based and idempotent: payslips go through a staging table and
``INSERT … ON CONFLICT (run_id, documento, num_vinculacion) DO NOTHING``, so a retried
chunk inserts nothing twice and only newly written payslips are counted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

import asyncpg

from chatnomina.db import Executor
from chatnomina.engine.trace import expand_compact
from chatnomina.hr.facts import PersonRows
from chatnomina.hr.rows import FileKind
from chatnomina.stores import hr as hr_store
from chatnomina.errors import Conflict

_RUN = ("id, period, group_code, kind, adjusts_run_id, status, total, done, failed, chunk_size, error, "
        "requested_by, created_at, started_at, finished_at, closed_at")


@dataclass(frozen=True)
class PayrollRun:
    id: int
    period: str
    group_code: str
    kind: str
    adjusts_run_id: int | None
    status: str
    total: int
    done: int
    failed: int
    chunk_size: int
    error: str | None
    requested_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    closed_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat().replace("+00:00", "Z") if value else None

        return {
            "run_id": self.id, "period": self.period, "group": self.group_code, "kind": self.kind,
            "adjusts_run_id": self.adjusts_run_id, "status": self.status,
            "counts": {"total": self.total, "done": self.done, "failed": self.failed,
                       "pending": max(0, self.total - self.done - self.failed)},
            "error": self.error, "requested_by": self.requested_by, "created_at": iso(self.created_at),
            "started_at": iso(self.started_at), "finished_at": iso(self.finished_at), "closed_at": iso(self.closed_at),
        }


def _run(row: Any) -> PayrollRun | None:
    return PayrollRun(**dict(row)) if row is not None else None


async def create_run(db: Executor, *, period: str, group_code: str, kind: str, adjusts_run_id: int | None,
                     chunk_size: int, requested_by: str | None) -> PayrollRun:
    """A queued run; a second regular run of the same group and period is a Conflict."""
    try:
        row = await db.fetchrow(
            f"""INSERT INTO payroll_runs (period, group_code, kind, adjusts_run_id, chunk_size, requested_by)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_RUN}""",
            period, group_code, kind, adjusts_run_id, chunk_size, requested_by,
        )
    except asyncpg.UniqueViolationError:
        existing = await db.fetchval(
            "SELECT id FROM payroll_runs WHERE group_code = $1 AND period = $2 AND kind = 'regular'",
            group_code, period)
        raise Conflict(
            f"Ya existe la nómina #{existing} del grupo {group_code} para {period}; para corregir una nómina "
            "cerrada cree una nómina de ajuste.", details={"run_id": existing}) from None
    run = _run(row)
    assert run is not None
    return run


async def get_run(db: Executor, run_id: int) -> PayrollRun | None:
    return _run(await db.fetchrow(f"SELECT {_RUN} FROM payroll_runs WHERE id = $1", run_id))


async def list_runs(db: Executor, *, period: str | None, limit: int, offset: int) -> list[PayrollRun]:
    rows = await db.fetch(
        f"""SELECT {_RUN} FROM payroll_runs WHERE ($1::text IS NULL OR period = $1)
            ORDER BY id DESC LIMIT $2 OFFSET $3""",
        period, limit, offset,
    )
    return [r for r in (_run(row) for row in rows) if r is not None]


async def start_run(db: Executor, run_id: int) -> PayrollRun | None:
    """queued → running (None when it was not queued: a redelivered start message)."""
    return _run(await db.fetchrow(
        f"""UPDATE payroll_runs SET status = 'running', started_at = coalesce(started_at, now())
            WHERE id = $1 AND status = 'queued' RETURNING {_RUN}""", run_id))


async def enrol_employees(conn: Executor, run_id: int, documents: Sequence[str], chunk_size: int) -> int:
    """The run's employee list, numbered into chunks; returns the total (idempotent)."""
    await conn.execute(
        """INSERT INTO payroll_run_employees (run_id, documento, chunk)
           SELECT $1, d, (ordinality - 1) / $3 FROM unnest($2::text[]) WITH ORDINALITY AS t(d, ordinality)
           ON CONFLICT (run_id, documento) DO NOTHING""",
        run_id, list(documents), chunk_size,
    )
    total = await conn.fetchval("SELECT count(*) FROM payroll_run_employees WHERE run_id = $1", run_id)
    await conn.execute("UPDATE payroll_runs SET total = $2 WHERE id = $1", run_id, total)
    return int(total)


async def chunks_to_compute(db: Executor, run_id: int) -> list[int]:
    """Chunks that still have pending employees."""
    rows = await db.fetch(
        "SELECT DISTINCT chunk FROM payroll_run_employees WHERE run_id = $1 AND status = 'pending' ORDER BY chunk",
        run_id,
    )
    return [row["chunk"] for row in rows]


async def pending_of_chunk(db: Executor, run_id: int, chunk: int) -> list[str]:
    rows = await db.fetch(
        """SELECT documento FROM payroll_run_employees WHERE run_id = $1 AND chunk = $2 AND status = 'pending'
           ORDER BY documento""",
        run_id, chunk,
    )
    return [row["documento"] for row in rows]


async def people_in_period(db: Executor, first: date, last: date) -> list[str]:
    """Documents with a contract that has days in [first, last] (set-based)."""
    rows = await db.fetch(
        """SELECT DISTINCT documento FROM (
               SELECT documento FROM hr_contracts
               WHERE fecha_ingreso <= $2 AND (fecha_retiro IS NULL OR fecha_retiro >= $1)
               UNION
               SELECT e.documento FROM hr_employees e
               WHERE e.fecha_ingreso <= $2
                 AND NOT EXISTS (SELECT 1 FROM hr_contracts c WHERE c.num_vinculacion = e.num_vinculacion)
           ) people ORDER BY documento""",
        first, last,
    )
    return [row["documento"] for row in rows]


@dataclass(frozen=True)
class PayslipRecord:
    """A computed payslip ready to be written."""

    documento: str
    num_vinculacion: int
    gross: Decimal
    deductions: Decimal
    net: Decimal
    ibc: Decimal
    employer_cost: Decimal
    summary: dict[str, Any]
    lines: list[tuple[int, str, str, str, Decimal, Any]]  # line_no, code, label, category, amount, compact trace
    difference_net: Decimal | None = None


@dataclass(frozen=True)
class ChunkResult:
    inserted: int
    failed: int
    inserted_documents: list[str]


async def write_chunk(
    conn: asyncpg.Connection, run_id: int, period: str, payslips: Sequence[PayslipRecord],
    failures: Sequence[tuple[str, str, str]],
) -> ChunkResult:
    """Write a chunk's payslips, lines and per-employee outcome; call inside a transaction."""
    await conn.execute(
        """CREATE TEMP TABLE stage_payslips (
               documento text, num_vinculacion bigint, gross numeric, deductions numeric, net numeric,
               ibc numeric, employer_cost numeric, difference_net numeric, summary jsonb, slot integer
           ) ON COMMIT DROP"""
    )
    await conn.copy_records_to_table(
        "stage_payslips",
        records=[(p.documento, p.num_vinculacion, p.gross, p.deductions, p.net, p.ibc, p.employer_cost,
                  p.difference_net, p.summary, slot) for slot, p in enumerate(payslips)],
        columns=["documento", "num_vinculacion", "gross", "deductions", "net", "ibc", "employer_cost",
                 "difference_net", "summary", "slot"],
    )
    inserted = await conn.fetch(
        """INSERT INTO payslips (run_id, documento, num_vinculacion, period, gross, deductions, net, ibc,
                                 employer_cost, difference_net, summary)
           SELECT $1, documento, num_vinculacion, $2, gross, deductions, net, ibc, employer_cost, difference_net,
                  summary
           FROM stage_payslips ORDER BY slot
           ON CONFLICT (run_id, documento, num_vinculacion) DO NOTHING
           RETURNING id, documento, num_vinculacion""",
        run_id, period,
    )
    await conn.execute("DROP TABLE stage_payslips")
    by_key = {(p.documento, p.num_vinculacion): p for p in payslips}
    lines = []
    for row in inserted:
        payslip = by_key[(row["documento"], row["num_vinculacion"])]
        for line_no, code, label, category, amount, trace in payslip.lines:
            lines.append((row["id"], line_no, code, label, category, amount, trace))
    if lines:
        await conn.copy_records_to_table(
            "payslip_lines", records=lines,
            columns=["payslip_id", "line_no", "code", "label", "category", "amount", "trace"],
        )
    done_documents = sorted({row["documento"] for row in inserted})
    if done_documents:
        await conn.execute(
            """UPDATE payroll_run_employees SET status = 'done', error = NULL, reason = NULL
               WHERE run_id = $1 AND documento = ANY($2::text[]) AND status <> 'done'""",
            run_id, done_documents,
        )
    newly_failed = 0
    if failures:
        result = await conn.execute(
            """UPDATE payroll_run_employees e SET status = 'failed', error = f.error, reason = f.reason
               FROM unnest($2::text[], $3::text[], $4::text[]) AS f(documento, error, reason)
               WHERE e.run_id = $1 AND e.documento = f.documento AND e.status = 'pending'""",
            run_id, [f[0] for f in failures], [f[1] for f in failures], [f[2] for f in failures],
        )
        newly_failed = int(result.split()[-1])
    return ChunkResult(len(done_documents), newly_failed, done_documents)


async def save_templates(conn: Executor, templates: dict[str, tuple[str, list[list[str]]]]) -> None:
    """Store trace templates not stored yet (a handful per chunk)."""
    if not templates:
        return
    keys = list(templates)
    await conn.execute(
        """INSERT INTO trace_templates (key, formula, inputs)
           SELECT k, f, i::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS t(k, f, i)
           ON CONFLICT (key) DO NOTHING""",
        keys, [templates[k][0] for k in keys], [json.dumps(templates[k][1]) for k in keys],
    )


async def load_templates(db: Executor, keys: Sequence[str]) -> dict[str, tuple[str, list[list[str]]]]:
    rows = await db.fetch("SELECT key, formula, inputs FROM trace_templates WHERE key = ANY($1::text[])", list(keys))
    return {row["key"]: (row["formula"], row["inputs"]) for row in rows}


async def add_progress(conn: Executor, run_id: int, done: int, failed: int) -> PayrollRun | None:
    """Count a chunk's new outcomes; completes the run when nothing is pending."""
    return _run(await conn.fetchrow(
        f"""UPDATE payroll_runs SET done = done + $2, failed = failed + $3,
                   status = CASE WHEN done + $2 + failed + $3 >= total THEN 'completed' ELSE status END,
                   finished_at = CASE WHEN done + $2 + failed + $3 >= total THEN now() ELSE finished_at END
            WHERE id = $1 AND status = 'running' RETURNING {_RUN}""",
        run_id, done, failed,
    ))


async def fail_run(db: Executor, run_id: int, error: str) -> None:
    await db.execute(
        "UPDATE payroll_runs SET status = 'failed', error = $2, finished_at = now() "
        "WHERE id = $1 AND status <> 'closed'",
        run_id, error[:2000],
    )


async def reset_failed(conn: Executor, run_id: int) -> int:
    """Failed employees back to pending (a re-run of only them); returns how many."""
    result = await conn.execute(
        "UPDATE payroll_run_employees SET status = 'pending', error = NULL, reason = NULL "
        "WHERE run_id = $1 AND status = 'failed'", run_id)
    count = int(result.split()[-1])
    if count:
        await conn.execute(
            """UPDATE payroll_runs SET failed = failed - $2, status = 'running', finished_at = NULL
               WHERE id = $1""", run_id, count)
    return count


async def close_run(conn: Executor, run_id: int) -> PayrollRun | None:
    return _run(await conn.fetchrow(
        f"""UPDATE payroll_runs SET status = 'closed', closed_at = now()
            WHERE id = $1 AND status = 'completed' AND failed = 0 RETURNING {_RUN}""", run_id))


async def errors_of(db: Executor, run_id: int, limit: int = 200) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """SELECT documento, error, reason FROM payroll_run_employees
           WHERE run_id = $1 AND status = 'failed' ORDER BY documento LIMIT $2""", run_id, limit)
    return [dict(row) for row in rows]


async def payslips_of_run(db: Executor, run_id: int, *, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    rows = await db.fetch(
        """SELECT id, documento, num_vinculacion, period, gross, deductions, net, ibc, employer_cost,
                  difference_net, count(*) OVER () AS total
           FROM payslips WHERE run_id = $1 ORDER BY documento, num_vinculacion LIMIT $2 OFFSET $3""",
        run_id, limit, offset,
    )
    total = rows[0]["total"] if rows else 0
    return [{k: v for k, v in dict(row).items() if k != "total"} for row in rows], int(total)


async def net_by_employee(db: Executor, run_id: int) -> dict[tuple[str, int], Decimal]:
    """Net pay per (document, contract) of a run (adjustment runs compare with it)."""
    rows = await db.fetch("SELECT documento, num_vinculacion, net FROM payslips WHERE run_id = $1", run_id)
    return {(row["documento"], row["num_vinculacion"]): row["net"] for row in rows}


async def latest_payslip(db: Executor, documento: str, period: str) -> dict[str, Any] | None:
    """The newest computed payslip of a person for a period (from a completed or closed run)."""
    row = await db.fetchrow(
        """SELECT p.id, p.run_id, p.num_vinculacion, p.period, p.gross, p.deductions, p.net, p.ibc,
                  p.summary, r.status AS run_status, r.kind AS run_kind, p.created_at
           FROM payslips p JOIN payroll_runs r ON r.id = p.run_id
           WHERE p.documento = $1 AND p.period = $2 AND r.status IN ('completed', 'closed')
           ORDER BY p.run_id DESC LIMIT 1""",
        documento, period,
    )
    if row is None:
        return None
    lines = [dict(line) for line in await db.fetch(
        "SELECT line_no, code, label, category, amount, trace FROM payslip_lines "
        "WHERE payslip_id = $1 ORDER BY line_no",
        row["id"],
    )]
    templates = await load_templates(db, sorted({line["trace"][0] for line in lines}))
    for line in lines:
        template = templates.get(line["trace"][0])
        line["trace"] = expand_compact(line["trace"], template) if template else {"template": "", "inputs": {}}
    return {**dict(row), "lines": lines}


async def computed_periods(db: Executor, documento: str) -> list[dict[str, Any]]:
    """The newest computed payslip of each period of a person."""
    rows = await db.fetch(
        """SELECT DISTINCT ON (p.period) p.period, p.gross, p.deductions, p.net, p.run_id
           FROM payslips p JOIN payroll_runs r ON r.id = p.run_id
           WHERE p.documento = $1 AND r.status IN ('completed', 'closed')
           ORDER BY p.period, p.run_id DESC""",
        documento,
    )
    return [dict(row) for row in rows]


async def users_by_document(db: Executor, documents: Sequence[str]) -> dict[str, int]:
    """User ids of the people who have an account (to notify them)."""
    rows = await db.fetch("SELECT id, document FROM users WHERE document = ANY($1::text[])", list(documents))
    return {row["document"]: row["id"] for row in rows}


async def employer_settings(db: Executor) -> dict[str, Any]:
    row = await db.fetchrow("SELECT exonerated, default_arl_class, rest_day_pay FROM employer_settings")
    return dict(row) if row else {"exonerated": True, "default_arl_class": "I", "rest_day_pay": "base_plus_surcharge"}


_PAYROLL_QUERIES: dict[FileKind, tuple[str, str]] = {
    # kind → (extra condition for a payroll of [$2, $3], order); only what the mapping reads
    FileKind.CONTRACTS: ("fecha_ingreso <= $3 AND (fecha_retiro IS NULL OR fecha_retiro >= $2)",
                         "fecha_ingreso, num_vinculacion"),
    FileKind.SALARY_HISTORY: ("fecha_inicio_sueldo <= $3 AND (fecha_fin_sueldo IS NULL OR fecha_fin_sueldo >= $2)",
                              "num_vinculacion, fecha_inicio_sueldo"),
    FileKind.NOVELTIES: ("fecha_inicio <= $3 AND (fecha_fin IS NULL OR fecha_fin >= $2 OR fecha_inicio >= $2)",
                         "fecha_inicio, cod_concepto"),
    # a year back, so an incapacity continuing an earlier one (prórroga) keeps its day count
    FileKind.ABSENCES: ("fecha_inicio <= $3 AND fecha_fin >= $2::date - 366", "fecha_inicio"),
}


def _row(table: hr_store.HrTable, record: asyncpg.Record) -> Any:
    values = [record[c] if decode is None else decode(record[c]) for c, decode in zip(table.columns, table.converters)]
    return table.row_class(*values)


async def load_payroll_people(db: Executor, documents: Sequence[str], first: date, last: date) -> list[PersonRows]:
    """The rows a payroll of [first, last] needs, for many people, in few set-based queries.

    Deposits, bank accounts and vacation entitlements are not read, salaries, novelties and
    absences only around the period, and of the withholding computations only the latest
    one up to the period per contract (which is all the mapping looks at).
    """
    docs = list(documents)
    lists: dict[str, dict[str, list[Any]]] = {d: {} for d in docs}
    actives: dict[str, Any] = {}
    employees = hr_store.TABLES[FileKind.ACTIVE_EMPLOYEES]
    for record in await db.fetch(
        f"SELECT {', '.join(employees.columns)} FROM hr_employees WHERE documento = ANY($1::text[])", docs
    ):
        actives[record["documento"]] = _row(employees, record)
    attributes = {FileKind.CONTRACTS: "contracts", FileKind.SALARY_HISTORY: "salaries",
                  FileKind.NOVELTIES: "novelties", FileKind.ABSENCES: "absences"}
    for kind, (condition, order) in _PAYROLL_QUERIES.items():
        table = hr_store.TABLES[kind]
        rows = await db.fetch(
            f"""SELECT {', '.join(table.columns)} FROM {table.name}
                WHERE documento = ANY($1::text[]) AND {condition} ORDER BY documento, {order}""",
            docs, first, last,
        )
        attribute = attributes[kind]
        for record in rows:
            lists[record["documento"]].setdefault(attribute, []).append(_row(table, record))
    withholdings = hr_store.TABLES[FileKind.WITHHOLDING]
    upper = f"{(last.year + (last.month == 12)):04d}{(last.month % 12) + 1:02d}"
    for record in await db.fetch(
        f"""SELECT DISTINCT ON (num_vinculacion) {', '.join(withholdings.columns)} FROM hr_withholdings
            WHERE documento = ANY($1::text[]) AND cod_nomina < $2
            ORDER BY num_vinculacion, cod_nomina DESC, proced DESC""",
        docs, upper,
    ):
        lists[record["documento"]].setdefault("withholdings", []).append(_row(withholdings, record))
    people = []
    for document in docs:
        found = lists[document]
        if not found and document not in actives:
            continue
        people.append(PersonRows(
            document, active=actives.get(document),
            **{name: tuple(found.get(name, ())) for name in ("contracts", "salaries", "novelties", "absences",
                                                              "withholdings")},
        ))
    return people
