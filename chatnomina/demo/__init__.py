"""The demo organisation of ``chatnomina dev``: fictional HR exports and four demo logins.

DEMO ONLY. ``chatnomina dev`` calls :func:`load_demo` after migrating its local database;
nothing else does. It imports the fictional organisation shipped in ``data/`` (the same
fifteen employees as the documented sample exports; every name, document and amount is
invented) and creates or refreshes four logins with fixed, published passwords:

* an employee of the data, and that employee's manager (also in the data);
* a payroll administrator and an HR agent, linked to no employee.

Those passwords are in this file and in the terminal, so they are for a developer's own
machine only: :func:`load_demo` refuses to run in staging or production.

Running it again changes nothing: the import finds every row unchanged and the logins are
upserted by email (their passwords reset to the demo ones).
"""

from __future__ import annotations

import asyncio
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

from chatnomina.auth.passwords import hash_password
from chatnomina.db import create_pool
from chatnomina.hr.parser import parse_export
from chatnomina.hr.rows import FileKind
from chatnomina.services.hr_import import run_import
from chatnomina.settings import Settings
from chatnomina.stores import imports as import_store
from chatnomina.stores import users as user_store

DEMO_DOMAIN = "demo.chatnomina.co"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account: who it is for (in Spanish), its credentials, roles and employee."""

    label: str
    email: str
    password: str
    roles: tuple[str, ...]
    document: str | None
    display_name: str
    about: str = ""

    def line(self) -> str:
        """How ``chatnomina dev`` shows it."""
        return f"{self.label}: {self.email} / contraseña {self.password}" + (f" ({self.about})" if self.about else "")


def demo_files() -> dict[str, bytes]:
    """The demo organisation's export files (package data), name → bytes."""
    folder = resources.files(__package__) / "data"
    return {entry.name: entry.read_bytes() for entry in folder.iterdir() if entry.name.upper().endswith(".TXT")}


def demo_logins(files: dict[str, bytes]) -> list[DemoLogin]:
    """The four demo accounts; the employee is the first one (by document) whose manager is also in the data."""
    actives = parse_export(FileKind.ACTIVE_EMPLOYEES.file_name, files[FileKind.ACTIVE_EMPLOYEES.file_name]).rows
    by_document = {row.documento: row for row in actives}
    employee = next(row for row in sorted(actives, key=lambda r: r.documento) if row.documento_jefe in by_document)
    manager = by_document[employee.documento_jefe]
    return [
        DemoLogin("Empleado", _email(employee), "demo-empleado-2026", ("employee",), employee.documento,
                  _display(employee), f"documento {employee.documento}, {employee.nombre_posicion}"),
        DemoLogin("Jefe", _email(manager), "demo-jefe-2026", ("employee", "manager"), manager.documento,
                  _display(manager), f"documento {manager.documento}, jefe de {_display(employee)}"),
        DemoLogin("Nómina", f"nomina@{DEMO_DOMAIN}", "demo-nomina-2026", ("payroll_admin",), None,
                  "Nómina (demo)", "administrador de nómina"),
        DemoLogin("Gestión humana", f"rrhh@{DEMO_DOMAIN}", "demo-rrhh-2026", ("hr_agent",), None,
                  "Gestión humana (demo)", "agente de RR. HH."),
    ]


async def load_demo(settings: Settings) -> list[str]:
    """Import the demo organisation and create its logins; the Spanish lines ``chatnomina dev`` prints."""
    if settings.is_strict:
        return [f"Datos de demostración omitidos: el entorno {settings.environment} no admite cuentas de demostración."]
    files = demo_files()
    logins = demo_logins(files)
    hashes = await asyncio.gather(*(asyncio.to_thread(hash_password, login.password) for login in logins))
    pool = await create_pool(settings, min_size=0, max_size=2)
    try:
        job = await import_store.create_import(pool, source="demo", requested_by="chatnomina dev", status="running")
        report = await run_import(pool, job.id, files)
        if report.exit_code != 0:  # the shipped data is clean: anything else is a bug
            raise RuntimeError(f"los datos de demostración no se importaron: {report.error or report.rejected[:3]}")
        lines = [f"Datos de demostración: organización ficticia de {_employees(files)} empleados "
                 f"({report.totals()['rows']} filas; {report.totals()['inserted']} nuevas)."]
        for login, hashed in zip(logins, hashes):
            lines.append(await _upsert(pool, login, hashed))
    finally:
        await pool.close()
    lines.append("Contraseñas de demostración: solo para esta máquina, nunca en staging ni producción.")
    return lines


async def _upsert(pool: Any, login: DemoLogin, hashed: str) -> str:
    if login.document is not None:
        holder = await user_store.get_user_by_document(pool, login.document)
        if holder is not None and holder.email.lower() != login.email.lower():
            return f"{login.label}: no se creó {login.email}; el documento {login.document} ya es de {holder.email}"
    await user_store.upsert_demo_user(pool, email=login.email, password_hash=hashed, roles=login.roles,
                                      document=login.document, display_name=login.display_name)
    return login.line()


def _employees(files: dict[str, bytes]) -> int:
    return len(parse_export(FileKind.ACTIVE_EMPLOYEES.file_name, files[FileKind.ACTIVE_EMPLOYEES.file_name]).rows)


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _email(row: Any) -> str:
    return f"{_ascii(row.nombre1).lower()}.{_ascii(row.apellido1).lower()}@{DEMO_DOMAIN}"


def _display(row: Any) -> str:
    return f"{row.nombre1.title()} {row.apellido1.title()}"
