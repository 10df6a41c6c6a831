"""Colombian calendar: holidays (python-holidays + overrides), rest days, commercial days (R8)."""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays as _holidays

from chatnomina.engine.parameters import Parameters

WEEKDAY_NAMES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
SUNDAY = 6


@lru_cache(maxsize=64)
def _package_holidays(year: int) -> dict[date, str]:
    # The package builds a year's calendar in a few hundred microseconds: once per year is plenty.
    return dict(_holidays.country_holidays("CO", years=year, language="es").items())


class HolidayCalendar:
    """Colombian holidays of the `holidays` package corrected by the parameter file's overrides."""

    def __init__(self, params: Parameters):
        self._added = {o.day: o.name for o in params.holidays_added}
        self._removed = frozenset(o.day for o in params.holidays_removed)
        self._years: dict[int, dict[date, str]] = {}
        self.source = params.holidays_source

    def holidays(self, year: int) -> dict[date, str]:
        """Holidays of ``year`` (date → name)."""
        found = self._years.get(year)
        if found is None:
            merged = {d: n for d, n in _package_holidays(year).items() if d not in self._removed}
            merged.update({d: n for d, n in self._added.items() if d.year == year})
            found = self._years[year] = merged
        return found

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name, or None on an ordinary day."""
        return self.holidays(day.year).get(day)

    def is_rest_day(self, day: date, rest_weekday: int = SUNDAY) -> bool:
        """True on the worker's weekly rest day or a holiday (one surcharge even when both)."""
        return day.weekday() == rest_weekday or day in self.holidays(day.year)

    def business_days(
        self, start: date, end: date, rest_weekdays: tuple[int, ...] = (SUNDAY,)
    ) -> int:
        """Days from ``start`` to ``end`` inclusive that are neither rest weekdays nor holidays."""
        count = 0
        day = start
        while day <= end:
            if day.weekday() not in rest_weekdays and day not in self.holidays(day.year):
                count += 1
            day += timedelta(days=1)
        return count


def commercial_day(day: date) -> int:
    """The day's number in a 30-day commercial month (R8): the 31st and month ends count as 30."""
    last = _stdlib_calendar.monthrange(day.year, day.month)[1]
    return 30 if day.day >= 30 or day.day == last else day.day


def commercial_days(start: date, end: date) -> int:
    """Commercial days (R8) from ``start`` to ``end`` inclusive, both in the same month."""
    if end < start:
        return 0
    return commercial_day(end) - commercial_day(start) + 1


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last calendar day of the month."""
    return date(year, month, 1), date(year, month, _stdlib_calendar.monthrange(year, month)[1])
