"""The pure engine: contract + novelties + employer settings + period + parameters → payslip."""

from __future__ import annotations

from chatnomina.engine.deductions import authorised_deductions
from chatnomina.engine.earnings import compute_earnings
from chatnomina.engine.employer import employer_contributions, exoneration, pila_view
from chatnomina.engine.models import EngineInput, Payslip, SalaryType
from chatnomina.engine.parameters import Parameters, default_parameters
from chatnomina.engine.provisions import provisions_for
from chatnomina.engine.rules import period_rules
from chatnomina.engine.social_security import contribution_bases, employee_contributions
from chatnomina.engine.validation import (
    checked_contract,
    checked_employer,
    day_count,
    grouped_novelties,
)
from chatnomina.engine.withholding import compute_withholding
from chatnomina.errors import ParameterNotFound


def compute_payslip(inp: EngineInput, params: Parameters | None = None) -> Payslip:
    """One worker's monthly payslip; InvalidRequest / ParameterNotFound on bad input."""
    params = params or default_parameters()
    period = inp.period
    try:
        rules = period_rules(params, period.start)
    except ParameterNotFound as exc:
        raise ParameterNotFound(exc.message, field="period", details=exc.details) from None
    contract = checked_contract(inp.contract, rules)
    employer = checked_employer(inp.employer)
    novelties = grouped_novelties(inp.novelties)
    days = day_count(inp, contract, novelties.absences, rules.days_in_month)
    integral = contract.salary_type == SalaryType.INTEGRAL

    earnings, overtime, lines = compute_earnings(params, contract, days, novelties, employer, rules)
    total_earned = earnings.total
    bases, base_lines = contribution_bases(earnings, days, integral, rules)
    lines += base_lines
    health, pension, fsp, contribution_lines = employee_contributions(bases, rules)
    lines += contribution_lines
    withholding, withholding_line = compute_withholding(
        total_earned, health + pension + fsp, contract, rules, employer.round_withholding
    )
    lines.append(withholding_line)
    legal_deductions = health + pension + fsp + withholding.withholding
    authorised, authorised_lines = authorised_deductions(
        total_earned - legal_deductions, contract, novelties.deductions, withholding, rules
    )
    lines += authorised_lines
    total_deductions = legal_deductions + authorised

    exonerated, exoneration_line = exoneration(employer, integral, earnings, rules)
    lines.append(exoneration_line)
    arl_rate = rules.arl_rate(contract.arl_class)
    contributions, employer_lines = employer_contributions(bases, arl_rate, exonerated, rules)
    lines += employer_lines
    pila = pila_view(bases, days.contribution, health, pension, arl_rate, exonerated, rules)
    provisions, provision_lines = provisions_for(contract, days, earnings, integral, rules)
    lines += provision_lines

    return Payslip(
        period=period,
        days=days,
        salary=earnings.salary,
        transport_allowance=earnings.transport_allowance,
        overtime=tuple(overtime),
        total_earned=total_earned,
        ibc=bases.ibc,
        fsp_rate=bases.fsp_rate,
        health=health,
        pension=pension,
        fsp=fsp,
        withholding=withholding,
        total_deductions=total_deductions,
        net_pay=total_earned - total_deductions,
        employer=contributions,
        pila=pila,
        provisions=provisions,
        lines=tuple(lines),
    )
