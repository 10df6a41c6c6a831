"""Deposits (consignaciones, ``CONSIGNACIONES_HM``): the last one, a period's, comparisons. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from chatnomina.assistant.answerers.base import (
    ZERO,
    Answer,
    Ask,
    Employee,
    bullets,
    cop,
    day,
    hr_source,
    is_after_data,
    month_label,
    months_of,
    percent_change,
)
from chatnomina.assistant.formatting import format_month, format_percent
from chatnomina.assistant.nlu import Period
from chatnomina.hr import facts
from chatnomina.hr.facts import Deposit
from chatnomina.hr.names import bank_display_name, mask_account
from chatnomina.hr.rows import FileKind
from chatnomina.hr.values import last_day_of_month, parse_period


def _payroll(deposit: Deposit) -> str:
    return month_label(parse_period(deposit.period))


def _deposit_line(deposit: Deposit) -> str:
    return f"{day(deposit.date)}: {cop(deposit.value)} (nómina de {_payroll(deposit)})"


def _source(deposits: Sequence[Deposit]) -> dict:
    if len(deposits) == 1:
        return hr_source(FileKind.DEPOSITS, deposits[0].period)
    if not deposits:
        return hr_source(FileKind.DEPOSITS)
    return hr_source(FileKind.DEPOSITS, periods=[d.period for d in deposits])


def _account_of(employee: Employee, deposit: Deposit) -> str:
    row = facts.deposit_of(employee.person, parse_period(deposit.period))
    if row is not None and row.num_cuenta and row.banco:
        kind = f" de {row.tipo_cuenta.lower()}" if row.tipo_cuenta else ""
        return f"{bank_display_name(row.banco)}, cuenta{kind} {mask_account(row.num_cuenta[-4:])}"
    account = facts.bank_account(employee.person)
    if account is None:
        return ""
    kind = f" de {account.account_type.lower()}" if account.account_type else ""
    return f"{account.name}, cuenta{kind} {account.masked}"


def ultima_consignacion(ask: Ask) -> Answer:
    """The latest deposit: net value, date, payroll, gross and deductions, account (masked)."""
    employee = ask.me
    deposit = facts.last_deposit(employee.person)
    if deposit is None:
        return Answer("No tengo consignaciones registradas a tu nombre.", (hr_source(FileKind.DEPOSITS),))
    account = _account_of(employee, deposit)
    text = (f"Tu última consignación fue de {cop(deposit.value)}, el {day(deposit.date)}, por la nómina de "
            f"{_payroll(deposit)}: ingresos {cop(deposit.ingresos)} menos descuentos {cop(deposit.descuentos)}.")
    if account:
        text += f" Se consignó en {account}."
    if ask.mentions("ya") and is_after_data(employee, ask.today.year, ask.today.month):
        pending = format_month(ask.today.year, ask.today.month)
        text += f" La nómina de {pending} todavía no aparece consignada en los registros."
    return Answer(text, (_source([deposit]),))


def _in(employee: Employee, period: Period) -> tuple[list[Deposit], str]:
    """Deposits paid in ``period``; a period shorter than its month widens to the month."""
    found = facts.deposits(employee.person, period.start, period.end)
    if found or period.granularity not in ("day", "fortnight", "range"):
        return found, ""
    months = months_of(period)
    first, last = months[0], months[-1]
    widened = facts.deposits(employee.person, date(*first, 1), last_day_of_month(*last))
    if not widened:
        return [], ""
    note = f"No hubo consignaciones {_period_phrase(period)}; tu nómina se paga por mes."
    return widened, note


def _period_phrase(period: Period) -> str:
    if period.granularity == "day":
        return f"el {period.label}"
    if period.granularity == "range" and period.label.startswith("del "):
        return period.label
    if period.granularity == "fortnight":
        return f"en la {period.label}"
    return f"en {period.label}"


def _totals(deposits: Sequence[Deposit]) -> tuple[Decimal, Decimal, Decimal]:
    return (sum((d.value for d in deposits), ZERO), sum((d.ingresos for d in deposits), ZERO),
            sum((d.descuentos for d in deposits), ZERO))


def _period_text(employee: Employee, period: Period, today: date) -> tuple[str, list[Deposit]]:
    deposits, note = _in(employee, period)
    phrase = _period_phrase(period)
    if not deposits:
        last = facts.last_deposit(employee.person)
        text = f"No tengo consignaciones registradas {phrase}."
        if last is not None and period.start > last.date:
            text += (f" La más reciente es del {day(last.date)}, por {cop(last.value)} (nómina de "
                     f"{_payroll(last)}).")
        elif period.granularity == "year" or (period.end - period.start).days > 31:
            text += f" Total consignado {phrase}: {cop(ZERO)}."
        return text, []
    net, gross, cut = _totals(deposits)
    prefix = f"{note} " if note else ""
    if len(deposits) == 1:
        d = deposits[0]
        return (f"{prefix}{phrase[0].upper() + phrase[1:]} te consignaron {cop(d.value)}, el {day(d.date)} "
                f"(nómina de {_payroll(d)}: ingresos {cop(d.ingresos)}, descuentos {cop(d.descuentos)})."), deposits
    text = (f"{prefix}{phrase[0].upper() + phrase[1:]} te consignaron en total {cop(net)} en {len(deposits)} pagos "
            f"(ingresos {cop(gross)}, descuentos {cop(cut)}):\n" + bullets(_deposit_line(d) for d in deposits))
    if period.end >= today >= period.start:
        text += f"\n(Hasta hoy, {day(today)}.)"
    return text, deposits


def historial_pagos(ask: Ask) -> Answer:
    """Deposits of the named periods (each with date and payroll), or the recent ones and totals by year."""
    employee = ask.me
    if ask.entities.periods:
        texts, used = [], []
        for period in ask.entities.periods:
            text, deposits = _period_text(employee, period, ask.today)
            texts.append(text)
            used.extend(deposits)
        return Answer("\n".join(texts), (_source(used),))
    deposits = facts.deposits(employee.person)
    if not deposits:
        return Answer("No tengo consignaciones registradas a tu nombre.", (hr_source(FileKind.DEPOSITS),))
    recent = deposits[-6:]
    text = "Tus consignaciones más recientes:\n" + bullets(_deposit_line(d) for d in reversed(recent))
    by_year = facts.deposits_by_year(employee.person)
    years = sorted(by_year)[-3:]
    text += "\nTotal consignado por año: " + "; ".join(f"{y}: {cop(by_year[y])}" for y in years) + "."
    return Answer(text, (_source(recent),))


def _sum_in(employee: Employee, period: Period) -> tuple[list[Deposit], str]:
    deposits, _note = _in(employee, period)
    return deposits, period.label


def _compare(label_a: str, a: Sequence[Deposit], label_b: str, b: Sequence[Deposit]) -> str:
    net_a, gross_a, cut_a = _totals(a)
    net_b, gross_b, cut_b = _totals(b)
    diff = net_b - net_a
    change = percent_change(net_a, net_b)
    pct = f" ({'+' if diff > 0 else ''}{format_percent(change)})" if change is not None else ""
    if diff == 0:
        verdict = "Recibiste lo mismo."
    else:
        verdict = f"En {label_b} recibiste {cop(abs(diff))} {'más' if diff > 0 else 'menos'} que en {label_a}{pct}."
    text = (f"En {label_a} te consignaron {cop(net_a)} y en {label_b} {cop(net_b)}. {verdict}")
    reasons = []
    if gross_b != gross_a:
        reasons.append(f"los ingresos {'subieron' if gross_b > gross_a else 'bajaron'} "
                       f"{cop(abs(gross_b - gross_a))} ({cop(gross_a)} → {cop(gross_b)})")
    if cut_b != cut_a:
        reasons.append(f"los descuentos {'subieron' if cut_b > cut_a else 'bajaron'} "
                       f"{cop(abs(cut_b - cut_a))} ({cop(cut_a)} → {cop(cut_b)})")
    if reasons and diff:
        text += " La diferencia se explica porque " + " y ".join(reasons) + "."
    return text


def comparar_pagos(ask: Ask) -> Answer:
    """Two periods side by side, the two latest deposits, or the highest/lowest of a span."""
    employee = ask.me
    deposits = facts.deposits(employee.person)
    if not deposits:
        return Answer("No tengo consignaciones registradas a tu nombre.", (hr_source(FileKind.DEPOSITS),))
    periods = list(ask.entities.periods)
    wants_max = ask.mentions("mejor|mayor|mas alto|mas alta|mas recibi|mas me pagaron|mas me consignaron|"
                             "mas plata|maximo")
    wants_min = ask.mentions("peor|menor|mas bajo|mas baja|menos recibi|menos me pagaron|menos me consignaron|minimo")
    if (wants_max or wants_min) and len(periods) <= 1:
        span_period = periods[0] if periods else None
        if span_period is None and ask.mentions("del ano|este ano|en el ano"):
            pool = [d for d in deposits if d.date.year == ask.today.year] or deposits
        elif span_period is not None:
            pool = facts.deposits(employee.person, span_period.start, span_period.end)
        else:
            pool = deposits
        if pool:
            best = max(pool, key=lambda d: d.value) if wants_max else min(pool, key=lambda d: d.value)
            which = "más alto" if wants_max else "más bajo"
            where = (f"en {span_period.label}" if span_period else
                     f"entre el {day(pool[0].date)} y el {day(pool[-1].date)}")
            text = (f"Tu pago {which} {where} fue de {cop(best.value)}, el {day(best.date)} (nómina de "
                    f"{_payroll(best)}: ingresos {cop(best.ingresos)}, descuentos {cop(best.descuentos)}).")
            return Answer(text, (_source([best]),))
    if len(periods) >= 2:
        first, first_label = _sum_in(employee, periods[0])
        second, second_label = _sum_in(employee, periods[1])
        missing = [label for label, found in ((first_label, first), (second_label, second)) if not found]
        if not missing:
            return Answer(_compare(first_label, first, second_label, second), (_source(first + second),))
        note = "No tengo consignaciones en " + " ni en ".join(missing) + "; comparo tus dos últimos pagos. "
    elif len(periods) == 1:
        chosen, label = _sum_in(employee, periods[0])
        if chosen:
            previous = periods[0].shifted(-1)
            before, before_label = _sum_in(employee, previous)
            if before:
                return Answer(_compare(before_label, before, label, chosen), (_source(before + chosen),))
            return Answer(f"No tengo consignaciones en {before_label} para comparar con {label}.",
                          (_source(chosen),))
        note = f"No tengo consignaciones en {periods[0].label}; comparo tus dos últimos pagos. "
    else:
        note = ""
    if len(deposits) < 2:
        only = deposits[-1]
        return Answer(f"{note}Solo tengo un pago registrado: {_deposit_line(only)}.", (_source([only]),))
    older, latest = deposits[-2], deposits[-1]
    text = note + _compare(f"la nómina de {_payroll(older)}", [older], f"la de {_payroll(latest)}", [latest])
    return Answer(text, (_source([older, latest]),))
