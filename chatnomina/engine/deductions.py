"""Deductions the worker authorised (voluntary pension, libranza…), never past a zero net."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chatnomina.engine.models import Contract, Novelty, NoveltyKind, PayslipLine, WithholdingDetail
from chatnomina.engine.parameters import ParamValue
from chatnomina.engine.rounding import ZERO, to_peso
from chatnomina.engine.rules import PeriodRules
from chatnomina.engine.trace import MONEY, TEXT, Trace

LABELS = {
    NoveltyKind.LIBRANZA: "Libranza",
    NoveltyKind.COOPERATIVE: "Aporte o crédito con cooperativa",
    NoveltyKind.OTHER_DEDUCTION: "Otra deducción autorizada",
}
_DEDUCTION = (
    "{descripcion}: {valor} (descuento autorizado por el trabajador; sin efecto tributario)"
)
_VOLUNTARY = (
    "Aporte voluntario a pensión o AFC descontado de nómina: {valor} "
    "(renta exenta art. 126-1 ET hasta {exenta} en la retención)"
)
_SHORT_NET = (
    ". Se pidió descontar {solicitado}, pero el neto del mes no alcanza: "
    "queda pendiente {pendiente}"
)


def authorised_deductions(
    available: Decimal,
    contract: Contract,
    novelties: list[Novelty],
    withholding: WithholdingDetail,
    rules: PeriodRules,
) -> tuple[Decimal, list[PayslipLine]]:
    """Voluntary pension first, then the novelties in order, each up to what the net still has."""
    total = ZERO
    lines: list[PayslipLine] = []
    if contract.voluntary_pension_monthly:
        requested = to_peso(contract.voluntary_pension_monthly)
        taken = _fits(requested, available)
        available -= taken
        total += taken
        lines.append(
            PayslipLine(
                "APORTE_VOLUNTARIO_PENSION",
                "Aporte voluntario a pensión",
                "deduccion",
                taken,
                _trace(
                    _VOLUNTARY,
                    requested,
                    taken,
                    (("exenta", withholding.voluntary_pension_exempt, MONEY),),
                    (rules.voluntary_rate, rules.voluntary_cap),
                ),
            )
        )
    for novelty in novelties:
        requested = to_peso(novelty.amount)
        taken = _fits(requested, available)
        available -= taken
        total += taken
        label = LABELS[novelty.kind]
        lines.append(
            PayslipLine(
                novelty.kind.name,
                label,
                "deduccion",
                taken,
                _trace(
                    _DEDUCTION,
                    requested,
                    taken,
                    (("descripcion", novelty.description or label, TEXT),),
                    (),
                ),
            )
        )
    return total, lines


def _fits(requested: Decimal, available: Decimal) -> Decimal:
    return requested if requested <= available else max(available, ZERO)


def _trace(
    formula: str,
    requested: Decimal,
    taken: Decimal,
    inputs: tuple[tuple[str, Any, str], ...],
    params: tuple[ParamValue, ...],
) -> Trace:
    if taken == requested:
        return Trace(formula, (*inputs, ("valor", taken, MONEY)), params)
    return Trace(
        formula + _SHORT_NET,
        (
            *inputs,
            ("valor", taken, MONEY),
            ("solicitado", requested, MONEY),
            ("pendiente", requested - taken, MONEY),
        ),
        params,
    )
