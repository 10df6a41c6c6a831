"""Entities in an employee's message: periods, money, payroll concepts and other people.

Pure functions: the date the question is asked (``today``, already in America/Bogota) is always
passed in, never read from a clock. Periods are resolved to concrete ``start``/``end`` dates:

* a month or day named without a year is the most recent one that is not in the future
  ("en marzo" asked in November 2026 is March 2026; "en diciembre" asked in January 2027 is
  December 2026), or the next one when the caller asks with ``prefer="future"`` (vacation
  requests);
* "el último trimestre" and "los últimos N meses" are the N most recent *complete* months;
* "el mes anterior" / "el anterior" / "el siguiente" shift the period mentioned just before
  (earlier in the sentence, or the ``anchor`` from the previous turn), else count from today.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from zoneinfo import ZoneInfo

from chatnomina.assistant.formatting import MONTHS, format_date, format_month, format_range
from chatnomina.assistant.nlu.text import fold

__all__ = [
    "CONCEPTS",
    "Entities",
    "Period",
    "bogota_today",
    "extract_concepts",
    "extract_entities",
    "extract_periods",
    "find_other_person",
    "parse_money",
    "parse_percentages",
]

Granularity = Literal["day", "fortnight", "month", "range", "year"]
Prefer = Literal["past", "future"]

_BOGOTA = ZoneInfo("America/Bogota")


def bogota_today(now: datetime) -> date:
    """The calendar date in Colombia at the aware instant ``now`` (the caller reads the clock)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(_BOGOTA).date()


# --------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """A span of calendar days the employee asked about, with a Spanish label."""

    start: date
    end: date
    granularity: Granularity
    label: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form: ISO dates."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "granularity": self.granularity,
            "label": self.label,
        }

    def shifted(self, steps: int) -> Period:
        """The same kind of period ``steps`` units later (negative: earlier)."""
        if self.granularity == "year":
            return year_period(self.start.year + steps)
        if self.granularity == "month":
            year, month = _add_months(self.start.year, self.start.month, steps)
            return month_period(year, month)
        if self.granularity == "fortnight":
            half = 0 if self.start.day == 1 else 1
            index = (self.start.year * 12 + self.start.month - 1) * 2 + half + steps
            months, half = divmod(index, 2)
            year, month0 = divmod(months, 12)
            return fortnight_period(year, month0 + 1, half + 1)
        if self.granularity == "day":
            return day_period(self.start + timedelta(days=steps))
        if self.start.day == 1 and _month_end(self.end) == self.end:
            length = _month_index(self.end) - _month_index(self.start) + 1
            start_y, start_m = _add_months(self.start.year, self.start.month, steps * length)
            end_y, end_m = _add_months(self.end.year, self.end.month, steps * length)
            return range_period(date(start_y, start_m, 1), _month_end(date(end_y, end_m, 1)))
        length_days = (self.end - self.start).days + 1
        delta = timedelta(days=steps * length_days)
        return range_period(self.start + delta, self.end + delta)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def _month_end(day: date) -> date:
    year, month = _add_months(day.year, day.month, 1)
    return date(year, month, 1) - timedelta(days=1)


def month_period(year: int, month: int) -> Period:
    """The whole calendar month."""
    start = date(year, month, 1)
    return Period(start, _month_end(start), "month", format_month(year, month))


def year_period(year: int) -> Period:
    """The whole calendar year."""
    return Period(date(year, 1, 1), date(year, 12, 31), "year", str(year))


def day_period(day: date) -> Period:
    """A single day."""
    return Period(day, day, "day", format_date(day))


def fortnight_period(year: int, month: int, half: int) -> Period:
    """Quincena ``half`` (1: days 1–15, 2: 16–end) of a month."""
    if half == 1:
        start, end = date(year, month, 1), date(year, month, 15)
        label = f"primera quincena de {format_month(year, month)}"
    else:
        start, end = date(year, month, 16), _month_end(date(year, month, 1))
        label = f"segunda quincena de {format_month(year, month)}"
    return Period(start, end, "fortnight", label)


def range_period(start: date, end: date) -> Period:
    """An arbitrary span; a span that is exactly one month or year gets that granularity."""
    if start.day == 1 and end == _month_end(end):
        if (start.year, start.month) == (end.year, end.month):
            return month_period(start.year, start.month)
        if start.month == 1 and end.month == 12 and start.year == end.year:
            return year_period(start.year)
    return Period(start, end, "range", format_range(start, end))


def _last_complete_months(today: date, count: int) -> Period:
    end_y, end_m = _add_months(today.year, today.month, -1)
    start_y, start_m = _add_months(today.year, today.month, -count)
    return range_period(date(start_y, start_m, 1), _month_end(date(end_y, end_m, 1)))


_MONTH_NAMES = {name: i + 1 for i, name in enumerate(MONTHS)}
_MONTH_NAMES["setiembre"] = 9
_MONTH_NAMES["sept"] = 9
_MONTH_RE = (
    r"(?P<{g}>enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|sept|"
    r"octubre|noviembre|diciembre)"
)
_MONTH = _MONTH_RE.format(g="month")
_MONTH2 = _MONTH_RE.format(g="month2")
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_YEAR2 = r"(?P<year2>(?:19|20)\d{2})"
_OF = r"(?:\s+|\s*,\s*|\s+(?:de|del)\s+(?:(?:el\s+)?ano\s+)?)"
_PAST = r"(?:pasad[oa]|pasa[oa]|anterior)"
# "anterior" shifts the period mentioned before it (see _h_shift), so month, year and fortnight
# phrases only take "pasado" here.
_PAST_ONLY = r"(?:pasad[oa]|pasa[oa])"
_NEXT = r"(?:proxim[oa]|siguiente|entrante|que\s+viene)"
# Likewise "mes siguiente" follows the period mentioned before; "próximo mes" counts from today.
_NEXT_ONLY = r"(?:proxim[oa]|entrante|que\s+viene)"
_REL_YEAR = (
    rf"(?P<relyear>este\s+ano|ano\s+actual|presente\s+ano|ano\s+en\s+curso|(?:el\s+)?ano\s+{{past}}|"
    rf"(?:el\s+)?ano\s+antepasado|(?:el\s+)?{_NEXT}\s+ano|(?:el\s+)?ano\s+{{next}})"
)
# Attached to a month ("marzo del año anterior") "anterior" means the year before this one;
# on its own ("¿y el año anterior?") it shifts the period mentioned before (see _h_shift).
_REL_YEAR_ALONE = _REL_YEAR.replace("{past}", _PAST_ONLY).replace("{next}", _NEXT_ONLY)
_REL_YEAR = _REL_YEAR.replace("{past}", _PAST).replace("{next}", _NEXT)

_NUMBER_WORDS = {
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
    "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18,
    "diecinueve": 19, "veinte": 20, "veinticuatro": 24, "treinta": 30, "treinta y seis": 36,
}  # fmt: skip
_COUNT = r"(?P<count>\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"


def _count(value: str) -> int:
    return int(value) if value.isdigit() else _NUMBER_WORDS[value]


@dataclass
class _Context:
    today: date
    prefer: Prefer
    anchor: Period | None
    compare: bool

    def month(self, month: int, *, strictly_past: bool = False) -> Period:
        """A month named without a year, resolved by preference."""
        today = self.today
        if self.prefer == "future":
            year = today.year if month >= today.month else today.year + 1
        elif strictly_past:
            year = today.year if month < today.month else today.year - 1
        else:
            year = today.year if month <= today.month else today.year - 1
        return month_period(year, month)

    def day(self, month: int, day: int) -> Period | None:
        """A day named without a year, resolved by preference."""
        today = self.today
        for year in (today.year, today.year - 1, today.year + 1):
            if not _valid(year, month, day):
                return None
        candidate = date(today.year, month, day)
        if self.prefer == "future" and candidate < today:
            candidate = date(today.year + 1, month, day)
        elif self.prefer == "past" and candidate > today:
            candidate = date(today.year - 1, month, day)
        return day_period(candidate)

    def relative_year(self, phrase: str) -> int:
        """The year meant by "este año", "el año pasado", "el próximo año"…"""
        phrase = " ".join(phrase.split())
        if "antepasado" in phrase:
            return self.today.year - 2
        if re.search(_PAST, phrase):
            return self.today.year - 1
        if re.search(_NEXT, phrase):
            return self.today.year + 1
        return self.today.year


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _year_of(ctx: _Context, m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("year"):
        return int(groups["year"])
    if groups.get("relyear"):
        return ctx.relative_year(groups["relyear"])
    return None


def _h_iso(m: re.Match[str], ctx: _Context) -> Period | None:
    year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    return day_period(date(year, month, day)) if _valid(year, month, day) else None


def _h_dmy(m: re.Match[str], ctx: _Context) -> Period | None:
    day, month = int(m["d"]), int(m["m"])
    if m["y"] is None:
        return ctx.day(month, day) if 1 <= month <= 12 else None
    year = int(m["y"])
    year = year + 2000 if year < 100 else year
    return day_period(date(year, month, day)) if _valid(year, month, day) else None


def _h_day_month(m: re.Match[str], ctx: _Context) -> Period | None:
    month = _MONTH_NAMES[m["month"]]
    day = int(m["d"]) if m["d"].isdigit() else _NUMBER_WORDS.get(m["d"], 0)
    year = _year_of(ctx, m)
    if year is None:
        return ctx.day(month, day)
    return day_period(date(year, month, day)) if _valid(year, month, day) else None


def _h_day_range(m: re.Match[str], ctx: _Context) -> Period | None:
    month = _MONTH_NAMES[m["month"]]
    first, last = int(m["d"]), int(m["d2"])
    year = _year_of(ctx, m)
    if year is None:
        probe = ctx.day(month, first)
        if probe is None:
            return None
        year = probe.start.year
    if first > last or not (_valid(year, month, first) and _valid(year, month, last)):
        return None
    return range_period(date(year, month, first), date(year, month, last))


def _h_date_to_date(m: re.Match[str], ctx: _Context) -> Period | None:
    month, month2 = _MONTH_NAMES[m["month"]], _MONTH_NAMES[m["month2"]]
    day, day2 = int(m["d"]), int(m["d2"])
    year2 = int(m["year2"]) if m["year2"] else None
    year = int(m["year"]) if m["year"] else None
    if year is None and year2 is None:
        start = ctx.day(month, day)
        if start is None:
            return None
        year = start.start.year
    if year is None:
        assert year2 is not None
        year = year2 if (month, day) <= (month2, day2) else year2 - 1
    if year2 is None:
        year2 = year if (month2, day2) >= (month, day) else year + 1
    if not (_valid(year, month, day) and _valid(year2, month2, day2)):
        return None
    start_day, end_day = date(year, month, day), date(year2, month2, day2)
    return range_period(start_day, end_day) if start_day <= end_day else None


def _h_fortnight(m: re.Match[str], ctx: _Context) -> Period | None:
    half = 1 if m["which"].startswith(("primer", "1")) else 2
    if m["month"]:
        month = _MONTH_NAMES[m["month"]]
        year = _year_of(ctx, m)
        if year is None:
            year = ctx.month(month).start.year
        return fortnight_period(year, month, half)
    if m["rel"]:
        rel = m["rel"]
        if re.search(_PAST, rel):
            y, mo = _add_months(ctx.today.year, ctx.today.month, -1)
        elif re.search(_NEXT, rel):
            y, mo = _add_months(ctx.today.year, ctx.today.month, 1)
        else:
            y, mo = ctx.today.year, ctx.today.month
        return fortnight_period(y, mo, half)
    if m["which"].startswith("ultim"):
        return _current_fortnight(ctx.today).shifted(-1)
    current = _current_fortnight(ctx.today)
    candidate = fortnight_period(ctx.today.year, ctx.today.month, half)
    if ctx.prefer == "past" and candidate.start > current.start:
        return candidate.shifted(-2)
    if ctx.prefer == "future" and candidate.start < current.start:
        return candidate.shifted(2)
    return candidate


def _current_fortnight(today: date) -> Period:
    return fortnight_period(today.year, today.month, 1 if today.day <= 15 else 2)


def _h_fortnight_rel(m: re.Match[str], ctx: _Context) -> Period:
    current = _current_fortnight(ctx.today)
    word = m["rel"]
    if re.search(_PAST, word) or "ultima" in word:
        return current.shifted(-1)
    if re.search(_NEXT, word):
        return current.shifted(1)
    return current


def _h_month_range(m: re.Match[str], ctx: _Context) -> Period | list[Period] | None:
    first, last = _MONTH_NAMES[m["month"]], _MONTH_NAMES[m["month2"]]
    year = _year_of(ctx, m)
    if m["yearA"]:
        start_year = int(m["yearA"])
    elif year is not None:
        start_year = year if first <= last else year - 1
    else:
        start_year = ctx.month(first).start.year
    end_year = start_year if last >= first else start_year + 1
    if m["yearA"] and year is not None:
        end_year = year
    if (end_year, last) < (start_year, first):
        return None
    conj = m["conj"].strip().rstrip(".")
    if conj in {"vs", "con", "versus", "contra"} or (ctx.compare and conj == "y"):
        return [month_period(start_year, first), month_period(end_year, last)]
    return range_period(date(start_year, first, 1), _month_end(date(end_year, last, 1)))


def _h_since_month(m: re.Match[str], ctx: _Context) -> Period | None:
    month = _MONTH_NAMES[m["month"]]
    year = _year_of(ctx, m)
    start = date(year, month, 1) if year is not None else ctx.month(month).start
    return range_period(start, ctx.today) if start <= ctx.today else None


def _h_month_year(m: re.Match[str], ctx: _Context) -> Period | None:
    year = _year_of(ctx, m)
    assert year is not None
    return month_period(year, _MONTH_NAMES[m["month"]])


def _h_month_past(m: re.Match[str], ctx: _Context) -> Period:
    return ctx.month(_MONTH_NAMES[m["month"]], strictly_past=True)


def _h_month_next(m: re.Match[str], ctx: _Context) -> Period:
    month = _MONTH_NAMES[m["month"]]
    year = ctx.today.year if month > ctx.today.month else ctx.today.year + 1
    return month_period(year, month)


def _h_month(m: re.Match[str], ctx: _Context) -> Period:
    month = _MONTH_NAMES[m["month"]]
    anchor = ctx.anchor
    if (
        anchor is not None
        and anchor.granularity in ("month", "fortnight", "day", "year")
        and ctx.prefer == "past"
        and date(anchor.start.year, month, 1) <= ctx.today
    ):
        # "¿y en septiembre?" after "marzo de 2025" means September 2025.
        return month_period(anchor.start.year, month)
    return ctx.month(month)


def _h_relative_month(m: re.Match[str], ctx: _Context) -> Period:
    word = " ".join(m["rel"].split())
    today = ctx.today
    if "antepasado" in word:
        delta = -2
    elif re.search(_PAST, word):
        delta = -1
    elif re.search(_NEXT, word):
        delta = 1
    else:
        delta = 0
    year, month = _add_months(today.year, today.month, delta)
    return month_period(year, month)


def _h_relative_year(m: re.Match[str], ctx: _Context) -> Period:
    return year_period(ctx.relative_year(m["relyear"]))


def _h_year_to_date(m: re.Match[str], ctx: _Context) -> Period:
    if "mes" in m[0]:
        return range_period(ctx.today.replace(day=1), ctx.today)
    return range_period(date(ctx.today.year, 1, 1), ctx.today)


def _h_ago(m: re.Match[str], ctx: _Context) -> Period | None:
    count = _count(m["count"])
    unit = m["unit"]
    today = ctx.today
    if unit.startswith("mes"):
        year, month = _add_months(today.year, today.month, -count)
        return month_period(year, month)
    if unit.startswith("ano"):
        return year_period(today.year - count)
    if unit.startswith("semana"):
        return day_period(today - timedelta(weeks=count))
    return day_period(today - timedelta(days=count))


def _h_last_months(m: re.Match[str], ctx: _Context) -> Period | None:
    count = _count(m["count"]) if m["count"] else 1
    unit = m["unit"]
    if unit.startswith("trimestre"):
        count *= 3
    elif unit.startswith("semestre"):
        count *= 6
    elif unit.startswith("ano"):
        count *= 12
    if not 1 <= count <= 120:
        return None
    return _last_complete_months(ctx.today, count)


def _h_quarter_semester(m: re.Match[str], ctx: _Context) -> Period | None:
    ordinal = m["ord"]
    size = 3 if m["unit"].startswith("trimestre") else 6
    index = {"primer": 0, "1": 0, "segundo": 1, "2": 1, "tercer": 2, "3": 2, "cuarto": 3,
             "4": 3}.get(ordinal)  # fmt: skip
    if index is None or index * size >= 12:
        return None
    year = _year_of(ctx, m)
    first_month = index * size + 1
    if year is None:
        year = ctx.today.year
        start_probe = date(year, first_month, 1)
        if ctx.prefer == "past" and start_probe > ctx.today:
            year -= 1
        elif (
            ctx.prefer == "future" and _month_end(date(year, first_month + size - 1, 1)) < ctx.today
        ):
            year += 1
    return range_period(
        date(year, first_month, 1), _month_end(date(year, first_month + size - 1, 1))
    )


def _h_semester_rel(m: re.Match[str], ctx: _Context) -> Period:
    today = ctx.today
    first = 1 if today.month <= 6 else 7
    current = range_period(date(today.year, first, 1), _month_end(date(today.year, first + 5, 1)))
    word = m["rel"]
    if re.search(_PAST, word):
        return current.shifted(-1)
    if re.search(_NEXT, word):
        return current.shifted(1)
    return current


def _h_week(m: re.Match[str], ctx: _Context) -> Period:
    monday = ctx.today - timedelta(days=ctx.today.weekday())
    word = m["rel"]
    if re.search(_PAST, word):
        monday -= timedelta(weeks=1)
    elif re.search(_NEXT, word) or "otra" in word:
        monday += timedelta(weeks=1)
    return range_period(monday, monday + timedelta(days=6))


def _h_named_day(m: re.Match[str], ctx: _Context) -> Period:
    word = " ".join(m[0].split())
    offset = {"hoy": 0, "ayer": -1, "antier": -2, "anteayer": -2, "antes de ayer": -2,
              "pasado manana": 2, "manana": 1}[word]  # fmt: skip
    return day_period(ctx.today + timedelta(days=offset))


def _h_year(m: re.Match[str], ctx: _Context) -> Period:
    return year_period(int(m["year"]))


def _h_shift(m: re.Match[str], ctx: _Context) -> Period | None:
    direction = -1 if re.search(r"anterior|antes|previo", m[0]) else 1
    unit = m["unit"] or ""
    anchor = ctx.anchor
    if anchor is None:
        if unit.startswith("mes"):
            year, month = _add_months(ctx.today.year, ctx.today.month, direction)
            return month_period(year, month)
        if unit.startswith("ano"):
            return year_period(ctx.today.year + direction)
        if unit.startswith("quincena"):
            return _current_fortnight(ctx.today).shifted(direction)
        return None
    if unit.startswith("mes"):
        year, month = _add_months(anchor.start.year, anchor.start.month, direction)
        if anchor.granularity == "year" and direction > 0:
            year, month = _add_months(anchor.end.year, anchor.end.month, direction)
        return month_period(year, month)
    if unit.startswith("ano"):
        return year_period(anchor.start.year + direction)
    if unit.startswith("quincena"):
        edge = anchor.start if direction < 0 else anchor.end
        return _current_fortnight(edge).shifted(direction)
    return anchor.shifted(direction)


_Handler = Callable[[re.Match[str], _Context], "Period | list[Period] | None"]
_D = r"(?P<d>[0-3]?\d|primero)"
_D2 = r"(?P<d2>[0-3]?\d)"

# Order matters only for equal-length overlapping matches: earlier rules win.
_RULES: list[tuple[re.Pattern[str], _Handler]] = [
    (re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b"), _h_iso),
    (
        re.compile(
            r"\b(?P<d>[0-3]?\d)[/.-](?P<m>[01]?\d)(?:[/.-](?P<y>(?:19|20)?\d{2}))?\b(?![.,]\d)"
        ),
        _h_dmy,
    ),
    (
        re.compile(
            rf"\b(?:del?|desde\s+el|entre\s+el)\s+(?P<d>[0-3]?\d)\s+(?:de\s+)?{_MONTH}"
            rf"(?:{_OF}{_YEAR})?\s+(?:al?|hasta\s+el|y\s+el)\s+{_D2}\s+(?:de\s+)?{_MONTH2}(?:{_OF}{_YEAR2})?\b"
        ),
        _h_date_to_date,
    ),
    (
        re.compile(
            rf"\b(?:del?|desde\s+el|entre\s+el)\s+(?P<d>[0-3]?\d)\s+(?:al?|hasta\s+el|y\s+el)\s+{_D2}"
            rf"\s+de\s+{_MONTH}(?:{_OF}(?:{_YEAR}|{_REL_YEAR}))?\b"
        ),
        _h_day_range,
    ),
    (
        re.compile(
            rf"\b(?P<d>[0-3]?\d|primero)\s+de\s+{_MONTH}(?:{_OF}(?:{_YEAR}|{_REL_YEAR}))?\b"
        ),
        _h_day_month,
    ),
    (
        re.compile(
            rf"\b(?P<which>primera|1a|1ra|segunda|2a|2da|ultima)\s+quincena"
            rf"(?:\s+(?:de|del)\s+(?:mes\s+de\s+)?{_MONTH}(?:{_OF}(?:{_YEAR}|{_REL_YEAR}))?"
            rf"|\s+(?:de|del)\s+(?P<rel>este\s+mes|mes\s+{_PAST}|mes\s+{_NEXT}|{_NEXT}\s+mes|presente\s+mes))?"
        ),
        _h_fortnight,
    ),
    (
        re.compile(
            rf"\b(?P<rel>(?:la\s+)?quincena\s+(?:{_PAST_ONLY}|{_NEXT_ONLY})|esta\s+quincena|"
            rf"(?:la\s+)?ultima\s+quincena|(?:la\s+)?{_NEXT}\s+quincena|quincena\s+actual)\b"
        ),
        _h_fortnight_rel,
    ),
    (
        re.compile(
            rf"\b(?:(?:de|desde|entre)\s+)?(?:el\s+mes\s+de\s+)?{_MONTH}"
            rf"(?:{_OF}(?P<yearA>(?:19|20)\d{{2}}))?\s*(?P<conj>\s+a\s+|\s+al\s+|\s+hasta\s+|-|\s+y\s+|"
            rf"\s+vs\.?\s+|\s+versus\s+|\s+contra\s+|\s+con\s+)(?:el\s+de\s+|el\s+mes\s+de\s+|la\s+de\s+)?"
            rf"{_MONTH2}(?:{_OF}(?:{_YEAR}|{_REL_YEAR}))?\b"
        ),
        _h_month_range,
    ),
    (
        re.compile(
            rf"\bdesde\s+(?:el\s+mes\s+de\s+)?{_MONTH}(?:{_OF}{_YEAR})?\b(?!\s+(?:a|al|hasta)\b)"
        ),
        _h_since_month,
    ),
    (re.compile(rf"\b{_MONTH}{_OF}(?:{_YEAR}|{_REL_YEAR})\b"), _h_month_year),
    (re.compile(rf"\b{_MONTH}\s+{_PAST}\b"), _h_month_past),
    (re.compile(rf"\b(?:el\s+)?{_MONTH}\s+{_NEXT}\b"), _h_month_next),
    (re.compile(rf"\b{_NEXT}\s+{_MONTH}\b"), _h_month_next),
    (re.compile(rf"\b{_MONTH}\b"), _h_month),
    (
        re.compile(
            rf"\b(?P<rel>(?:el\s+)?mes\s+(?:antepasado|{_PAST_ONLY}|{_NEXT_ONLY}|actual|en\s+curso|corriente)|"
            rf"(?:el\s+)?{_NEXT}\s+mes|este\s+mes|presente\s+mes|(?:el\s+)?mes\s+(?:que\s+paso))\b"
        ),
        _h_relative_month,
    ),
    (re.compile(rf"\b{_REL_YEAR_ALONE}\b"), _h_relative_year),
    (
        re.compile(
            r"\b(?:en\s+)?lo\s+(?:que\s+va|corrido|que\s+llevamos)\s+(?:del|de\s+este)\s+(?:ano|mes)\b"
        ),
        _h_year_to_date,
    ),
    (re.compile(rf"\bhace\s+{_COUNT}\s+(?P<unit>mes(?:es)?|anos?|semanas?|dias?)\b"), _h_ago),
    (
        re.compile(
            rf"\b(?:(?:en\s+)?(?:el|los|las)\s+)?ultim[oa]s?\s+(?:{_COUNT}\s+)?"
            rf"(?P<unit>mes(?:es)?|trimestres?|semestres?|anos?)\b|\b(?P<unit2>trimestre)\s+{_PAST}\b"
        ),
        lambda m, ctx: _h_last_months(m, ctx) if m["unit"] else _last_complete_months(ctx.today, 3),
    ),
    (
        re.compile(
            rf"\b(?P<ord>primer|segundo|tercer|cuarto|[1-4])(?:er|o|do)?\s+(?P<unit>trimestre|semestre)"
            rf"(?:{_OF}(?:{_YEAR}|{_REL_YEAR}))?\b"
        ),
        _h_quarter_semester,
    ),
    (
        re.compile(
            rf"\b(?P<rel>(?:el\s+)?semestre\s+(?:{_PAST}|{_NEXT}|actual)|este\s+semestre)\b"
        ),
        _h_semester_rel,
    ),
    (
        re.compile(
            rf"\b(?P<rel>(?:la\s+)?semana\s+(?:{_PAST}|{_NEXT})|esta\s+semana|(?:la\s+)?{_NEXT}\s+semana|"
            rf"la\s+otra\s+semana)\b"
        ),
        _h_week,
    ),
    # "mañana" is also "morning": not after "la", "esta", "cada" ("en la mañana", "esta mañana").
    (
        re.compile(
            r"\b(?:hoy|ayer|antier|anteayer|antes\s+de\s+ayer|pasado\s+manana|"
            r"(?<!la\s)(?<!esta\s)(?<!cada\s)(?<!una\s)(?<!las\s)manana)\b"
        ),
        _h_named_day,
    ),
    (
        re.compile(
            r"\b(?:(?:el|la|del|de\s+la)\s+)?(?:(?P<unit>mes|ano|quincena)\s+)?"
            r"(?:anterior|previo|siguiente|antes|despues)\b"
        ),
        _h_shift,
    ),
    (re.compile(rf"(?<![\d.,$'])\b{_YEAR}\b(?![.,']?\d)"), _h_year),
]


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    periods: tuple[Period, ...]


def _period_matches(
    folded: str, today: date, prefer: Prefer, anchor: Period | None, compare: bool
) -> list[_Found]:
    candidates: list[tuple[int, int, int, re.Match[str], _Handler]] = []
    for order, (pattern, handler) in enumerate(_RULES):
        for m in pattern.finditer(folded):
            if m.end() > m.start():
                candidates.append((m.start(), m.end(), order, m, handler))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    taken: list[tuple[int, int, re.Match[str], _Handler]] = []
    for start, end, _order, m, handler in candidates:
        if any(start < t_end and t_start < end for t_start, t_end, _m, _h in taken):
            continue
        taken.append((start, end, m, handler))
    taken.sort(key=lambda t: t[0])
    ctx = _Context(today=today, prefer=prefer, anchor=anchor, compare=compare)
    found: list[_Found] = []
    for start, end, m, handler in taken:
        if handler is _h_shift and m["unit"] is None and ctx.anchor is None:
            # "el anterior" with nothing to refer to is not a period.
            continue
        if handler is _h_shift and not re.search(r"\b(?:mes|ano|quincena|el|la|del)\b", m[0]):
            # bare "antes"/"después" ("antes de salir") is not a period either.
            continue
        result = handler(m, ctx)
        if result is None:
            continue
        periods = tuple(result) if isinstance(result, list) else (result,)
        found.append(_Found(start, end, periods))
        ctx.anchor = periods[-1]
    return found


def extract_periods(
    text: str,
    today: date,
    *,
    prefer: Prefer = "past",
    anchor: Period | None = None,
    compare: bool = False,
) -> list[Period]:
    """Every period mentioned in ``text``, in order, resolved against ``today``.

    ``anchor`` is the period of the previous turn, used by "el mes anterior" / "el siguiente".
    With ``compare`` "enero y febrero" gives two months instead of one range.
    """
    folded = fold(text)
    return [p for f in _period_matches(folded, today, prefer, anchor, compare) for p in f.periods]


# --------------------------------------------------------------------------------------------
# Money, percentages and day counts

_UNITS = {
    "cero": 0, "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12,
    "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17,
    "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiun": 21, "veintiuno": 21,
    "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
    "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30,
    "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
    "noventa": 90, "cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200,
    "trescientos": 300, "trescientas": 300, "cuatrocientos": 400, "cuatrocientas": 400,
    "quinientos": 500, "quinientas": 500, "seiscientos": 600, "seiscientas": 600,
    "setecientos": 700, "setecientas": 700, "ochocientos": 800, "ochocientas": 800,
    "novecientos": 900, "novecientas": 900,
}  # fmt: skip
_WORD_NUM = "(?:" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"
_WORDS = rf"{_WORD_NUM}(?:\s+(?:y\s+)?{_WORD_NUM})*"
# 3.500.000 / 3'500.000 / 3,500,000 / 3.500.000,50 / 3,5 / 3.5 / 4500000
_DIGITS = r"\d{1,3}(?:[.'’]\d{3})+(?:,\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d+)?"
_QTY = rf"(?:{_DIGITS}|{_WORDS}|medio|media)"
_MILLION = r"(?:millon(?:es)?|palos?|mill|mm|melones|millo)"
_THOUSAND = r"(?:mil|lucas?|k)"
_MONEY = re.compile(
    rf"(?P<cur>\$\s*|cop\s*|pesos\s+)?"
    rf"(?:(?P<mq>{_QTY})\s*{_MILLION}(?P<half>\s+y\s+medio)?"
    rf"(?:\s+(?:y\s+)?(?P<tq>{_QTY})\s*(?:{_THOUSAND}|pesos)?)?"
    rf"|(?P<kq>{_QTY})\s*{_THOUSAND}(?P<khalf>\s+y\s+medio)?"
    rf"|(?P<num>{_DIGITS}))"
    rf"(?:\s*(?:de\s+)?(?:pesos|cop|pesitos|barras))?"
)
_PERCENT = re.compile(rf"(?P<q>\d+(?:[.,]\d+)?|{_WORDS})\s*(?:%|por\s*ciento)")
_DAY_COUNT = re.compile(
    rf"\b(?P<q>\d+(?:[.,]\d+)?|{_WORDS}|medio)\s+(?:dias?|diitas?)(?:\s+(?:habiles|calendario))?\b"
)


def _words_value(text: str) -> int:
    """Value of Spanish number words below a thousand: "doscientos cincuenta" → 250."""
    total = 0
    for word in text.split():
        if word == "y":
            continue
        total += _UNITS[word]
    return total


def _number(text: str, *, multiplier: bool) -> Decimal | None:
    """A written quantity as Decimal; ``multiplier`` means a unit word follows ("3,5 millones")."""
    text = text.strip()
    if text in ("medio", "media"):
        return Decimal("0.5")
    if text[0].isalpha():
        return Decimal(_words_value(text))
    if re.fullmatch(r"\d{1,3}(?:[.'’]\d{3})+(?:,\d{1,2})?", text):
        integer, _, cents = text.partition(",")
        digits = re.sub(r"[.'’]", "", integer)
        return Decimal(digits + ("." + cents if cents else ""))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", text):
        return Decimal(text.replace(",", ""))
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _money_spans(folded: str, blocked: list[tuple[int, int]]) -> list[tuple[int, int, Decimal]]:
    found = []
    for m in _MONEY.finditer(folded):
        start, end = m.start(), m.end()
        if start == end or any(start < b_end and b_start < end for b_start, b_end in blocked):
            continue
        if start > 0 and (folded[start - 1].isalnum()):
            continue
        if end < len(folded) and folded[end].isalnum():
            continue
        amount: Decimal | None
        if m["mq"] is not None:
            base = _number(m["mq"], multiplier=True)
            if base is None:
                continue
            amount = base * 1_000_000
            if m["half"]:
                amount += 500_000
            if m["tq"] is not None:
                rest = _number(m["tq"], multiplier=True)
                if rest is None:
                    continue
                tail = m[0][m.start("tq") - start :]
                amount += rest * 1000 if re.search(_THOUSAND, tail) else rest
        elif m["kq"] is not None:
            base = _number(m["kq"], multiplier=True)
            if base is None:
                continue
            amount = base * 1000 + (500 if m["khalf"] else 0)
        else:
            raw = m["num"]
            amount = _number(raw, multiplier=False)
            if amount is None:
                continue
            has_currency = m["cur"] is not None or re.search(r"(pesos|cop|pesitos)$", m[0])
            grouped = bool(re.fullmatch(r"\d{1,3}(?:[.'’]\d{3})+(?:,\d{1,2})?", raw))
            if not has_currency and not grouped and amount < 10_000:
                continue
            if not has_currency and not grouped and re.fullmatch(r"(?:19|20)\d{2}", raw):
                continue
        if amount <= 0:
            continue
        found.append((start, end, _clean_amount(amount)))
    return found


def _clean_amount(amount: Decimal) -> Decimal:
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.quantize(Decimal("0.01"))


def _percent_spans(folded: str) -> list[tuple[int, int, Decimal]]:
    found = []
    for m in _PERCENT.finditer(folded):
        q = m["q"]
        value = Decimal(_words_value(q)) if q[0].isalpha() else Decimal(q.replace(",", "."))
        found.append((m.start(), m.end(), _clean_amount(value)))
    return found


def _day_count_spans(folded: str) -> list[tuple[int, int, Decimal]]:
    found = []
    for m in _DAY_COUNT.finditer(folded):
        q = m["q"]
        if q == "medio":
            value = Decimal("0.5")
        elif q[0].isalpha():
            value = Decimal(_words_value(q))
        else:
            value = Decimal(q.replace(",", "."))
        found.append((m.start(), m.end(), _clean_amount(value)))
    return found


def parse_money(text: str) -> list[Decimal]:
    """Peso amounts in ``text``: "5 millones", "$3.500.000", "3,5 palos", "300 mil" → Decimal."""
    folded = fold(text)
    blocked = [(s, e) for s, e, _ in _percent_spans(folded) + _day_count_spans(folded)]
    blocked += _date_like_spans(folded)
    return [amount for _s, _e, amount in _money_spans(folded, blocked)]


def parse_percentages(text: str) -> list[Decimal]:
    """Percentages in ``text`` in points: "un aumento del 10%" → [Decimal("10")]."""
    return [value for _s, _e, value in _percent_spans(fold(text))]


_DATE_LIKE = re.compile(
    r"\b(?:19|20)\d{2}-[01]?\d-[0-3]?\d\b|\b[0-3]?\d/[01]?\d(?:/\d{2,4})?\b|\b[0-3]?\d-[01]?\d-\d{2,4}\b"
)


def _date_like_spans(folded: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _DATE_LIKE.finditer(folded)]


# --------------------------------------------------------------------------------------------
# Payroll concepts

#: Canonical concept codes and the phrases (accent-free, lower case) that name them.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "intereses_cesantias": (
        r"intereses?\s+(?:de\s+|sobre\s+|a\s+)?(?:las\s+|la\s+)?cesantias?",
        r"int(?:ereses)?\.?\s+cesantias?",
    ),
    "cesantias": (r"cesantias?", r"cesantia"),
    "fsp": (r"fondo\s+de\s+solidaridad(?:\s+pensional)?", r"solidaridad\s+pensional", r"fsp"),
    "aportes_voluntarios": (
        r"aportes?\s+voluntarios?(?:\s+(?:a|de)\s+(?:la\s+)?pension(?:es)?)?",
        r"pension\s+voluntaria",
        r"ahorro\s+voluntario",
        r"fondo\s+voluntario",
    ),
    "afc": (
        r"afc",
        r"avc",
        r"cuenta\s+afc",
        r"ahorro\s+para\s+el\s+fomento\s+de\s+la\s+construccion",
    ),
    "pension": (r"pension(?:es)?", r"fondo\s+de\s+pensiones", r"aportes?\s+a\s+pension"),
    "medicina_prepagada": (
        r"medicina\s+prepagada",
        r"prepagada",
        r"plan\s+complementario(?:\s+de\s+salud)?",
        r"poliza\s+de\s+salud",
        r"seguro\s+de\s+salud",
    ),
    "salud": (r"salud", r"eps"),
    "retencion_fuente": (
        r"retencion(?:es)?(?:\s+en\s+la\s+fuente)?",
        r"rete\s*fuente",
        r"retefte",
        r"retenido",
    ),
    "prima": (
        r"primas?(?:\s+de\s+servicios?)?",
        r"prima\s+de\s+(?:junio|diciembre|navidad|mitad\s+de\s+ano)",
    ),
    "horas_extras": (
        r"horas?\s+extras?",
        r"extras",
        r"horas?\s+adicionales",
        r"sobretiempo",
        r"trabajo\s+suplementario",
        r"hed|hen|heddf|hendf",
    ),
    "recargos": (
        r"recargos?(?:\s+(?:nocturnos?|dominical(?:es)?|festivos?|por\s+trabajo\s+nocturno))?",
        r"dominicales(?:\s+y\s+festivos)?",
        r"domingos?\s+trabajados?",
        r"festivos?\s+trabajados?",
        r"rn|dom|domn",
    ),
    "auxilio_transporte": (
        r"auxilio\s+(?:de\s+)?transporte",
        r"subsidio\s+(?:de\s+)?transporte",
        r"aux(?:ilio)?\.?\s+(?:de\s+)?transp(?:orte)?",
        r"auxilio\s+de\s+conectividad",
    ),
    "vacaciones": (r"vacaciones", r"vacacion", r"vacaciones\s+compensadas"),
    "libranza": (
        r"libranzas?",
        r"prestamos?(?:\s+de\s+(?:nomina|libranza))?",
        r"credito\s+(?:de\s+)?(?:libranza|nomina)",
        r"creditos?\s+por\s+nomina",
    ),
    "cooperativa": (r"cooperativas?", r"coope", r"fondo\s+de\s+empleados"),
    "bonificacion": (r"bonificacion(?:es)?", r"bonos?", r"bonificaciones"),
    "incapacidad": (r"incapacidad(?:es)?", r"incapacitad[oa]"),
    "licencia": (
        r"licencias?(?:\s+(?:de\s+)?(?:maternidad|paternidad|luto|no\s+remunerada|remunerada))?",
        r"maternidad",
        r"paternidad",
    ),
}

_CONCEPT_PATTERNS = [
    (code, re.compile(r"\b(?:" + "|".join(alternatives) + r")\b"))
    for code, alternatives in CONCEPTS.items()
]


def _concept_spans(folded: str) -> list[tuple[int, int, str]]:
    candidates = []
    for order, (code, pattern) in enumerate(_CONCEPT_PATTERNS):
        for m in pattern.finditer(folded):
            candidates.append((m.start(), m.end(), order, code))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2]))
    taken: list[tuple[int, int, str]] = []
    for start, end, _order, code in candidates:
        if any(start < t_end and t_start < end for t_start, t_end, _c in taken):
            continue
        taken.append((start, end, code))
    taken.sort()
    return taken


def extract_concepts(text: str) -> list[str]:
    """Canonical payroll-concept codes named in ``text``, in order and without repeats."""
    codes: list[str] = []
    for _s, _e, code in _concept_spans(fold(text)):
        if code not in codes:
            codes.append(code)
    return codes


# --------------------------------------------------------------------------------------------
# Other people

_RELATIONS = (
    "jefe|jefa|jefecito|companero|companera|companeros|companeras|compa|colega|colegas|"
    "esposo|esposa|marido|mujer|novio|novia|hermano|hermana|mama|papa|hijo|hija|amigo|amiga|"
    "gerente|supervisor|supervisora|coordinador|coordinadora|director|directora|vecino|vecina|"
    "socio|socia|secretaria|secretario|subalterno|subalterna|auxiliar|asistente|cunado|cunada|"
    "primo|tio|tia|suegro|suegra|lider|jefes|empleados|trabajadores|conductor|celador|vigilante|"
    "recepcionista|mensajero|rector|rectora|decano|decana|profesor|profesora|ingeniero|ingeniera|"
    "doctor|doctora|contador|contadora|presidente|presidenta|dueno|duena|patron|patrona|"
    "analista|practicante|aprendiz|operario|operaria"
)
_HONORIFICS = (r"(?:senor|senora|senorita|sr\.?|sra\.?|srta\.?|don|dona|doctor|doctora|dr\.?|dra\.?|ingeniero|"
               r"ingeniera|ing\.?|profe)")
_PAY_WORDS = (
    r"(?:sueldo|sueldito|salario|pago|pagos|nomina|plata|quincena|prima|desprendible|colilla|"
    r"descuentos?|liquidacion|cesantias|vacaciones|bonificacion|ingresos|cuenta|neto|"
    r"retencion|datos|informacion\s+salarial|aumento|incremento)"
)
# Third-person verbs: whoever follows them is someone else ("cuánto gana Pedro").
_EARN = (
    r"(?:cuanto|que|cual|cuanta\s+plata|como)?\s*(?:se\s+)?(?:gana|ganan|devenga|devengan|"
    r"cobra|cobran|recibe|reciben|le\s+(?:pagan|paga|pagaron|pago|consignan|consignaron|"
    r"descuentan|descontaron|subieron|aumentaron|retienen|llega|llego|dan|dieron|entra|entro)|"
    r"les\s+(?:pagan|paga|pagaron|consignaron|descuentan|subieron|dan))"
)
# Forms shared with the first person ("cuánto gano", "ganaba"): only a name or a relation counts.
_EARN_AMBIGUOUS = r"(?:gano|ganaba|devengaba|cobraba)"
_STOP_AFTER = {
    "un", "una", "uno", "unos", "unas", "yo", "mi", "me", "usted", "ustedes", "nosotros", "el",
    "la", "los", "las", "de", "del", "que", "en", "por", "para", "al", "mes", "ano", "hoy",
    "ahora", "este", "esta", "ese", "esa", "aqui", "aca", "alla", "num", "cuanto", "mas",
    "menos", "bien", "mal", "si", "no", "con", "lo", "le", "se", "normalmente", "actualmente",
    "mensual", "mensualmente", "quincenal", "semanal", "ya", "todavia", "aun", "tambien",
    "alguien", "nadie", "todos", "cada", "ingreso", "ingresos", "horas", "extras", "hora",
    "prima", "salud", "pension", "cesantias", "vacaciones", "retencion", "minimo",
    "integral", "basico", "neto", "bruto", "total", "promedio", "dia", "dias", "semana",
    "quincena", "nomina", "sueldo", "salario", "contrato", "empresa", "universidad", "mayo",
    "enero", "febrero", "marzo", "abril", "junio", "julio", "agosto", "septiembre", "octubre",
    "noviembre", "diciembre", "pasado", "anterior", "ultimo", "ultima", "transporte", "ley",
    "trabajo", "colombia", "persona", "personas", "gente", "trabajador", "empleado", "cargo",
    "ahorros", "banco", "bancaria", "cuenta", "descuento", "descuentos", "a", "y",
    "o", "e", "u", "?", "eso", "esto", "todo", "tanto", "tan", "poco", "mucho", "cuando",
    "donde", "como", "cual", "quien", "aumento", "liquidacion", "navidad", "servicios", "fin", "mitad", "primera",
    "segunda",
}  # fmt: skip
_COMMON_NAMES_TEXT = """
    pedro juan maria jose carlos luis ana laura andres felipe camilo diana paola sandra jorge
    javier alejandro alejandra daniel daniela david santiago sebastian valentina carolina
    catalina natalia andrea claudia patricia martha marta gloria luz rosa carmen fernando
    ricardo oscar hector julian julio cesar mauricio miguel angel rafael diego esteban mateo
    samuel nicolas manuela isabel sofia lucia marcela monica adriana liliana yolanda beatriz
    fabian wilson jhon john edwin william nelson alvaro gustavo hernan jaime alberto eduardo
    francisco antonio manuel sergio gabriel gabriela tatiana lorena viviana yesica jessica
    johana erika angela milena juliana mariana sara valeria camila rodriguez gomez gonzalez
    martinez lopez garcia perez ramirez sanchez torres
"""
_COMMON_NAMES = set(_COMMON_NAMES_TEXT.split())


def _person_after(folded: str, original: str, pos: int, *, strong: bool) -> tuple[int, int] | None:
    """Span of a person reference starting at ``pos``, or None when what follows is not one."""
    rest = folded[pos:]
    team = re.match(
        r"\s*(?:a\s+)?(?:al|el|la|los|las|a\s+la|a\s+los)\s+de\s+(?!la\b|el\b|los\b)([a-z]{3,})",
        rest,
    )
    if team is not None and team.group(1) not in _STOP_AFTER and team.group(1) not in _UNITS:
        return pos + team.start() + len(team.group(0)) - len(
            team.group(0).lstrip()
        ), pos + team.end()
    m = re.match(
        rf"\s*(?:a\s+)?(?P<det>(?:(?:mi|mis|el|la|los|las|al|nuestro|nuestra|nuestros|su|del|de)\s+)*)"
        rf"(?P<hon>{_HONORIFICS}\s+)?(?P<word>[a-z]+)(?P<more>(?:\s+[a-z]+)?)",
        rest,
    )
    if m is None:
        return None
    word = m["word"]
    det = m["det"] or ""
    start = (
        pos + m.start("det") if det else pos + m.start("hon") if m["hon"] else pos + m.start("word")
    )
    end = pos + m.end("word")
    raw = (
        original[pos + m.start("word") : pos + m.end("word")]
        if len(original) == len(folded)
        else ""
    )
    capitalised = bool(raw) and raw[0].isupper()
    if m["hon"] or re.fullmatch(_RELATIONS, word):
        second = m["more"].strip()
        if second and (
            second in _COMMON_NAMES or _capitalised_at(original, folded, pos + m.start("more"))
        ):
            end = pos + m.end("more")
        return start, end
    if (
        word in _STOP_AFTER
        or word in _UNITS
        or word.startswith("millon")
        or (det and not capitalised and word not in _COMMON_NAMES)
    ):
        return None
    if word in _COMMON_NAMES or capitalised or (strong and not det and len(word) > 2):
        second = m["more"].strip()
        if second and (
            second in _COMMON_NAMES or _capitalised_at(original, folded, pos + m.start("more"))
        ):
            end = pos + m.end("more")
        return start, end
    return None


def _capitalised_at(original: str, folded: str, pos: int) -> bool:
    if len(original) != len(folded):
        return False
    text = original[pos:].lstrip()
    return bool(text) and text[0].isupper()


_EARN_RE = re.compile(rf"\b{_EARN}\b")
_EARN_AMBIGUOUS_RE = re.compile(rf"\b{_EARN_AMBIGUOUS}\b")
_OF_PERSON_RE = re.compile(rf"\b{_PAY_WORDS}\s+(?:de|del|a)\b")
_HAS_RE = re.compile(r"\b(?:tiene|tienen|le\s+quedan|le\s+faltan|cotiza|gana)\b")
# "¿y el de Pedro?", "¿y la de mi jefe?" (a follow-up about someone else's figure)
_THE_ONE_OF_RE = re.compile(r"(?:^|[\s,¿])(?:y\s+)?(?:el|la|lo|los|las)\s+de\b")


def find_other_person(text: str) -> str | None:
    """The other person whose pay or data the message asks about, or None.

    "¿cuánto gana Pedro?", "el sueldo de mi jefe", "cuánto le pagan a la señora María" → the
    reference as written, so the caller can refuse politely.
    """
    folded = fold(text)
    original = text if len(text) == len(folded) else folded
    for pattern, strong in (
        (_EARN_RE, True),
        (_EARN_AMBIGUOUS_RE, False),
        (_OF_PERSON_RE, False),
        (_HAS_RE, False),
        (_THE_ONE_OF_RE, False),
    ):
        for m in pattern.finditer(folded):
            span = _person_after(folded, original, m.end(), strong=strong)
            if span is None:
                continue
            reference = original[span[0] : span[1]].strip()
            if pattern is _HAS_RE and not re.search(_PAY_WORDS, folded):
                continue
            reference = re.sub(r"^al\s+de\b", "el de", reference, flags=re.IGNORECASE)
            reference = re.sub(r"^(?:a|al|del|de)\s+", "", reference, flags=re.IGNORECASE)
            return reference
    return None


# --------------------------------------------------------------------------------------------
# Everything at once


@dataclass(frozen=True)
class Entities:
    """What a message mentions, besides its intent."""

    periods: tuple[Period, ...] = ()
    amounts: tuple[Decimal, ...] = ()
    percentages: tuple[Decimal, ...] = ()
    day_counts: tuple[Decimal, ...] = ()
    concepts: tuple[str, ...] = ()
    other_person: str | None = None
    #: character spans (in the accent-folded text) covered by the entities above
    spans: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)

    @property
    def period(self) -> Period | None:
        """The first period mentioned, if any."""
        return self.periods[0] if self.periods else None

    @property
    def amount(self) -> Decimal | None:
        """The first amount of money mentioned, if any."""
        return self.amounts[0] if self.amounts else None

    def is_empty(self) -> bool:
        """True when nothing at all was found."""
        return not (
            self.periods
            or self.amounts
            or self.percentages
            or self.day_counts
            or self.concepts
            or self.other_person
        )

    def over(self, previous: Entities, *, concepts: bool = True) -> Entities:
        """These entities, filling each empty kind from ``previous`` (a follow-up's context).

        An amount and a percentage are alternatives ("¿y con un aumento del 10%?" replaces
        "5 millones"), so either one stops both from being inherited. ``concepts=False`` keeps
        the previous concepts out (the follow-up named its own topic in other words).
        """
        quantity = bool(self.amounts or self.percentages)
        return replace(
            self,
            periods=self.periods or previous.periods,
            amounts=self.amounts if quantity else previous.amounts,
            percentages=self.percentages if quantity else previous.percentages,
            day_counts=self.day_counts or previous.day_counts,
            concepts=self.concepts or (previous.concepts if concepts else ()),
            other_person=self.other_person or previous.other_person,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form: ISO dates and decimal strings."""
        return {
            "periods": [p.as_dict() for p in self.periods],
            "amounts": [str(a) for a in self.amounts],
            "percentages": [str(p) for p in self.percentages],
            "day_counts": [str(d) for d in self.day_counts],
            "concepts": list(self.concepts),
            "other_person": self.other_person,
        }


def extract_entities(
    text: str,
    today: date,
    *,
    prefer: Prefer = "past",
    anchor: Period | None = None,
    compare: bool = False,
) -> Entities:
    """Periods, amounts, percentages, day counts, concepts and any other person in ``text``."""
    folded = fold(text)
    period_found = _period_matches(folded, today, prefer, anchor, compare)
    period_spans = [(f.start, f.end) for f in period_found]
    percents = _percent_spans(folded)
    day_counts = _day_count_spans(folded)
    blocked = (
        period_spans + [(s, e) for s, e, _ in percents + day_counts] + _date_like_spans(folded)
    )
    money = _money_spans(folded, blocked)
    concepts = _concept_spans(folded)
    codes: list[str] = []
    for _s, _e, code in concepts:
        if code not in codes:
            codes.append(code)
    spans = sorted(
        period_spans
        + [(s, e) for s, e, _ in percents + day_counts + money]
        + [(s, e) for s, e, _ in concepts]
    )
    return Entities(
        periods=tuple(p for f in period_found for p in f.periods),
        amounts=tuple(a for _s, _e, a in money),
        percentages=tuple(v for _s, _e, v in percents),
        day_counts=tuple(v for _s, _e, v in day_counts),
        concepts=tuple(codes),
        other_person=find_other_person(text),
        spans=tuple(spans),
    )


def uncovered_words(text: str, entities: Entities) -> list[str]:
    """Words of ``fold(text)`` not inside any entity span (used to spot bare follow-ups)."""
    folded = fold(text)
    chars = list(folded)
    for start, end in entities.spans:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    return re.findall(r"[a-z0-9]+", "".join(chars))
