"""Parameter snapshots: what a period (or a day of hours) needs, looked up and derived once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from chatnomina.engine.calendar import HolidayCalendar
from chatnomina.engine.parameters import Parameters, ParamValue
from chatnomina.engine.trace import format_number

_TWELVE = Decimal(12)


class PeriodRules:
    """Parameters in force on a period's first day, with thresholds derived from them in pesos."""

    def __init__(self, params: Parameters, on: date):
        get = params.get
        self.on = on
        self.smmlv = get("smmlv", on)
        self.transport_allowance = get("transport_allowance", on)
        self.uvt = get("uvt", on)
        self.month_days = get("commercial_month_days", on)
        self.transport_max = get("transport_allowance_max_smmlv", on)
        self.health_employee = get("health_rate_employee", on)
        self.health_employer = get("health_rate_employer", on)
        self.pension_employee = get("pension_rate_employee", on)
        self.pension_employer = get("pension_rate_employer", on)
        self.fsp = get("fsp_brackets", on)
        self.ibc_floor = get("ibc_floor_smmlv", on)
        self.ibc_cap = get("ibc_cap_smmlv", on)
        self.integral_share = get("integral_base_share", on)
        self.integral_min = get("integral_min_smmlv", on)
        self.non_salary_cap = get("non_salary_cap_rate", on)
        self.arl = get("arl_rates", on)
        self.caja = get("caja_rate", on)
        self.icbf = get("icbf_rate", on)
        self.sena = get("sena_rate", on)
        self.exoneration_max = get("exoneration_max_smmlv", on)
        self.pila_rounding = get("pila_contribution_rounding", on)
        self.withholding_table = get("withholding_table", on)
        self.dependents_rate = get("dependents_deduction_rate", on)
        self.dependents_cap = get("dependents_deduction_cap_uvt", on)
        self.prepaid_cap = get("prepaid_medicine_cap_uvt", on)
        self.housing_cap = get("housing_interest_cap_uvt", on)
        self.voluntary_rate = get("voluntary_pension_exempt_rate", on)
        self.voluntary_cap = get("voluntary_pension_exempt_cap_uvt_year", on)
        self.exempt_rate = get("labour_exempt_rate", on)
        self.exempt_cap = get("labour_exempt_cap_uvt_year", on)
        self.benefits_rate = get("benefits_cap_rate", on)
        self.benefits_cap = get("benefits_cap_uvt_year", on)
        self.withholding_rounding = get("withholding_rounding", on)
        self.prima = get("prima_fraction", on)
        self.cesantias = get("cesantias_fraction", on)
        self.cesantias_interest = get("cesantias_interest_rate", on)
        self.vacation = get("vacation_fraction", on)
        self.incapacity = get("incapacity_tiers", on)
        self._arl_by_class: dict[str, ParamValue] = {}

        smmlv: Decimal = self.smmlv.value
        uvt: Decimal = self.uvt.value
        self.days_in_month: int = int(self.month_days.value)
        self.transport_limit = smmlv * self.transport_max.value
        self.ibc_cap_pesos = smmlv * self.ibc_cap.value
        self.integral_min_pesos = smmlv * self.integral_min.value
        self.exoneration_limit = smmlv * self.exoneration_max.value
        self.daily_smmlv = smmlv / self.month_days.value
        # Annual UVT caps are prorated by twelve (R7; the reference marks the method UNVERIFIED).
        self.dependents_cap_pesos = self.dependents_cap.value * uvt
        self.prepaid_cap_pesos = self.prepaid_cap.value * uvt
        self.housing_cap_pesos = self.housing_cap.value * uvt
        self.voluntary_cap_month = self.voluntary_cap.value * uvt / _TWELVE
        self.exempt_cap_month = self.exempt_cap.value * uvt / _TWELVE
        self.benefits_cap_month = self.benefits_cap.value * uvt / _TWELVE
        self.withholding_rounding_words = (
            f"redondeado al múltiplo de {format_number(self.withholding_rounding.value)} "
            "más cercano "
            "(convención R7, sin norma verificada)"
        )
        self.health_total_rate = self.health_employee.value + self.health_employer.value
        self.pension_total_rate = self.pension_employee.value + self.pension_employer.value
        # Brackets converted to pesos once, searched from the top.
        self.fsp_brackets = tuple(
            (smmlv * b["from_smmlv"], b["inclusive"], b["rate"], b["from_smmlv"])
            for b in reversed(self.fsp.value["brackets"])
        )
        self.withholding_brackets = tuple(
            (row["from_uvt"] * uvt, row["rate"], row["base_tax_uvt"] * uvt, row)
            for row in reversed(self.withholding_table.value)
        )

    def arl_rate(self, risk_class: str) -> ParamValue:
        """The ARL rate of one risk class, as a parameter of its own for traces."""
        found = self._arl_by_class.get(risk_class)
        if found is None:
            table = self.arl
            found = self._arl_by_class[risk_class] = replace(
                table,
                name=f"arl_rates.{risk_class}",
                label=f"{table.label}: clase {risk_class}",
                value=table.value[risk_class],
            )
        return found


def period_rules(params: Parameters, on: date) -> PeriodRules:
    """The snapshot for ``on``, memoised on the parameter table."""
    cache = params.derived
    key = ("period", on)
    found = cache.get(key)
    if found is None:
        found = cache[key] = PeriodRules(params, on)
    return found


class DayRules:
    """What prices an hour worked on one date: night window, surcharges, divisor and holiday."""

    __slots__ = (
        "day",
        "divisor",
        "holiday",
        "night_end",
        "night_start",
        "night_surcharge",
        "night_window",
        "overtime_day",
        "overtime_night",
        "rest_surcharge",
        "schedule",
        "step_start",
        "weekly_hours",
    )

    def __init__(
        self, params: Parameters, calendar: HolidayCalendar, day: date, step_day: int | None
    ):
        get = params.get
        self.day = day
        self.night_window = get("night_window", day)
        self.night_start = _minutes(self.night_window.value["start"])
        self.night_end = _minutes(self.night_window.value["end"])
        self.rest_surcharge = get("rest_day_surcharge", day)
        self.night_surcharge = get("night_surcharge", day)
        self.overtime_day = get("overtime_day_surcharge", day)
        self.overtime_night = get("overtime_night_surcharge", day)
        self.schedule = get("weekly_hours_schedule", day)
        self.step_start = get("ley_2101_step_start", day)
        month = self.step_start.value["month"]
        first = step_day if step_day is not None else self.step_start.value["day"]
        current = self.schedule.value["base"]
        for step in self.schedule.value["steps"]:
            if day >= date(step["year"], month, first):
                current = step
        self.weekly_hours: int = current["weekly_hours"]
        self.divisor: int = current["divisor"]
        self.holiday = calendar.holiday_name(day)

    @property
    def base_divisor(self) -> int:
        """The divisor before Ley 2101 (48 hours a week), kept by a minority reading."""
        return self.schedule.value["base"]["divisor"]


def day_rules(params: Parameters, day: date, step_day: int | None) -> DayRules:
    """The rules for hours on ``day``, memoised on the parameter table."""
    cache = params.derived
    key = ("day", day, step_day)
    found = cache.get(key)
    if found is None:
        found = cache[key] = DayRules(params, holiday_calendar(params), day, step_day)
    return found


def holiday_calendar(params: Parameters) -> HolidayCalendar:
    """The holiday calendar built from this parameter table's overrides."""
    found = params.derived.get("calendar")
    if found is None:
        found = params.derived["calendar"] = HolidayCalendar(params)
    return found


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
