"""What was deducted from a payroll, and the withholding tax (``VALIDADOR_RETENCION``). Pure.

Salud and pensión are the withholding file's ``Total_Sal`` (each the employee's 4 %, Ley 100
arts. 20 and 204); the Fondo de Solidaridad Pensional is ``Total_Pensión`` − ``Total_Sal``;
authorised deductions come from the month's ``NOVEDADES_HM``; the total is the deposit's
``Descuentos`` (see :func:`chatnomina.hr.facts.deductions`).
"""

from __future__ import annotations

from decimal import Decimal

from chatnomina.assistant.answerers.base import (
    HR_CONTACT,
    ZERO,
    Answer,
    Ask,
    Employee,
    bullets,
    cop,
    hr_source,
    law_source,
    merge_sources,
    month_label,
    passage_source,
    payrolls_in,
    target_payrolls,
)
from chatnomina.assistant.formatting import format_percent
from chatnomina.assistant.knowledge import KnowledgeBase
from chatnomina.hr import facts
from chatnomina.hr.rows import FileKind, NoveltyType
from chatnomina.hr.values import PayrollPeriod

#: Novelty codes of authorised deductions → the NLU's concept for them.
NOVELTY_CONCEPTS = {
    "LIB": "libranza",
    "COOP": "cooperativa",
    "MEDPRE": "medicina_prepagada",
    "AVP": "aportes_voluntarios",
    "AFC": "afc",
}
NOVELTY_LABELS = {
    "LIB": "Libranza",
    "COOP": "Cooperativa",
    "MEDPRE": "Medicina prepagada",
    "AVP": "Aporte voluntario a pensión",
    "AFC": "Ahorro AFC",
}
_FIXED = (
    ("salud", "Salud (4 %)"),
    ("pension", "Pensión (4 %)"),
    ("fsp", "Fondo de Solidaridad Pensional"),
    ("retencion_fuente", "Retención en la fuente"),
)
_AUTHORISED_LAW = law_source("CST art. 149", "Descuentos autorizados por escrito por el trabajador")


def _passage(knowledge: KnowledgeBase, passage_id: str) -> dict | None:
    try:
        return passage_source(knowledge.get(passage_id))
    except KeyError:
        return None


def _law_for(concepts: set[str], knowledge: KnowledgeBase) -> list[dict]:
    ids = []
    if concepts & {"salud", "pension"}:
        ids.append("aportes_seguridad_social")
    if "fsp" in concepts:
        ids.append("fondo_solidaridad")
    if "retencion_fuente" in concepts:
        ids.append("retencion_fuente")
    out = [s for s in (_passage(knowledge, i) for i in ids) if s is not None]
    if concepts & set(NOVELTY_CONCEPTS.values()):
        out.append(_AUTHORISED_LAW)
    return out


def _lines(employee: Employee, payroll: PayrollPeriod) -> tuple[list[tuple[str, str, Decimal]], Decimal] | None:
    """(concept, label, amount) of each deduction of ``payroll``, and the total; None without detail."""
    found = facts.deductions(employee.person, payroll)
    if found is None:
        return None
    lines = [
        ("salud", "Salud (4 %)", found.salud),
        ("pension", "Pensión (4 %)", found.pension),
        ("fsp", "Fondo de Solidaridad Pensional", found.fondo_solidaridad),
        ("retencion_fuente", "Retención en la fuente", found.retencion_fuente),
    ]
    notes: dict[str, str] = {}
    for novelty in facts.novelties_of_month(employee.person, payroll.year, payroll.month):
        if novelty.type is NoveltyType.DEDUCCION and novelty.observacion:
            notes.setdefault(novelty.code, novelty.observacion)
    for code, value in found.novedades.items():
        label = NOVELTY_LABELS.get(code, facts.NOVELTY_DESCRIPTIONS.get(code, code).capitalize())
        if code in notes:
            label += f" ({notes[code]})"
        lines.append((NOVELTY_CONCEPTS.get(code, code), label, value))
    listed = sum((amount for _c, _l, amount in lines), ZERO)
    if found.total != listed:
        lines.append(("otros", "Otros descuentos", found.total - listed))
    return lines, found.total


def _asked_concepts(ask: Ask) -> set[str]:
    wanted = {c for c in ask.entities.concepts if c in {code for code, _ in _FIXED} | set(NOVELTY_CONCEPTS.values())}
    if ask.mentions("seguridad social|aportes obligatorios|parafiscales"):
        wanted |= {"salud", "pension", "fsp"}
    if "pension" in wanted and not ask.mentions("voluntari"):
        wanted.add("fsp")  # the FSP is part of the pension contribution
    return wanted


def _sources(payrolls: list[PayrollPeriod]) -> list[dict]:
    out = []
    for kind in (FileKind.WITHHOLDING, FileKind.NOVELTIES, FileKind.DEPOSITS):
        if len(payrolls) == 1:
            out.append(hr_source(kind, payrolls[0]))
        else:
            out.append(hr_source(kind, periods=[p.code for p in payrolls]))
    return out


def deducciones(ask: Ask) -> Answer:
    """The deductions of the asked payroll(s): full detail, or the concepts named."""
    employee = ask.me
    payrolls, note = target_payrolls(ask)
    if not payrolls:
        return Answer(note or "No tengo nóminas registradas a tu nombre.", (hr_source(FileKind.DEPOSITS),))
    wanted = _asked_concepts(ask)
    texts = [note] if note else []
    if len(payrolls) == 1 or wanted:
        for payroll in payrolls[-6:]:
            texts.append(_detail(employee, payroll, wanted))
    else:
        rows, total = [], ZERO
        for payroll in payrolls:
            found = _lines(employee, payroll)
            if found is None:
                deposit = facts.deposit_of(employee.person, payroll)
                if deposit is not None:
                    rows.append(f"{month_label(payroll)}: {cop(deposit.descuentos)}")
                    total += deposit.descuentos
                continue
            lines, month_total = found
            parts = ", ".join(f"{label.split(' (')[0].lower()} {cop(v)}" for _c, label, v in lines if v)
            rows.append(f"{month_label(payroll)}: {cop(month_total)} ({parts})")
            total += month_total
        texts.append(f"Tus descuentos por nómina suman {cop(total)}:\n" + bullets(rows))
    law = _law_for(wanted or {"salud", "pension"}, ask.knowledge)
    return Answer("\n".join(texts), merge_sources(_sources(payrolls), law))


def _detail(employee: Employee, payroll: PayrollPeriod, wanted: set[str]) -> str:
    label = month_label(payroll)
    found = _lines(employee, payroll)
    if found is None:
        deposit = facts.deposit_of(employee.person, payroll)
        if deposit is None:
            return f"No tengo descuentos registrados en la nómina de {label}."
        return (f"En la nómina de {label} te descontaron {cop(deposit.descuentos)} en total (no tengo el "
                "detalle por concepto de esa nómina).")
    lines, total = found
    if not wanted:
        return (f"En la nómina de {label} te descontaron {cop(total)} en total:\n"
                + bullets(f"{text}: {cop(amount)}" for _c, text, amount in lines))
    chosen = [(c, text, amount) for c, text, amount in lines if c in wanted]
    shown = [(c, t, a) for c, t, a in chosen if a or c in ("salud", "pension")]
    missing = sorted({c for c in wanted if c not in {c for c, _t, a in chosen if a}} - {"fsp", "salud", "pension"})
    parts = []
    if shown:
        parts.append(f"En la nómina de {label}:\n" + bullets(f"{text}: {cop(amount)}" for _c, text, amount in shown))
    for concept in missing:
        name = {"retencion_fuente": "retención en la fuente"}.get(concept, concept.replace("_", " "))
        parts.append(f"En la nómina de {label} no tuviste descuento de {name}.")
    if "fsp" in wanted and not any(c == "fsp" and a for c, _t, a in chosen):
        parts.append("No te descontaron Fondo de Solidaridad Pensional (aplica desde 4 SMMLV de ingreso base).")
    parts.append(f"El total de descuentos de esa nómina fue {cop(total)}.")
    return "\n".join(parts)


# -- withholding --------------------------------------------------------------------------------

_HOW = "como|calcula|calcularon|sale|liquidan|por que|porque|razon|procedimiento|porcentaje|tarifa|depura"
_REDUCE = "disminuir|disminuye|reducir|reduzco|bajar|baja|menos|ahorrar|sirve|deducir|deducible"


def _withholding_rows(employee: Employee, payrolls: list[PayrollPeriod]) -> list[tuple[PayrollPeriod, Decimal]]:
    out = []
    for payroll in payrolls:
        value = facts.withholding(employee.person, payroll)
        if value is not None:
            out.append((payroll, value))
    return out


def _explain_row(employee: Employee, payroll: PayrollPeriod) -> str:
    row = facts.withholding_row(employee.person, payroll)
    if row is None:
        return ""
    deductions = [(label, value) for label, value in (
        ("dependientes", row.dependientes), ("medicina prepagada", row.medicina_prepagada),
        ("intereses de vivienda", row.vivienda), ("aportes voluntarios a pensión", row.aporte_fvol),
        ("ahorro AFC", row.aporte_afc)) if value]
    text = (f"Cómo se calculó la de {month_label(payroll)} (procedimiento {row.proced}): a tus ingresos "
            f"laborales de {cop(row.ingresos)} se les restan los aportes obligatorios a salud "
            f"({cop(row.total_sal)}) y pensión ({cop(row.total_pension)})")
    if deductions:
        text += ", " + ", ".join(f"{label} ({cop(value)})" for label, value in deductions)
    text += (" y la renta exenta del 25 % (todo con los topes de ley); a esa base, convertida a UVT, se le "
             "aplica la tabla del artículo 383 del Estatuto Tributario.")
    if row.proced == "2" and row.porcentaje_ret:
        text += f" Con el procedimiento 2 tu porcentaje fijo es {format_percent(row.porcentaje_ret)}."
    return text


def retencion_fuente(ask: Ask) -> Answer:
    """Retención en la fuente of a payroll or a span (total), with how it is computed when asked."""
    employee = ask.me
    knowledge = ask.knowledge
    law = [s for s in (_passage(knowledge, "retencion_fuente"),) if s is not None]
    if ask.mentions("certificado"):
        text = (f"El certificado de ingresos y retenciones (formulario 220) lo expide {HR_CONTACT} cada año. "
                "¿Quieres que te comunique con una persona para pedirlo?")
        return Answer(text, tuple(law), offered_human=True)
    periods = ask.entities.periods
    texts: list[str] = []
    used: list[PayrollPeriod] = []
    if any((p.start.year, p.start.month) != (p.end.year, p.end.month) for p in periods):
        for period in periods:
            payrolls = payrolls_in(employee, period)
            rows = _withholding_rows(employee, payrolls)
            used += [p for p, _v in rows]
            total = sum((v for _p, v in rows), ZERO)
            if not rows:
                texts.append(f"No tengo nóminas con retención en la fuente en {period.label}: no te retuvieron "
                             f"nada ({cop(ZERO)}).")
                continue
            text = f"En {period.label} te retuvieron en la fuente {cop(total)} en total"
            nonzero = [(p, v) for p, v in rows if v]
            if nonzero and len(rows) > 1:
                text += ":\n" + bullets(f"{month_label(p)}: {cop(v)}" for p, v in nonzero)
            else:
                text += f" ({len(rows)} nóminas)." if len(rows) > 1 else "."
            texts.append(text)
    else:
        payrolls, note = target_payrolls(ask)
        if note:
            texts.append(note)
        rows = _withholding_rows(employee, payrolls)
        used += [p for p, _v in rows]
        if not rows:
            texts.append("No tengo cálculos de retención en la fuente para esa nómina.")
        for payroll, value in rows:
            if value:
                texts.append(f"En la nómina de {month_label(payroll)} te retuvieron en la fuente {cop(value)}.")
            else:
                texts.append(f"En la nómina de {month_label(payroll)} no te retuvieron nada en la fuente "
                             f"({cop(ZERO)}): tu base depurada no alcanzó el mínimo gravable de la tabla.")
        if rows and not periods:
            last = rows[-1][0]
            year_rows = _withholding_rows(employee, [p for p in _payrolls_of_year(employee, last.year) if p <= last])
            year_total = sum((v for _p, v in year_rows), ZERO)
            texts.append(f"En lo que va de {last.year} (hasta la nómina de {month_label(last)}) te han retenido "
                         f"{cop(year_total)}.")
            used += [p for p, _v in year_rows if p not in used]
    if used and (ask.mentions(_HOW) or ask.mentions(_REDUCE)):
        explanation = _explain_row(employee, max(used))
        if explanation:
            texts.append(explanation)
    if ask.mentions(_REDUCE):
        texts.append("Puedes disminuirla, con los topes de ley, reportando dependientes económicos, pagos de "
                     "medicina prepagada o intereses de crédito de vivienda, o haciendo aportes voluntarios a "
                     "pensión o a una cuenta AFC (ET arts. 126-1, 126-4 y 387). Entrega los soportes a "
                     f"{HR_CONTACT}.")
        law += [s for s in (_passage(knowledge, "retencion_depuracion"),) if s is not None]
    sources = merge_sources([hr_source(FileKind.WITHHOLDING, used[0]) if len(used) == 1 else
                             hr_source(FileKind.WITHHOLDING, periods=[p.code for p in sorted(set(used))])], law)
    return Answer("\n".join(texts), sources)


def _payrolls_of_year(employee: Employee, year: int) -> list[PayrollPeriod]:
    return sorted({w.cod_nomina for w in employee.person.withholdings if w.cod_nomina.year == year})
