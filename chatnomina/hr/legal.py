"""The few legal values the HR facts need, dated and with their source.

Only one fact needs law rather than data: which past salary periods were *integral*. The
exports mark the scheme for today only (``Esquema`` in ``ACTIVOS_HM``, ``REGIMEN_SALARIAL``
per payroll since the withholding file starts); an earlier salary could only have been
integral if it reached the legal floor of 13 SMMLV of its year. The payroll engine keeps
its own dated parameters; callers may pass those instead (``minimum_wage=`` in
:mod:`chatnomina.hr.facts`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

# CST art. 132 (modified by Ley 50/1990 art. 18): an integral salary is at least
# 10 SMMLV plus a prestational factor of at least 30 %, i.e. 13 SMMLV.
INTEGRAL_SALARY_MINIMUM_IN_SMMLV = 13

# Salario mínimo legal mensual vigente by year (in force from 1 January), with its decree.
MINIMUM_WAGE: dict[int, tuple[Decimal, str]] = {
    2009: (Decimal(496_900), "Decreto 4868/2008"),
    2010: (Decimal(515_000), "Decreto 5053/2009"),
    2011: (Decimal(535_600), "Decreto 033/2011"),
    2012: (Decimal(566_700), "Decreto 4919/2011"),
    2013: (Decimal(589_500), "Decreto 2738/2012"),
    2014: (Decimal(616_000), "Decreto 3068/2013"),
    2015: (Decimal(644_350), "Decreto 2731/2014"),
    2016: (Decimal(689_455), "Decreto 2552/2015"),
    2017: (Decimal(737_717), "Decreto 2209/2016"),
    2018: (Decimal(781_242), "Decreto 2269/2017"),
    2019: (Decimal(828_116), "Decreto 2451/2018"),
    2020: (Decimal(877_803), "Decreto 2360/2019"),
    2021: (Decimal(908_526), "Decreto 1785/2020"),
    2022: (Decimal(1_000_000), "Decreto 1724/2021"),
    2023: (Decimal(1_160_000), "Decreto 2613/2022"),
    2024: (Decimal(1_300_000), "Decreto 2292/2023"),
    2025: (Decimal(1_423_500), "Decreto 1572/2024"),
    2026: (Decimal(1_750_905), "Decreto 1469/2025, re-issued by Decreto 0159/2026"),
}


def minimum_wage_on(day: date) -> Decimal | None:
    """The SMMLV in force on ``day``, or None if the table does not cover that year."""
    entry = MINIMUM_WAGE.get(day.year)
    return entry[0] if entry is not None else None
