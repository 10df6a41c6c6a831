"""Computed payslips as the assistant explains them, whatever computed them. Pure.

A payroll run stores each payslip with its explained lines; the engine computes the same
payslip from the imported rows. Both become a :class:`ComputedPayslip`: lines with their
rendered formula and the parameters used (value, dates, norm), so ``explicar_nomina`` does not
care where a payslip came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chatnomina.engine import Payslip
from chatnomina.hr.values import PayrollPeriod


@dataclass(frozen=True)
class ComputedLine:
    """One explained line: code, label, category, amount, formula in words and parameters used."""

    code: str
    label: str
    category: str  # devengo | deduccion | aporte_empleador | provision | base
    amount: Decimal
    formula: str
    parameters: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_trace(cls, code: str, label: str, category: str, amount: Decimal,
                   trace: Mapping[str, Any]) -> ComputedLine:
        """From a rendered trace (``Trace.as_dict()``, or a stored trace rendered with ``render_stored``)."""
        return cls(code, label, category, Decimal(amount), str(trace.get("formula", "")),
                   tuple(dict(p) for p in trace.get("parameters", ())))


@dataclass(frozen=True)
class ComputedPayslip:
    """A payslip computed by the engine: by a payroll run, or here from the imported rows."""

    payroll: PayrollPeriod
    gross: Decimal
    deductions: Decimal
    net: Decimal
    lines: tuple[ComputedLine, ...]
    source: str = "engine"  # "engine" (equivalent, computed from the imports) | "payroll_run"

    @classmethod
    def from_engine(cls, payroll: PayrollPeriod, payslip: Payslip, *, source: str = "engine") -> ComputedPayslip:
        """An engine payslip (its traces rendered once)."""
        lines = tuple(
            ComputedLine(line.code, line.label, line.category, line.amount, line.trace.text(),
                         tuple(p.as_dict() for p in line.trace.params))
            for line in payslip.lines
        )
        return cls(payroll, payslip.total_earned, payslip.total_deductions, payslip.net_pay, lines, source)

    def line(self, code: str) -> ComputedLine | None:
        """The first line with ``code``."""
        return next((line for line in self.lines if line.code == code), None)
