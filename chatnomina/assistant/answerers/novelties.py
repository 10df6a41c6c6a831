"""Novelties (``NOVEDADES_HM``) and absences (``AUSENTISMO_HM``) of a payroll, pending or in force. Pure."""

from __future__ import annotations

from datetime import date

from chatnomina.assistant.answerers.base import (
    Answer,
    Ask,
    Employee,
    bullets,
    cop,
    day,
    hr_source,
    is_after_data,
    law_source,
    month_label,
    months_of,
    span,
)
from chatnomina.assistant.formatting import format_days, format_month
from chatnomina.hr import facts
from chatnomina.hr.rows import AbsenceType, FileKind, NoveltyType
from chatnomina.hr.values import PayrollPeriod, last_day_of_month

#: The NLU's concepts → the novelty codes they cover.
CONCEPT_CODES = {
    "horas_extras": frozenset({"HED", "HEN", "HEDDF", "HENDF", "HEDF", "HENF"}),
    "recargos": frozenset({"RN", "RDF", "RNDF", "HEDDF", "HENDF"}),
    "bonificacion": frozenset({"BON"}),
    "libranza": frozenset({"LIB"}),
    "cooperativa": frozenset({"COOP"}),
    "medicina_prepagada": frozenset({"MEDPRE"}),
    "aportes_voluntarios": frozenset({"AVP"}),
    "afc": frozenset({"AFC"}),
}
ABSENCE_CONCEPTS = {"incapacidad": AbsenceType.INC, "licencia": AbsenceType.LIC, "vacaciones": AbsenceType.VAC}
ABSENCE_NAMES = {
    AbsenceType.VAC: "vacaciones",
    AbsenceType.INC: "incapacidad",
    AbsenceType.LIC: "licencia",
    AbsenceType.PER: "permiso",
}
_PENDING = "pendiente|pendientes|por pagar|sin pagar|por liquidar|proxima nomina|no me han pagado"
_LOANS = ("cuotas|cuota|falta|faltan|saldo|debo|activa|activas|activo|activos|vigente|vigentes|credito|prestamo|"
          "prestamos")
_OVERTIME_LAW = law_source("CST arts. 168 a 179", "Horas extras y recargos")


def _codes(ask: Ask) -> frozenset[str] | None:
    codes: set[str] = set()
    for concept in ask.entities.concepts:
        codes |= CONCEPT_CODES.get(concept, frozenset())
    if ask.mentions("festivo|festivos|domingo|domingos|dominical|dominicales"):
        codes |= {"RDF", "RNDF", "HEDDF", "HENDF", "HEDF", "HENF"}
    return frozenset(codes) if codes else None


def _absence_types(ask: Ask) -> frozenset[AbsenceType] | None:
    types = {ABSENCE_CONCEPTS[c] for c in ask.entities.concepts if c in ABSENCE_CONCEPTS}
    if ask.mentions("permiso|permisos"):
        types.add(AbsenceType.PER)
    if ask.mentions("ausencia|ausencias|ausentismo"):
        types |= set(AbsenceType)
    return frozenset(types) if types else None


def _describe(description: str, observacion: str | None) -> str:
    name = description[0].upper() + description[1:]
    if observacion and observacion.lower() != description.lower():
        return f"{name} ({observacion})"
    return name


def _month_text(employee: Employee, year: int, month: int, codes: frozenset[str] | None,
                absence_types: frozenset[AbsenceType] | None) -> tuple[str, bool]:
    person = employee.person
    label = format_month(year, month)
    items = [n for n in facts.novelties_of_month(person, year, month) if codes is None or n.code in codes]
    if absence_types is not None and codes is None:
        items = []
    first, last = date(year, month, 1), last_day_of_month(year, month)
    absences = [a for a in person.absences if a.fecha_inicio <= last and a.fecha_fin >= first
                and (absence_types is None or a.cod_ausencia_tipo in absence_types)]
    if codes is not None and absence_types is None:
        absences = []
    earnings = [n for n in items if n.type is NoveltyType.DEVENGO]
    cuts = [n for n in items if n.type is NoveltyType.DEDUCCION]
    parts = []
    future = is_after_data(employee, year, month)
    if future:
        parts.append(f"La nómina de {label} todavía no se ha pagado; esto es lo que tiene registrado:")
    if earnings:
        parts.append(f"Pagos adicionales en {label}:\n" + bullets(
            f"{_describe(n.description, n.observacion)}: {cop(n.value)}" for n in earnings))
    if cuts:
        parts.append(f"Descuentos por novedades en {label}:\n" + bullets(
            f"{_describe(n.description, n.observacion)}: {cop(n.value)} (mensual)" if n.recurrente else
            f"{_describe(n.description, n.observacion)}: {cop(n.value)}" for n in cuts))
    if absences:
        parts.append(f"Ausencias registradas en {label}:\n" + bullets(
            f"{(a.ausencia_subtipo or ABSENCE_NAMES[a.cod_ausencia_tipo]).capitalize()}: "
            f"{span(a.fecha_inicio, a.fecha_fin)}" + (f" ({format_days(a.dias)})" if a.dias is not None else "")
            for a in absences))
    found = bool(earnings or cuts or absences)
    if not (earnings or cuts) and (codes is not None or absence_types is None):
        what = ("novedades de ese tipo" if codes or absence_types
                else "novedades de nómina (horas extra, bonificaciones ni descuentos)")
        parts.insert(1 if future else 0, f"No tienes {what} registradas en {label}.")
    elif not found:
        parts = [f"No tienes ausencias de ese tipo registradas en {label}."]
    return "\n".join(parts), found


def _absences_text(employee: Employee, types: frozenset[AbsenceType]) -> str:
    """The latest absences of these types, whatever their month."""
    found = sorted((a for a in employee.person.absences if a.cod_ausencia_tipo in types),
                   key=lambda a: a.fecha_inicio)
    names = " ni ".join(sorted({ABSENCE_NAMES[t] for t in types}))
    if not found:
        return f"No tienes registros de {names} en la nómina."
    shown = found[-5:]
    return (f"Tus últimos registros de {names}:\n" + bullets(
        f"{(a.ausencia_subtipo or ABSENCE_NAMES[a.cod_ausencia_tipo]).capitalize()}: "
        f"{span(a.fecha_inicio, a.fecha_fin)}"
        + (f" ({format_days(a.dias)})" if a.dias is not None else "") for a in reversed(shown)))


def _pending_text(employee: Employee) -> str:
    last = employee.last_payroll
    if last is None:
        return ""
    pending = facts.pending_novelties(employee.person, last)
    if not pending:
        return f"No tienes novedades pendientes después de la nómina de {month_label(last)}."
    return (f"Novedades pendientes (registradas para después de la nómina de {month_label(last)}):\n"
            + bullets(f"{_describe(facts.NOVELTY_DESCRIPTIONS.get(n.code, n.code), n.observacion)}: "
                      f"{cop(n.value)}, del {day(n.fecha)}" for n in pending))


def _loans_text(employee: Employee, codes: frozenset[str] | None) -> str | None:
    last = employee.last_payroll
    if last is None:
        return None
    active = [r for r in facts.active_recurring_novelties(employee.person, last)
              if codes is None or r.code in codes]
    if not active:
        return None
    lines = []
    for r in active:
        name = _describe(facts.NOVELTY_DESCRIPTIONS.get(r.code, r.code), r.observacion)
        text = f"{name}: {cop(r.value)} al mes, {span(r.start, r.end)}"
        if r.valor_total:
            paid = f"{r.cuotas_pagadas.normalize():f} cuotas pagadas, " if r.cuotas_pagadas is not None else ""
            text += (f"; {paid}{cop(r.valor_acumulado or 0)} abonados de {cop(r.valor_total)}"
                     + (f", saldo {cop(r.saldo)}" if r.saldo is not None else ""))
        elif r.valor_acumulado:
            text += f"; acumulado {cop(r.valor_acumulado)}"
        lines.append(text)
    return f"Descuentos recurrentes vigentes (a la nómina de {month_label(last)}):\n" + bullets(lines)


def novedades(ask: Ask) -> Answer:
    """Novelties of the asked month(s), the pending ones, or the recurring deductions in force."""
    employee = ask.me
    codes = _codes(ask)
    absence_types = _absence_types(ask)
    sources = [hr_source(FileKind.NOVELTIES)]
    last = employee.last_payroll
    if ask.mentions(_PENDING) and not ask.entities.periods:
        return Answer(_pending_text(employee), (hr_source(FileKind.NOVELTIES, last),) if last else tuple(sources))
    if absence_types is not None and codes is None and not ask.entities.periods:
        return Answer(_absences_text(employee, absence_types), (hr_source(FileKind.ABSENCES),))
    loans_asked = ask.mentions(_LOANS) or (codes is not None and codes <= {"LIB", "COOP"})
    if loans_asked and not ask.entities.periods:
        text = _loans_text(employee, codes)
        if text is None:
            what = "libranzas ni préstamos" if codes is None or "LIB" in codes else "descuentos de ese tipo"
            text = f"No tienes {what} activos en tu nómina."
        return Answer(text, (hr_source(FileKind.NOVELTIES, last),) if last else tuple(sources))
    if ask.entities.periods:
        months: list[tuple[int, int]] = []
        for period in ask.entities.periods:
            months += [m for m in months_of(period, limit=12) if m not in months]
    elif last is not None:
        months = [(last.year, last.month)]
    else:
        return Answer("No tengo novedades registradas a tu nombre.", tuple(sources))
    texts, any_found, periods = [], False, []
    for year, month in months:
        text, found = _month_text(employee, year, month, codes, absence_types)
        any_found |= found
        if found or len(months) <= 3:
            texts.append(text)
        periods.append(PayrollPeriod(year, month, "M").code)
    if not any_found and len(months) > 3:
        texts = [f"No tienes novedades de ese tipo registradas en {ask.entities.periods[0].label}."]
    if not ask.entities.periods:
        pending = _pending_text(employee)
        if pending and not pending.startswith("No tienes"):
            texts.append(pending)
    sources = [hr_source(FileKind.NOVELTIES, periods[0]) if len(periods) == 1
               else hr_source(FileKind.NOVELTIES, periods=periods)]
    if absence_types is not None or any("Ausencias" in t for t in texts):
        sources.append(hr_source(FileKind.ABSENCES))
    if codes and codes & (CONCEPT_CODES["horas_extras"] | CONCEPT_CODES["recargos"]):
        sources.append(_OVERTIME_LAW)
    return Answer("\n".join(texts), tuple(sources))
