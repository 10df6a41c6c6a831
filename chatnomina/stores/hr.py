"""HR rows mirrored from the exports: bulk upserts and reading a person's rows back.

Writes are set-based: rows are COPYed into a temporary staging table and merged with one
``INSERT … ON CONFLICT (natural key) DO UPDATE … WHERE changed``, which also counts what
was inserted, updated and left unchanged. Reads return the same row dataclasses the
parser produces, so the facts computed from the database are the facts computed from the
files.
"""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, Callable, Iterable, Sequence

import asyncpg

from chatnomina.db import Executor
from chatnomina.hr.facts import PersonRows
from chatnomina.hr.rows import ROW_CLASS, FileKind
from chatnomina.hr.values import PayrollPeriod, parse_period


@dataclass(frozen=True)
class HrTable:
    """Where the rows of one export file live."""

    kind: FileKind
    name: str
    row_class: type
    columns: tuple[str, ...]
    key: tuple[str, ...]
    encoders: tuple[Callable[[Any], Any] | None, ...]
    converters: tuple[Callable[[Any], Any] | None, ...]

    @property
    def value_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.key)


_TABLE_NAMES = {
    FileKind.ACTIVE_EMPLOYEES: "hr_employees",
    FileKind.CONTRACTS: "hr_contracts",
    FileKind.SALARY_HISTORY: "hr_salary_periods",
    FileKind.DEPOSITS: "hr_deposits",
    FileKind.NOVELTIES: "hr_novelties",
    FileKind.ABSENCES: "hr_absences",
    FileKind.VACATION_ENTITLEMENTS: "hr_vacation_entitlements",
    FileKind.BANK_ACCOUNTS: "hr_bank_accounts",
    FileKind.WITHHOLDING: "hr_withholdings",
}


def _codecs(hint: Any) -> tuple[Callable[[Any], Any] | None, Callable[[Any], Any] | None]:
    """(to database, from database) for types stored as text: enums and payroll periods."""
    candidates = typing.get_args(hint) or (hint,)
    for candidate in candidates:
        if candidate is PayrollPeriod:
            return (lambda value: None if value is None else value.code,
                    lambda value: None if value is None else parse_period(value))
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return (lambda value: None if value is None else value.value,
                    lambda value, cls=candidate: None if value is None else cls(value))
    return None, None


def _table(kind: FileKind) -> HrTable:
    cls = ROW_CLASS[kind]
    hints = typing.get_type_hints(cls)
    columns = tuple(f.name for f in fields(cls) if f.name != "line")
    codecs = [_codecs(hints[c]) for c in columns]
    return HrTable(
        kind=kind, name=_TABLE_NAMES[kind], row_class=cls, columns=columns, key=tuple(cls.NATURAL_KEY),
        encoders=tuple(encode for encode, _ in codecs), converters=tuple(decode for _, decode in codecs),
    )


TABLES: dict[FileKind, HrTable] = {kind: _table(kind) for kind in FileKind}


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int


def _records(table: HrTable, rows: Iterable[Any]) -> list[tuple[Any, ...]]:
    getter = attrgetter(*table.columns)
    encoders = table.encoders
    if not any(encoders):
        return [getter(row) for row in rows]
    positions = [(i, encode) for i, encode in enumerate(encoders) if encode is not None]
    records = []
    for row in rows:
        values = list(getter(row))
        for i, encode in positions:
            values[i] = encode(values[i])
        records.append(tuple(values))
    return records


async def upsert_rows(conn: asyncpg.Connection, kind: FileKind, rows: Sequence[Any], import_id: int) -> UpsertCounts:
    """Merge ``rows`` into the table of ``kind``; call inside a transaction."""
    if not rows:
        return UpsertCounts(0, 0, 0)
    table = TABLES[kind]
    stage = f"stage_{table.name}"
    await conn.execute(
        f"CREATE TEMP TABLE {stage} (LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    await conn.copy_records_to_table(stage, records=_records(table, rows), columns=list(table.columns))
    columns = ", ".join(table.columns)
    key = ", ".join(table.key)
    values = table.value_columns
    assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in values)
    changed = " OR ".join(f"{table.name}.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in values) or "false"
    row = await conn.fetchrow(
        f"""WITH merged AS (
                INSERT INTO {table.name} AS {table.name} ({columns}, import_id, updated_at)
                SELECT DISTINCT ON ({key}) {columns}, $1, now() FROM {stage}
                ON CONFLICT ({key}) DO UPDATE
                   SET {assignments}, import_id = EXCLUDED.import_id, updated_at = now()
                   WHERE {changed}
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted) AS inserted,
                   count(*) FILTER (WHERE NOT inserted) AS updated
            FROM merged""",
        import_id,
    )
    await conn.execute(f"DROP TABLE {stage}")
    inserted, updated = int(row["inserted"]), int(row["updated"])
    return UpsertCounts(inserted, updated, len(rows) - inserted - updated)


async def ensure_contracts_of_actives(conn: Executor, import_id: int) -> int:
    """An active employee's contract exists even when VINCULACION_HM did not list it."""
    result = await conn.execute(
        """INSERT INTO hr_contracts (documento, num_vinculacion, fecha_ingreso, tipo_vinculacion, import_id)
           SELECT documento, num_vinculacion, fecha_ingreso, tipo_contratacion, $1 FROM hr_employees
           ON CONFLICT (num_vinculacion) DO NOTHING""",
        import_id,
    )
    return int(result.split()[-1])


async def known_contracts(db: Executor) -> dict[int, str]:
    """Every stored contract id with its person's document (for the cross-file check)."""
    rows = await db.fetch(
        """SELECT num_vinculacion, documento FROM hr_contracts
           UNION SELECT num_vinculacion, documento FROM hr_employees"""
    )
    return {row["num_vinculacion"]: row["documento"] for row in rows}


def _build(table: HrTable, record: asyncpg.Record) -> Any:
    values = []
    for column, convert in zip(table.columns, table.converters):
        value = record[column]
        values.append(convert(value) if convert is not None else value)
    return table.row_class(*values)


_PERSON_ATTRIBUTES = {
    FileKind.CONTRACTS: "contracts",
    FileKind.SALARY_HISTORY: "salaries",
    FileKind.DEPOSITS: "deposits",
    FileKind.NOVELTIES: "novelties",
    FileKind.ABSENCES: "absences",
    FileKind.BANK_ACCOUNTS: "accounts",
    FileKind.WITHHOLDING: "withholdings",
}
_ORDER = {
    FileKind.CONTRACTS: "fecha_ingreso, num_vinculacion",
    FileKind.SALARY_HISTORY: "num_vinculacion, fecha_inicio_sueldo",
    FileKind.DEPOSITS: "fecha_consignacion, cod_nomina",
    FileKind.NOVELTIES: "fecha_inicio, cod_concepto",
    FileKind.ABSENCES: "fecha_inicio",
    FileKind.BANK_ACCOUNTS: "fecha_cuenta",
    FileKind.WITHHOLDING: "cod_nomina, proced",
}


async def load_people(db: Executor, documents: Sequence[str]) -> dict[str, PersonRows]:
    """The rows of every person in ``documents`` (set-based: one query per table)."""
    if not documents:
        return {}
    docs = list(documents)
    lists: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    actives: dict[str, Any] = {}
    employees = TABLES[FileKind.ACTIVE_EMPLOYEES]
    for record in await db.fetch(
        f"SELECT {', '.join(employees.columns)} FROM hr_employees WHERE documento = ANY($1::text[])", docs
    ):
        actives[record["documento"]] = _build(employees, record)
    for kind, attribute in _PERSON_ATTRIBUTES.items():
        table = TABLES[kind]
        rows = await db.fetch(
            f"""SELECT {', '.join(table.columns)} FROM {table.name}
                WHERE documento = ANY($1::text[]) ORDER BY documento, {_ORDER[kind]}""",
            docs,
        )
        for record in rows:
            lists[record["documento"]][attribute].append(_build(table, record))
    vacations = TABLES[FileKind.VACATION_ENTITLEMENTS]
    for record in await db.fetch(
        f"""SELECT c.documento, {', '.join('v.' + c for c in vacations.columns)}
            FROM hr_vacation_entitlements v
            JOIN (SELECT num_vinculacion, documento FROM hr_contracts
                  UNION SELECT num_vinculacion, documento FROM hr_employees) c USING (num_vinculacion)
            WHERE c.documento = ANY($1::text[])
            ORDER BY c.documento, v.num_vinculacion, v.periodo""",
        docs,
    ):
        lists[record["documento"]]["vacations"].append(_build(vacations, record))
    people = {}
    for document in docs:
        found = lists.get(document)
        if found is None and document not in actives:
            continue
        found = found or {}
        people[document] = PersonRows(
            document,
            active=actives.get(document),
            **{name: tuple(found.get(name, ())) for name in (*_PERSON_ATTRIBUTES.values(), "vacations")},
        )
    return people


async def load_person(db: Executor, document: str) -> PersonRows | None:
    """The rows of one person, or None when the exports never mentioned them."""
    return (await load_people(db, [document])).get(document)


async def manager_of(db: Executor, document: str) -> str | None:
    """``DocumentoJefe`` of an active employee."""
    return await db.fetchval("SELECT documento_jefe FROM hr_employees WHERE documento = $1", document)


async def reports_of(db: Executor, manager_document: str) -> list[str]:
    """Documents of the active employees whose manager is ``manager_document``."""
    rows = await db.fetch(
        "SELECT documento FROM hr_employees WHERE documento_jefe = $1 ORDER BY documento", manager_document
    )
    return [row["documento"] for row in rows]


async def last_payroll_code(db: Executor) -> str | None:
    """The latest ``CODNOMINA`` among imported deposits (the data's cut-off payroll)."""
    return await db.fetchval("SELECT max(cod_nomina) FROM hr_deposits WHERE cod_nomina ~ '^[0-9]{6}M$'")
