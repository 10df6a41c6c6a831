"""HR rows mirrored from the exports: bulk upserts and reading a person's rows back.

Writes are set-based: rows arrive as COPY text (:mod:`chatnomina.hr.pgcopy`), prepared
where the files were parsed; a first import COPYs them straight into the empty table, a
later one into a temporary staging table merged with one ``MERGE`` on the natural key,
counting what was inserted, updated and left unchanged (see :func:`store_copy`). Reads
return the same row dataclasses the parser produces, so the facts computed from the
database are the facts computed from the files.
"""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from chatnomina.db import Executor
from chatnomina.hr.facts import PersonRows
from chatnomina.hr.pgcopy import copy_columns, encode_rows
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


def _converter(hint: Any) -> Callable[[Any], Any] | None:
    """From the database for types stored as text: enums and payroll periods."""
    candidates = typing.get_args(hint) or (hint,)
    for candidate in candidates:
        if candidate is PayrollPeriod:
            return _optional(parse_period)
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return _optional(candidate)
    return None


def _optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _table(kind: FileKind) -> HrTable:
    cls = ROW_CLASS[kind]
    hints = typing.get_type_hints(cls)
    columns = copy_columns(kind)  # the row fields: what the COPY text fills, in its order
    return HrTable(
        kind=kind, name=_TABLE_NAMES[kind], row_class=cls, columns=columns, key=tuple(cls.NATURAL_KEY),
        converters=tuple(_converter(hints[c]) for c in columns),
    )


TABLES: dict[FileKind, HrTable] = {kind: _table(kind) for kind in FileKind}


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        """Rows stored: inserted, updated or found unchanged."""
        return self.inserted + self.updated + self.unchanged


async def upsert_rows(conn: asyncpg.Connection, kind: FileKind, rows: Sequence[Any], import_id: int) -> UpsertCounts:
    """Merge ``rows`` into the table of ``kind``; call inside a transaction."""
    if not rows:
        return UpsertCounts(0, 0, 0)
    return await store_copy(conn, kind, [encode_rows(kind, rows, (import_id,))])


async def store_copy(
    conn: asyncpg.Connection, kind: FileKind, copy: AsyncIterable[bytes] | Iterable[bytes]
) -> UpsertCounts:
    """Merge rows given as COPY text into the table of ``kind``; call inside a transaction.

    ``copy`` yields :mod:`chatnomina.hr.pgcopy` text whose lines end with the import id;
    the rows' natural keys are unique (the parser rejects repeated keys). An exception
    raised while iterating aborts the COPY (and so the transaction). The table is locked
    against other imports (readers are not blocked), so what it holds cannot change
    between the checks and the writes:

    * empty table (a first import): the rows are COPYed straight into it;
    * otherwise they are COPYed into a temporary staging table and merged with one
      ``MERGE``: new keys inserted, rows whose values differ updated, equal rows left
      untouched (no write at all, unlike ``INSERT … ON CONFLICT DO UPDATE … WHERE``,
      which locks, and so writes, every conflicting row).

    ``synchronous_commit`` is off for the transaction: a crash right after the commit may
    lose it, which leaves the data as before the import, and importing again fixes that.
    """
    table = TABLES[kind]
    columns = [*table.columns, "import_id"]
    source = copy if isinstance(copy, AsyncIterable) else _chunks(copy)
    await conn.execute("SET LOCAL synchronous_commit = off")
    await conn.execute(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE")
    if not await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table.name})"):
        status = await conn.copy_to_table(table.name, source=source, columns=columns, timeout=BULK_TIMEOUT)
        return UpsertCounts(_copied(status), 0, 0)
    stage = f"stage_{table.name}"
    # Hash joins over millions of staged rows stay in memory instead of spilling to disk.
    await conn.execute(f"SET LOCAL work_mem = '{MERGE_WORK_MEM}'")
    await conn.execute(f"CREATE TEMP TABLE {stage} (LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP")
    copied = _copied(await conn.copy_to_table(stage, source=source, columns=columns, timeout=BULK_TIMEOUT))
    if not copied:
        await conn.execute(f"DROP TABLE {stage}")
        return UpsertCounts(0, 0, 0)
    # No ANALYZE: the planner sizes the staged table from its pages, enough to merge a few
    # rows through the index and many with a hash join (and ANALYZE costs a second or two).
    # The lock keeps other writers out, so the change in the count is what the merge inserted.
    before = await conn.fetchval(f"SELECT count(*) FROM {table.name}", timeout=BULK_TIMEOUT)
    values = table.value_columns
    on = " AND ".join(f"t.{c} = s.{c}" for c in table.key)
    differ = f"({', '.join('t.' + c for c in values)}) IS DISTINCT FROM ({', '.join('s.' + c for c in values)})"
    status = await conn.execute(
        f"""MERGE INTO {table.name} AS t USING {stage} AS s ON {on}
            WHEN MATCHED AND {differ} THEN
                UPDATE SET {', '.join(f'{c} = s.{c}' for c in values)}, import_id = s.import_id, updated_at = now()
            WHEN NOT MATCHED THEN
                INSERT ({', '.join(columns)}) VALUES ({', '.join('s.' + c for c in columns)})""",
        timeout=BULK_TIMEOUT,
    )
    after = await conn.fetchval(f"SELECT count(*) FROM {table.name}", timeout=BULK_TIMEOUT)
    await conn.execute(f"DROP TABLE {stage}")
    inserted = int(after) - int(before)
    updated = _copied(status) - inserted
    return UpsertCounts(inserted, updated, copied - inserted - updated)


MERGE_WORK_MEM = "128MB"
BULK_TIMEOUT = 3600.0  # seconds: a statement over millions of rows outlasts the pool's command timeout


def _copied(status: str) -> int:
    """The row count of a command status (``COPY 12``, ``MERGE 3``)."""
    return int(status.split()[-1])


async def _chunks(copy: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in copy:
        yield chunk


async def ensure_contracts_of_actives(conn: Executor, import_id: int) -> int:
    """An active employee's contract exists even when VINCULACION_HM did not list it."""
    result = await conn.execute(
        """INSERT INTO hr_contracts (documento, num_vinculacion, fecha_ingreso, tipo_vinculacion, import_id)
           SELECT e.documento, e.num_vinculacion, e.fecha_ingreso, e.tipo_contratacion, $1 FROM hr_employees e
           WHERE NOT EXISTS (SELECT 1 FROM hr_contracts c WHERE c.num_vinculacion = e.num_vinculacion)
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


#: The HR data version: None while an import runs, else the latest ``finished_at`` of the
#: imports. Imports are the only writers of the HR tables; each commits its files while
#: ``running`` and then, in one more statement, sets ``finished_at`` (strictly after every
#: earlier one, see ``imports.finish_import``). So rows read at or after a snapshot that saw
#: version *v* are at least as new as *v*, and rows that change later come with another
#: version. An import that died while running keeps the version None (rows are then always
#: read) until it is run again or marked failed. Edits by hand in SQL show once the cached
#: rows expire (``chatnomina.assistant.people_cache``).
HR_DATA_VERSION = """SELECT CASE WHEN EXISTS (SELECT 1 FROM hr_imports WHERE status = 'running') THEN NULL
                             ELSE (SELECT max(finished_at)::text FROM hr_imports) END"""


async def load_person(db: Executor, document: str) -> PersonRows | None:
    """The rows of one person, or None when the exports never mentioned them (one round trip)."""
    return await load_person_at_once(db, document)


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


def _person_query() -> str:
    """One statement returning every table's rows of one person as arrays of table rows."""
    columns = [
        "(SELECT e FROM hr_employees e WHERE e.documento = $1) AS active",
        *(f"ARRAY(SELECT t FROM {TABLES[kind].name} t WHERE t.documento = $1 ORDER BY {_ORDER[kind]}) AS {name}"
          for kind, name in _PERSON_ATTRIBUTES.items()),
        """ARRAY(SELECT v FROM hr_vacation_entitlements v
                 WHERE v.num_vinculacion IN (SELECT num_vinculacion FROM hr_contracts WHERE documento = $1
                                             UNION SELECT num_vinculacion FROM hr_employees WHERE documento = $1)
                 ORDER BY v.num_vinculacion, v.periodo) AS vacations""",
    ]
    return "SELECT " + ",\n       ".join(columns)


_PERSON_QUERY = _person_query()


async def load_person_at_once(db: Executor, document: str) -> PersonRows | None:
    """Like :func:`load_person` (same rows, same order) in one round trip instead of nine.

    The chat assistant reads one person per message; on a busy web process the nine
    round trips of :func:`load_people`, not the rows, were the cost.
    """
    record = await db.fetchrow(_PERSON_QUERY, document)
    active = record["active"]
    lists = {name: tuple(_build(TABLES[kind], row) for row in record[name])
             for kind, name in _PERSON_ATTRIBUTES.items()}
    vacations = tuple(_build(TABLES[FileKind.VACATION_ENTITLEMENTS], row) for row in record["vacations"])
    if active is None and not vacations and not any(lists.values()):
        return None
    return PersonRows(
        document,
        active=_build(TABLES[FileKind.ACTIVE_EMPLOYEES], active) if active is not None else None,
        vacations=vacations,
        **lists,
    )
