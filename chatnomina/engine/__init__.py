"""The pure Colombian payroll engine: dated legal parameters, explained payslips, golden format.

Entry points: ``compute_payslip(EngineInput) -> Payslip`` for payroll runs, and
``compute_golden(dict) -> dict`` for the documented JSON format (CLI and simulate endpoint).
"""

from __future__ import annotations

from chatnomina.engine.calendar import HolidayCalendar
from chatnomina.engine.golden import compute_golden, golden_payslip, parse_golden
from chatnomina.engine.models import (
    Contract,
    DayCount,
    DivisorReading,
    EmployerContributions,
    EmployerSettings,
    EngineInput,
    ExonerationMeasure,
    Novelty,
    NoveltyKind,
    OvertimeKind,
    OvertimeLine,
    Payslip,
    PayslipLine,
    Period,
    PilaView,
    Provisions,
    RestDayPay,
    SalaryType,
    WithholdingDetail,
)
from chatnomina.engine.parameters import Parameters, ParamValue, default_parameters
from chatnomina.engine.payslip import compute_payslip
from chatnomina.engine.rules import holiday_calendar
from chatnomina.engine.trace import Trace

__all__ = [
    "Contract",
    "DayCount",
    "DivisorReading",
    "EmployerContributions",
    "EmployerSettings",
    "EngineInput",
    "ExonerationMeasure",
    "HolidayCalendar",
    "Novelty",
    "NoveltyKind",
    "OvertimeKind",
    "OvertimeLine",
    "ParamValue",
    "Parameters",
    "Payslip",
    "PayslipLine",
    "Period",
    "PilaView",
    "Provisions",
    "RestDayPay",
    "SalaryType",
    "Trace",
    "WithholdingDetail",
    "compute_golden",
    "compute_payslip",
    "default_parameters",
    "golden_payslip",
    "holiday_calendar",
    "parse_golden",
]
