"""Explaining a payslip line by line (explicar_nomina). Pure.

The lines are those of the imported payroll (deposit, withholding file and novelties, see
:func:`chatnomina.hr.facts.earnings` and :func:`~chatnomina.hr.facts.deductions`). Each line
is explained with the law and, when the engine computes the same amount for that month, with
the engine's own trace (formula, parameters with their dates and norms).

The seam for payroll runs: :func:`payslip_items` takes an optional
:class:`~chatnomina.assistant.answerers.computed.ComputedPayslip`. A payroll run's payslip
(``source="payroll_run"``, passed by the service in ``Employee.payslips``) is explained by its
own lines; otherwise the imported lines are explained with the equivalent engine payslip
computed here from the imported rows (``source="engine"``) where the amounts agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chatnomina.assistant.answerers.base import (
    ZERO,
    Answer,
    Ask,
    Employee,
    bullets,
    cop,
    day,
    engine_source,
    hr_source,
    law_source,
    merge_sources,
    month_label,
    passage_source,
    target_payrolls,
)
from chatnomina.assistant.answerers.computed import ComputedLine, ComputedPayslip
from chatnomina.assistant.answerers.deductions import NOVELTY_CONCEPTS, NOVELTY_LABELS
from chatnomina.assistant.answerers.simulation import base_input
from chatnomina.assistant.formatting import format_percent
from chatnomina.assistant.knowledge import KnowledgeBase
from chatnomina.engine import Period, compute_payslip, default_parameters
from chatnomina.errors import InvalidRequest
from chatnomina.hr import facts
from chatnomina.hr.facts import PersonRows
from chatnomina.hr.rows import FileKind, NoveltyType
from chatnomina.hr.values import PayrollPeriod


@dataclass(frozen=True)
class Item:
    """One line of the payslip with its explanation."""

    key: str
    concept: str
    label: str
    amount: Decimal
    category: str  # devengo | deduccion
    why: str
    params: tuple[dict[str, Any], ...] = ()
    law: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class PayslipItems:
    """A payroll's lines, explained, with its totals."""

    payroll: PayrollPeriod
    items: tuple[Item, ...]
    gross: Decimal
    deductions: Decimal
    net: Decimal
    paid_on: Any  # date | None
    source: str  # "imported" | "payroll_run"
    engine_agrees: bool = False
    provisions: dict[str, Decimal] = field(default_factory=dict)

    def of(self, *concepts: str) -> list[Item]:
        """The lines of these concepts."""
        return [item for item in self.items if item.concept in concepts]


# What a concept is, for when the payslip of the month does not carry it.
GLOSSARY = {
    "horas_extras": ("HED son horas extra diurnas (se pagan con recargo del 25 % sobre la hora ordinaria) y HEN "
                     "horas extra nocturnas (recargo del 75 %); el máximo es 12 horas extra a la semana (CST arts. "
                     "162 y 168)."),
    "recargos": ("RN es el recargo nocturno: las horas ordinarias en la franja nocturna llevan un 35 % adicional "
                 "sobre la hora ordinaria (CST art. 168); RDF es el recargo por trabajar en domingo o festivo "
                 "(CST art. 179)."),
    "auxilio_transporte": ("El auxilio de transporte se paga a quien gana hasta 2 SMMLV, por los días trabajados; "
                           "no entra en la base de aportes a salud y pensión."),
    "salud": "El aporte a salud del trabajador es el 4 % del ingreso base de cotización (Ley 100 de 1993, art. 204).",
    "pension": ("El aporte a pensión del trabajador es el 4 % del ingreso base de cotización "
                "(Ley 100 de 1993, art. 20)."),
    "fsp": ("El Fondo de Solidaridad Pensional (FSP) lo aporta quien cotiza sobre 4 SMMLV o más: 1 % del ingreso "
            "base, y hasta 2 % desde 16 SMMLV (Ley 100 de 1993, art. 27, modificado por la Ley 797 de 2003)."),
    "retencion_fuente": ("La retención en la fuente es un anticipo del impuesto de renta: se calcula sobre tus "
                         "ingresos laborales menos aportes obligatorios, deducciones y rentas exentas, con la tabla "
                         "del art. 383 del Estatuto Tributario."),
    "libranza": "La libranza es la cuota de un crédito que autorizaste descontar de tu nómina (Ley 1527 de 2012).",
    "cooperativa": ("Es el aporte o la cuota de cooperativa o fondo de empleados que autorizaste descontar "
                    "(CST art. 149)."),
    "medicina_prepagada": ("Es el pago de tu plan de medicina prepagada que autorizaste descontar; además disminuye "
                           "la base de la retención (ET art. 387)."),
    "aportes_voluntarios": ("Son aportes voluntarios a pensión que autorizaste; son renta exenta para la retención, "
                            "con topes (ET art. 126-1)."),
    "afc": "Es el ahorro en cuenta AFC que autorizaste; es renta exenta para la retención, con topes (ET art. 126-4).",
    "bonificacion": "Es una bonificación que la empresa te reconoció ese mes.",
    "prima": ("La prima de servicios no se paga cada mes: es un salario mensual por año, la mitad en junio y la "
              "otra en diciembre (CST art. 306)."),
    "cesantias": ("Las cesantías no se pagan en la nómina mensual: son un salario por año que el empleador consigna "
                  "en tu fondo de cesantías antes del 15 de febrero (Ley 50 de 1990, art. 99)."),
    "intereses_cesantias": ("Los intereses sobre cesantías son el 12 % anual de las cesantías y se pagan en enero "
                            "(Ley 52 de 1975)."),
    "vacaciones": "Las vacaciones se pagan con el salario ordinario de los días hábiles que disfrutas (CST art. 186).",
}
_ENGINE_CODE = {
    "basico": ("SALARIO",),
    "auxilio_transporte": ("AUXILIO_TRANSPORTE",),
    "horas_extras": ("SALARY_BONUS",),
    "bonificacion": ("NON_SALARY_BONUS", "SALARY_BONUS"),
    "salud": ("SALUD",),
    "pension": ("PENSION",),
    "fsp": ("FSP",),
    "retencion_fuente": ("RETENCION_FUENTE",),
    "LIB": ("LIBRANZA",),
    "COOP": ("COOPERATIVE",),
    "MEDPRE": ("OTHER_DEDUCTION",),
    "AVP": ("APORTE_VOLUNTARIO_PENSION",),
    "AFC": ("APORTE_VOLUNTARIO_PENSION",),
}
#: An engine line's code → the NLU concept a question about it names.
_CONCEPT_OF_LINE = {
    "SALARIO": "basico", "AUXILIO_TRANSPORTE": "auxilio_transporte", "SALARY_BONUS": "horas_extras",
    "NON_SALARY_BONUS": "bonificacion", "SALUD": "salud", "PENSION": "pension", "FSP": "fsp",
    "RETENCION_FUENTE": "retencion_fuente", "LIBRANZA": "libranza", "COOPERATIVE": "cooperativa",
    "OTHER_DEDUCTION": "medicina_prepagada", "APORTE_VOLUNTARIO_PENSION": "aportes_voluntarios",
    "VACACIONES_DISFRUTADAS": "vacaciones", "INCAPACIDAD_EMPLEADOR": "incapacidad", "INCAPACIDAD_EPS": "incapacidad",
}
_PROVISIONS = {"prima": "PROVISION_PRIMA", "cesantias": "PROVISION_CESANTIAS",
               "intereses_cesantias": "PROVISION_INTERESES_CESANTIAS", "vacaciones": "PROVISION_VACACIONES"}
_WHAT_IS = "que es|que son|que significa|significa|que quiere decir|para que|que es eso|que es ese|que es esa"
_AUTHORISED = law_source("CST art. 149", "Descuentos autorizados por escrito por el trabajador")
_COMPARE = ("por que .*(menos|mas|tanto|bajo|subio|aumento|cambio|diferente|distint)|diferencia|"
            "(me )?(llego|pagaron|consignaron|quedo) (menos|mas)|bajo mi|subio mi|cambio mi|aumento mi")


def equivalent_payslip(person: PersonRows, payroll: PayrollPeriod) -> ComputedPayslip | None:
    """The engine's payslip for the month of ``payroll`` from the imported rows, or None."""
    deposit = facts.deposit_of(person, payroll)
    contract = deposit.num_vinculacion if deposit is not None else None
    try:
        payslip = compute_payslip(base_input(person, Period(payroll.year, payroll.month), contract))
    except InvalidRequest:
        return None
    return ComputedPayslip.from_engine(payroll, payslip)


def _engine_why(lines: list[ComputedLine], amount: Decimal) -> tuple[str, tuple[dict[str, Any], ...]] | None:
    """The engine's explanation of these lines when they add up to the imported amount."""
    if not lines or sum((line.amount for line in lines), ZERO) != amount:
        return None
    text = " ".join(_sentence(line.formula) for line in lines)
    params = tuple(p for line in lines for p in line.parameters)
    return text, params


def _contribution_why(key: str, amount: Decimal, payroll: PayrollPeriod) -> tuple[str, tuple[dict[str, Any], ...]]:
    """Salud or pensión without the engine's trace: the legal rate and the base it implies."""
    name = "health_rate_employee" if key == "salud" else "pension_rate_employee"
    try:
        rate = default_parameters().get(name, payroll.first_day)
    except InvalidRequest:
        return GLOSSARY[key], ()
    base = (amount / rate.value).quantize(Decimal(1)) if rate.value else ZERO
    percent = format_percent(rate.value * 100)
    return f"{percent} de tu ingreso base de cotización (IBC) de {cop(base)}.", (rate.as_dict(),)


def _passage(knowledge: KnowledgeBase, passage_id: str) -> tuple[dict[str, Any], ...]:
    try:
        return (passage_source(knowledge.get(passage_id)),)
    except KeyError:
        return ()


def _provisions(computed: ComputedPayslip) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for concept, code in _PROVISIONS.items():
        line = computed.line(code)
        if line is not None:
            found[concept] = line.amount
    return found


def _from_run(payroll: PayrollPeriod, computed: ComputedPayslip) -> PayslipItems:
    """Lines of a payslip computed by a payroll run: they carry their own explanation."""
    items = tuple(
        Item(line.code, _CONCEPT_OF_LINE.get(line.code, line.code.lower()), line.label, line.amount, line.category,
             line.formula, line.parameters)
        for line in computed.lines if line.category in ("devengo", "deduccion")
    )
    return PayslipItems(payroll, items, computed.gross, computed.deductions, computed.net, None, "payroll_run",
                        True, _provisions(computed))


def payslip_items(
    person: PersonRows, payroll: PayrollPeriod, knowledge: KnowledgeBase, computed: ComputedPayslip | None = None,
) -> PayslipItems | None:
    """The explained lines of ``payroll``: a payroll run's own lines, or the imported data explained
    with ``computed`` (the equivalent engine payslip) where the amounts agree."""
    if computed is not None and computed.source == "payroll_run":
        return _from_run(payroll, computed)
    deposit = facts.deposit_of(person, payroll)
    if deposit is None:
        return None
    earnings = facts.earnings(person, payroll)
    cuts = facts.deductions(person, payroll)
    engine_lines: dict[str, list[ComputedLine]] = {}
    if computed is not None:
        for line in computed.lines:
            engine_lines.setdefault(line.code, []).append(line)

    def engine(key: str, amount: Decimal, *, only: Iterable[str] | None = None
               ) -> tuple[str, tuple[dict[str, Any], ...]] | None:
        codes = _ENGINE_CODE.get(key, ())
        lines = [line for code in codes for line in engine_lines.get(code, [])]
        if only is not None:
            wanted = tuple(only)
            lines = [line for line in lines if any(w in line.formula for w in wanted)]
        return _engine_why(lines, amount)

    items: list[Item] = []
    month_novelties = facts.novelties_of_month(person, payroll.year, payroll.month)
    if earnings is not None:
        salary = facts.salary_on(person, payroll.last_day, deposit.num_vinculacion)
        found = engine("basico", earnings.basico)
        why = found[0] if found else (
            f"Salario mensual {cop(salary)} × {earnings.dias} días / 30 = {cop(earnings.basico)}." if salary
            else f"Salario de {earnings.dias} días trabajados.")
        items.append(Item("basico", "basico", "Salario básico", earnings.basico, "devengo", why,
                          found[1] if found else ()))
        found = engine("auxilio_transporte", earnings.auxilio_transporte)
        if found:
            why, params = found
        elif earnings.auxilio_transporte:
            why, params = ("Auxilio de transporte de ley, que se paga a quien gana hasta 2 SMMLV, por los días "
                           "trabajados."), ()
        else:
            why, params = "No recibiste auxilio de transporte: se paga solo a quien gana hasta 2 SMMLV.", ()
        items.append(Item("auxilio_transporte", "auxilio_transporte", "Auxilio de transporte",
                          earnings.auxilio_transporte, "devengo", why, params,
                          _passage(knowledge, "auxilio_transporte")))
        overtime = [n for n in month_novelties if n.type is NoveltyType.DEVENGO and n.code in facts.OVERTIME_CODES]
        if overtime:
            listed = "; ".join(f"{n.observacion or n.description}: {cop(n.value)}" for n in overtime)
            why = (f"{listed}. Las horas extra y recargos se pagan sobre la hora ordinaria: 25 % la extra diurna, "
                   "75 % la extra nocturna y 35 % el recargo nocturno (CST art. 168); el valor de cada hora lo "
                   "liquidó el sistema de nómina.")
            items.append(Item("horas_extras", "horas_extras", "Horas extra y recargos", earnings.horas_extra_y_recargos,
                              "devengo", why, (), _passage(knowledge, "horas_extras")))
        bonuses = [n for n in month_novelties if n.type is NoveltyType.DEVENGO and n.code not in facts.OVERTIME_CODES]
        if bonuses:
            why = "; ".join(f"{n.observacion or n.description}: {cop(n.value)}" for n in bonuses) + "."
            items.append(Item("bonificacion", "bonificacion", "Bonificaciones", earnings.bonificaciones,
                              "devengo", why))
    if cuts is not None:
        for key, label, amount, passage_id in (
            ("salud", "Salud (4 %)", cuts.salud, "aportes_seguridad_social"),
            ("pension", "Pensión (4 %)", cuts.pension, "aportes_seguridad_social"),
            ("fsp", "Fondo de Solidaridad Pensional", cuts.fondo_solidaridad, "fondo_solidaridad"),
        ):
            found = engine(key, amount)
            if found:
                why, params = found
            elif key == "fsp":
                why, params = (GLOSSARY["fsp"] if amount else
                               "No aportaste al FSP: se aporta solo cuando el ingreso base llega a 4 SMMLV."), ()
            else:
                why, params = _contribution_why(key, amount, payroll)
            items.append(Item(key, key, label, amount, "deduccion", why, params, _passage(knowledge, passage_id)))
        found = engine("retencion_fuente", cuts.retencion_fuente)
        if found:
            why, params = found
        else:
            why, params = (GLOSSARY["retencion_fuente"] if cuts.retencion_fuente else
                           "No te retuvieron: tu base depurada no alcanzó el mínimo gravable de la tabla."), ()
        items.append(Item("retencion_fuente", "retencion_fuente", "Retención en la fuente", cuts.retencion_fuente,
                          "deduccion", why, params, _passage(knowledge, "retencion_fuente")))
        notes = {n.code: n.observacion for n in month_novelties if n.type is NoveltyType.DEDUCCION and n.observacion}
        for code, amount in cuts.novedades.items():
            observacion = notes.get(code)
            found = engine(code, amount, only=[observacion] if observacion else None)
            concept = NOVELTY_CONCEPTS.get(code, code)
            base = GLOSSARY.get(concept, "Es un descuento que autorizaste (CST art. 149).")
            why = (found[0] + " " if found else (_sentence(observacion) + " " if observacion else "")) + base
            label = NOVELTY_LABELS.get(code, facts.NOVELTY_DESCRIPTIONS.get(code, code).capitalize())
            items.append(Item(code, concept, label, amount, "deduccion", why, found[1] if found else (),
                              (_AUTHORISED,)))
    agrees = computed is not None and computed.net == deposit.valor_consignacion
    provisions = _provisions(computed) if agrees and computed is not None else {}
    return PayslipItems(payroll, tuple(items), deposit.ingresos, deposit.descuentos, deposit.valor_consignacion,
                        deposit.fecha_consignacion, "imported", agrees, provisions)


def _items_for(ask: Ask, employee: Employee, payroll: PayrollPeriod) -> PayslipItems | None:
    computed = employee.payslips.get(payroll) or equivalent_payslip(employee.person, payroll)
    return payslip_items(employee.person, payroll, ask.knowledge, computed)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "?", "!", ":")) else text + "."


def _line(item: Item, *, why: bool) -> str:
    sign = "−" if item.category == "deduccion" and item.amount else ""
    text = f"{item.label}: {sign}{cop(item.amount)}"
    return f"{text}. {_sentence(item.why)}" if why else text


def _sources(view: PayslipItems, items: Iterable[Item]) -> tuple[dict[str, Any], ...]:
    chosen = list(items)
    data = [hr_source(FileKind.DEPOSITS, view.payroll), hr_source(FileKind.WITHHOLDING, view.payroll),
            hr_source(FileKind.NOVELTIES, view.payroll)]
    if view.source == "payroll_run":
        data = [{"type": "payroll_run", "period": view.payroll.code}]
    params = [p for item in chosen for p in item.params]
    engine = [engine_source(params, period=f"{view.payroll.year:04d}-{view.payroll.month:02d}")] if params else []
    law = [source for item in chosen for source in item.law]
    return merge_sources(data, engine, law)


def _summary(view: PayslipItems) -> str:
    paid = f", consignado el {day(view.paid_on)}" if view.paid_on else ""
    return (f"Nómina de {month_label(view.payroll)}: ingresos {cop(view.gross)} − descuentos {cop(view.deductions)} = "
            f"neto {cop(view.net)}{paid}.")


def _by_key(view: PayslipItems, *, by_concept: bool) -> tuple[dict[str, Item], dict[str, Decimal]]:
    """Items and amounts keyed by line (same source) or by concept (summing lines of one concept)."""
    items: dict[str, Item] = {}
    amounts: dict[str, Decimal] = {}
    for item in view.items:
        key = item.concept if by_concept else item.key
        items.setdefault(key, item)
        amounts[key] = amounts.get(key, ZERO) + item.amount
    return items, amounts


def _compare(ask: Ask, employee: Employee, view: PayslipItems) -> Answer | None:
    payrolls = sorted({r.cod_nomina for r in employee.person.deposits if r.cod_nomina < view.payroll})
    if not payrolls:
        return None
    before = _items_for(ask, employee, payrolls[-1])
    if before is None:
        return None
    concepts = set(ask.entities.concepts)
    # A payroll run's lines and imported lines name things differently: compare by concept then.
    same_source = before.source == view.source
    old, amounts_a = _by_key(before, by_concept=not same_source)
    new, amounts_b = _by_key(view, by_concept=not same_source)
    changes = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        amount_a = amounts_a.get(key, ZERO)
        amount_b = amounts_b.get(key, ZERO)
        item = b or a
        assert item is not None
        if amount_a == amount_b or (concepts and item.concept not in concepts):
            continue
        direction = "subió" if amount_b > amount_a else "bajó"
        sign = "+" if amount_b > amount_a else "−"
        line = f"{item.label}: {direction} de {cop(amount_a)} a {cop(amount_b)} ({sign}{cop(abs(amount_b - amount_a))})"
        changes.append((item, line))
    diff = view.net - before.net
    head = (f"Tu neto de {month_label(view.payroll)} fue {cop(view.net)} y el de {month_label(before.payroll)} "
            f"{cop(before.net)}: " + (f"{cop(abs(diff))} {'más' if diff > 0 else 'menos'}." if diff else "el mismo."))
    if not changes:
        return Answer(head + " No cambió ningún concepto de tu nómina"
                      + (" de los que preguntas." if concepts else "."),
                      _sources(view, []))
    text = head + " Cambió:\n" + bullets(line for _item, line in changes)
    whys = [f"{item.label}: {item.why}" for item, _line in changes
            if (item.key if same_source else item.concept) in new and item in new.values()][:3]
    if whys:
        text += "\nEn " + month_label(view.payroll) + ":\n" + bullets(whys)
    return Answer(text, _sources(view, [item for item, _l in changes]))


def explicar_nomina(ask: Ask) -> Answer:
    """Explain the latest payslip (or the asked month's): one line, the changes, or every line."""
    employee = ask.me
    payrolls, note = target_payrolls(ask)
    if not payrolls:
        return Answer(note or "No tengo nóminas registradas a tu nombre.", (hr_source(FileKind.DEPOSITS),))
    view = _items_for(ask, employee, payrolls[-1])
    if view is None:
        return Answer(f"No tengo el detalle de la nómina de {month_label(payrolls[-1])}.",
                      (hr_source(FileKind.DEPOSITS, payrolls[-1]),))
    prefix = f"{note}\n" if note else ""
    if ask.mentions(_COMPARE):
        compared = _compare(ask, employee, view)
        if compared is not None:
            return Answer(prefix + compared.text, compared.sources)
    concepts = [c for c in ask.entities.concepts if c != "vacaciones" or not view.of("vacaciones")]
    if concepts:
        texts, used = [], []
        for concept in concepts:
            found = [item for item in view.of(concept) if item.amount or item.key in (
                "auxilio_transporte", "fsp", "retencion_fuente", "salud", "pension")]
            if found:
                if ask.mentions(_WHAT_IS) and concept in GLOSSARY:
                    texts.append(GLOSSARY[concept])
                texts += [_line(item, why=True) for item in found]
                used += found
            elif concept in _PROVISIONS:
                text = GLOSSARY[concept]
                if concept in view.provisions:
                    text += f" Lo que se causó (provisionó) por {concept.replace('_', ' ')} en tu nómina de " \
                            f"{month_label(view.payroll)} fue {cop(view.provisions[concept])}."
                texts.append(text)
            else:
                texts.append(f"En tu nómina de {month_label(view.payroll)} no aparece ese concepto. "
                             + GLOSSARY.get(concept, ""))
        text = prefix + f"En tu nómina de {month_label(view.payroll)}:\n" + "\n".join(texts)
        return Answer(text.rstrip(), _sources(view, used))
    shown = [item for item in view.items if item.amount]
    earn = [i for i in shown if i.category == "devengo"]
    cut = [i for i in shown if i.category == "deduccion"]
    text = prefix + _summary(view)
    if earn:
        text += "\nIngresos:\n" + bullets(_line(i, why=True) for i in earn)
    if cut:
        text += "\nDescuentos:\n" + bullets(_line(i, why=True) for i in cut)
    if view.engine_agrees:
        text += "\nEl motor de nómina de ChatNomina recalcula ese mes y llega al mismo neto."
    return Answer(text, _sources(view, shown))
