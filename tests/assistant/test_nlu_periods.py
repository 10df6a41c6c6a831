"""Relative periods resolved against ``today``, with month and year boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatnomina.assistant.nlu import extract_periods


def one(text: str, today: date, **kwargs) -> tuple[str, str, str, str]:
    periods = extract_periods(text, today, **kwargs)
    assert len(periods) == 1, periods
    p = periods[0]
    return p.start.isoformat(), p.end.isoformat(), p.granularity, p.label


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2026, 11, 27), "¿cuánta plata me consignaron el mes pasao?",
         ("2026-10-01", "2026-10-31", "month", "octubre de 2026")),
        (date(2027, 1, 5), "el mes pasado", ("2026-12-01", "2026-12-31", "month", "diciembre de 2026")),
        (date(2027, 1, 5), "el mes anterior", ("2026-12-01", "2026-12-31", "month", "diciembre de 2026")),
        (date(2026, 3, 1), "el mes pasado", ("2026-02-01", "2026-02-28", "month", "febrero de 2026")),
        (date(2024, 3, 31), "el mes pasado", ("2024-02-01", "2024-02-29", "month", "febrero de 2024")),
        (date(2026, 12, 31), "este mes", ("2026-12-01", "2026-12-31", "month", "diciembre de 2026")),
        (date(2026, 12, 31), "el próximo mes", ("2027-01-01", "2027-01-31", "month", "enero de 2027")),
        (date(2026, 11, 27), "este año", ("2026-01-01", "2026-12-31", "year", "2026")),
        (date(2027, 1, 5), "el año pasado", ("2026-01-01", "2026-12-31", "year", "2026")),
        (date(2026, 11, 27), "en marzo", ("2026-03-01", "2026-03-31", "month", "marzo de 2026")),
        (date(2027, 1, 5), "en diciembre", ("2026-12-01", "2026-12-31", "month", "diciembre de 2026")),
        (date(2026, 3, 1), "en marzo", ("2026-03-01", "2026-03-31", "month", "marzo de 2026")),
        (date(2026, 3, 1), "en abril", ("2025-04-01", "2025-04-30", "month", "abril de 2025")),
        (date(2026, 11, 27), "marzo de 2025", ("2025-03-01", "2025-03-31", "month", "marzo de 2025")),
        (date(2026, 11, 27), "marzo del año pasado", ("2025-03-01", "2025-03-31", "month", "marzo de 2025")),
        (date(2026, 11, 27), "la primera quincena de mayo",
         ("2026-05-01", "2026-05-15", "fortnight", "primera quincena de mayo de 2026")),
        (date(2026, 11, 27), "la segunda quincena de febrero",
         ("2026-02-16", "2026-02-28", "fortnight", "segunda quincena de febrero de 2026")),
        (date(2027, 1, 5), "la quincena pasada",
         ("2026-12-16", "2026-12-31", "fortnight", "segunda quincena de diciembre de 2026")),
        (date(2026, 11, 27), "el último trimestre",
         ("2026-08-01", "2026-10-31", "range", "de agosto a octubre de 2026")),
        (date(2027, 1, 5), "el último trimestre",
         ("2026-10-01", "2026-12-31", "range", "de octubre a diciembre de 2026")),
        (date(2027, 1, 5), "los últimos 6 meses",
         ("2026-07-01", "2026-12-31", "range", "de julio a diciembre de 2026")),
        (date(2026, 11, 27), "los últimos tres meses",
         ("2026-08-01", "2026-10-31", "range", "de agosto a octubre de 2026")),
        (date(2026, 11, 27), "de enero a marzo", ("2026-01-01", "2026-03-31", "range", "de enero a marzo de 2026")),
        (date(2027, 2, 10), "de noviembre a enero",
         ("2026-11-01", "2027-01-31", "range", "de noviembre de 2026 a enero de 2027")),
        (date(2026, 11, 27), "15/03/2026", ("2026-03-15", "2026-03-15", "day", "15 de marzo de 2026")),
        (date(2026, 11, 27), "2026-03-15", ("2026-03-15", "2026-03-15", "day", "15 de marzo de 2026")),
        (date(2026, 11, 27), "el 15 de marzo", ("2026-03-15", "2026-03-15", "day", "15 de marzo de 2026")),
        (date(2026, 3, 1), "el 15 de marzo", ("2025-03-15", "2025-03-15", "day", "15 de marzo de 2025")),
        (date(2026, 11, 27), "el segundo semestre del año pasado",
         ("2025-07-01", "2025-12-31", "range", "de julio a diciembre de 2025")),
        (date(2026, 11, 27), "hace dos meses", ("2026-09-01", "2026-09-30", "month", "septiembre de 2026")),
        (date(2026, 1, 10), "hace dos meses", ("2025-11-01", "2025-11-30", "month", "noviembre de 2025")),
        (date(2026, 11, 27), "en 2025", ("2025-01-01", "2025-12-31", "year", "2025")),
        (date(2026, 12, 31), "mañana", ("2027-01-01", "2027-01-01", "day", "1 de enero de 2027")),
        (date(2026, 1, 1), "ayer", ("2025-12-31", "2025-12-31", "day", "31 de diciembre de 2025")),
        (date(2026, 11, 27), "en lo que va del año",
         ("2026-01-01", "2026-11-27", "range", "del 1 de enero al 27 de noviembre de 2026")),
    ],
)  # fmt: skip
def test_periods(today, text, expected):
    assert one(text, today) == expected


def test_vacation_requests_prefer_the_future():
    today = date(2026, 11, 27)
    assert one("en enero", today, prefer="future")[3] == "enero de 2027"
    assert one("del 15 al 30 de diciembre", today, prefer="future")[:2] == (
        "2026-12-15",
        "2026-12-30",
    )
    assert one("del 20 de diciembre al 10 de enero", today, prefer="future")[:2] == (
        "2026-12-20",
        "2027-01-10",
    )


def test_comparisons_give_two_months():
    today = date(2026, 11, 27)
    labels = [p.label for p in extract_periods("entre mayo y junio", today, compare=True)]
    assert labels == ["mayo de 2026", "junio de 2026"]
    labels = [p.label for p in extract_periods("Compara mi pago de enero con el de febrero", today)]
    assert labels == ["enero de 2026", "febrero de 2026"]


def test_el_anterior_refers_to_the_period_just_mentioned():
    labels = [
        p.label
        for p in extract_periods("¿Me pagaron menos este mes que el anterior?", date(2027, 1, 5))
    ]
    assert labels == ["enero de 2027", "diciembre de 2026"]


def test_impossible_dates_are_ignored():
    assert extract_periods("el 31 de febrero", date(2026, 11, 27)) == []
    assert one("29 de febrero de 2024", date(2026, 11, 27))[0] == "2024-02-29"


def test_amounts_and_plain_numbers_are_not_periods():
    assert extract_periods("si me suben a 5 millones", date(2026, 11, 27)) == []
    assert extract_periods("quiero tomar 5 días", date(2026, 11, 27)) == []


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_last_month_is_always_the_whole_previous_calendar_month(today):
    (start, end, granularity, _label) = one("el mes pasado", today)
    first_of_this_month = today.replace(day=1)
    assert date.fromisoformat(end) == first_of_this_month - timedelta(days=1)
    assert date.fromisoformat(start) == (first_of_this_month - timedelta(days=1)).replace(day=1)
    assert granularity == "month"


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                     "septiembre", "octubre", "noviembre", "diciembre"]),
)  # fmt: skip
def test_a_bare_month_is_the_most_recent_one_not_in_the_future(today, month):
    start = date.fromisoformat(one(f"en {month}", today)[0])
    assert start <= today
    assert start > today.replace(day=1) - timedelta(days=366)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_last_quarter_is_the_three_complete_months_before_this_one(today):
    start, end, _g, _l = one("el último trimestre", today)
    first_of_this_month = today.replace(day=1)
    assert date.fromisoformat(end) == first_of_this_month - timedelta(days=1)
    months = (first_of_this_month.year * 12 + first_of_this_month.month) - (
        date.fromisoformat(start).year * 12 + date.fromisoformat(start).month
    )
    assert months == 3 and date.fromisoformat(start).day == 1


def test_today_is_the_date_in_bogota():
    from datetime import UTC, datetime

    from chatnomina.assistant.nlu import bogota_today

    # 03:00 UTC on 1 January is still 31 December in Colombia (UTC-5).
    assert bogota_today(datetime(2027, 1, 1, 3, 0, tzinfo=UTC)) == date(2026, 12, 31)
    assert bogota_today(datetime(2027, 1, 1, 5, 0, tzinfo=UTC)) == date(2027, 1, 1)
    with pytest.raises(ValueError):
        bogota_today(datetime(2027, 1, 1, 5, 0))
