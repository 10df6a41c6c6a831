"""Payroll from the HR exports: each person's rows of a period → the engine's input. Pure.

:mod:`chatnomina.payroll.inputs` holds the conventions; payroll runs build one
:class:`PeriodMapper` per period and call it for every person of :func:`people_in_period`.
"""

from chatnomina.payroll.inputs import (
    DEFAULT_SETTINGS,
    KNOWN_CONCEPTS,
    ContractSpan,
    EmployeeInputError,
    PayrollSettings,
    PeriodMapper,
    engine_input,
    people_in_period,
    period_inputs,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "KNOWN_CONCEPTS",
    "ContractSpan",
    "EmployeeInputError",
    "PayrollSettings",
    "PeriodMapper",
    "engine_input",
    "people_in_period",
    "period_inputs",
]
