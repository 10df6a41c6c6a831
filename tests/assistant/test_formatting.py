"""Spanish formatting of money, dates, periods and day counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chatnomina.assistant.formatting import (
    format_cop,
    format_date,
    format_days,
    format_month,
    format_number,
    format_percent,
    format_range,
)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal(3500000), "$3.500.000"),
        (Decimal("3500000.50"), "$3.500.000,50"),
        (Decimal("3500000.5"), "$3.500.000,50"),
        (Decimal(999), "$999"),
        (Decimal(1000), "$1.000"),
        (0, "$0"),
        (Decimal(-12000), "-$12.000"),
        (Decimal(1750905), "$1.750.905"),
        (Decimal("0.004"), "$0"),
        (Decimal("1234567890.126"), "$1.234.567.890,13"),
    ],
)
def test_pesos(amount, text):
    assert format_cop(amount) == text


def test_dates_and_periods():
    assert format_date(date(2026, 10, 31)) == "31 de octubre de 2026"
    assert format_date(date(2026, 1, 1)) == "1 de enero de 2026"
    assert format_month(2026, 10) == "octubre de 2026"
    assert format_range(date(2026, 10, 1), date(2026, 10, 31)) == "octubre de 2026"
    assert format_range(date(2026, 1, 1), date(2026, 12, 31)) == "2026"
    assert format_range(date(2026, 1, 1), date(2026, 3, 31)) == "de enero a marzo de 2026"
    assert (
        format_range(date(2025, 11, 1), date(2026, 2, 28))
        == "de noviembre de 2025 a febrero de 2026"
    )
    assert format_range(date(2026, 5, 16), date(2026, 5, 31)) == "del 16 al 31 de mayo de 2026"
    assert format_range(date(2026, 12, 20), date(2027, 1, 10)) == (
        "del 20 de diciembre de 2026 al 10 de enero de 2027"
    )


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (Decimal("8.125"), "8,13 días"),
        (Decimal("8.13"), "8,13 días"),
        (15, "15 días"),
        (1, "1 día"),
        (Decimal("0.5"), "0,5 días"),
        (Decimal("1.00"), "1 día"),
        (Decimal("22.50"), "22,5 días"),
    ],
)
def test_day_counts(days, text):
    assert format_days(days) == text


def test_numbers_and_percent():
    assert format_number(Decimal("1234567.5")) == "1.234.567,5"
    assert format_number(Decimal("1234.5"), decimals=2) == "1.234,50"
    assert format_percent(Decimal("8.5")) == "8,5 %"
    assert format_percent(Decimal("66.67")) == "66,67 %"
    assert format_percent(12) == "12 %"
