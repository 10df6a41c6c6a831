"""The value parsers: what each column format accepts and how it reads it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chatnomina.hr.values import (
    BadValue,
    PayrollPeriod,
    header_key,
    parse_date,
    parse_days,
    parse_money,
    parse_period,
    parse_service_year,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("31/10/2026", date(2026, 10, 31)), ("1/2/2026", date(2026, 2, 1)), ("2026-10-31", date(2026, 10, 31))],
)
def test_dates_are_day_first_or_iso(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "29/02/2025", "2026-13-01", "10/31/2026x", "31-10-2026", "hoy"])
def test_impossible_or_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(BadValue):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3500000", "3500000"),
        ("3.500.000", "3500000"),
        ("3.500.000,00", "3500000"),
        ("3.500.000,5", "3500000.5"),
        ("3500000,50", "3500000.50"),
        ("3500000.50", "3500000.50"),
        ("1.500", "1500"),
        ("$3.500.000", "3500000"),
        ("$ 3.500.000", "3500000"),
        ("-120", "-120"),
        ("0", "0"),
    ],
)
def test_money_is_plain_or_colombian_formatted(text: str, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "3,500,000", "3.50.000", "3.500.000,000", "1e6", "NaN", "--5", "3 500"])
def test_money_that_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(BadValue):
        parse_money(text)


def test_days_take_a_decimal_comma() -> None:
    assert parse_days("10,63") == Decimal("10.63")
    assert parse_days("15") == Decimal(15)
    assert parse_days("4.38") == Decimal("4.38")
    with pytest.raises(BadValue):
        parse_days("-1")


@pytest.mark.parametrize(
    ("code", "period"),
    [
        ("202610M", PayrollPeriod(2026, 10, "M")),
        ("202601Q1", PayrollPeriod(2026, 1, "Q1")),
        ("202601q2", PayrollPeriod(2026, 1, "Q2")),
        ("202612P", PayrollPeriod(2026, 12, "P")),
    ],
)
def test_payroll_codes_carry_year_month_and_frequency(code: str, period: PayrollPeriod) -> None:
    assert parse_period(code) == period
    assert parse_period(code).code == code.upper()


@pytest.mark.parametrize("code", ["202613M", "202600M", "2026M", "202610", "202610MM", "202610M1X", "20261OM"])
def test_invalid_payroll_codes_are_refused(code: str) -> None:
    with pytest.raises(BadValue):
        parse_period(code)


def test_payroll_periods_sort_chronologically() -> None:
    codes = ["202601M", "202512M", "202601Q1", "202511M"]
    assert [str(p) for p in sorted(map(parse_period, codes))] == ["202511M", "202512M", "202601M", "202601Q1"]
    assert parse_period("202602M").last_day == date(2026, 2, 28)


def test_service_years_are_consecutive() -> None:
    assert parse_service_year("2024-2025") == (2024, 2025)
    with pytest.raises(BadValue):
        parse_service_year("2024-2026")


def test_header_keys_ignore_case_accents_spaces_and_underscores() -> None:
    assert header_key(" ValorConsignación ") == header_key("VALORCONSIGNACION") == "VALORCONSIGNACION"
    assert header_key("Total_Pensión") == header_key("total pension")
    assert header_key("% Ret") == "%RET"
