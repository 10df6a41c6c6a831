"""Spanish (Colombian) formatting of money, dates, periods and day counts for answers.

Colombia writes ``$3.500.000`` with dots for thousands and a comma for decimals; dates are
``31 de octubre de 2026``. Pure functions, no locale: the process locale is never trusted.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "MONTHS",
    "format_cop",
    "format_date",
    "format_days",
    "format_month",
    "format_number",
    "format_percent",
    "format_range",
]

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)

_CENT = Decimal("0.01")


def _group(integer_digits: str) -> str:
    """Insert dots every three digits from the right: ``3500000`` → ``3.500.000``."""
    groups = []
    while len(integer_digits) > 3:
        groups.append(integer_digits[-3:])
        integer_digits = integer_digits[:-3]
    groups.append(integer_digits)
    return ".".join(reversed(groups))


def format_number(value: Decimal | int, *, decimals: int | None = None) -> str:
    """``1234567.5`` → ``1.234.567,5``; ``decimals`` fixes the number of decimals shown."""
    amount = Decimal(value)
    if decimals is not None:
        amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{abs(amount):.{decimals}f}"
    else:
        text = format(abs(amount), "f")
    integer, _, fraction = text.partition(".")
    body = _group(integer) + ("," + fraction if fraction else "")
    return ("-" if amount < 0 and amount != 0 else "") + body


def format_cop(amount: Decimal | int) -> str:
    """Pesos: ``$3.500.000``, or ``$3.500.000,50`` when there are cents; ``-$12.000`` if negative."""
    value = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    decimals = 0 if value == value.to_integral_value() else 2
    text = format_number(abs(value), decimals=decimals)
    return ("-$" if value < 0 else "$") + text


def format_percent(rate: Decimal | int, *, decimals: int = 2) -> str:
    """A percentage given in points: ``Decimal("8.5")`` → ``8,5 %`` (trailing zeros dropped)."""
    value = Decimal(rate).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = format_number(value.normalize() if value != 0 else Decimal(0))
    return f"{text} %"


def format_date(day: date) -> str:
    """``31 de octubre de 2026``."""
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def format_month(year: int, month: int) -> str:
    """``octubre de 2026``."""
    return f"{MONTHS[month - 1]} de {year}"


def format_range(start: date, end: date) -> str:
    """A span of days in words, as short as its boundaries allow.

    Whole months collapse (``de enero a marzo de 2026``, ``octubre de 2026``, ``2026``);
    anything else is spelled out (``del 3 al 17 de marzo de 2026``).
    """
    whole_start = start.day == 1
    whole_end = _is_month_end(end)
    if whole_start and whole_end:
        if start.month == 1 and end.month == 12 and start.year == end.year:
            return str(start.year)
        if (start.year, start.month) == (end.year, end.month):
            return format_month(start.year, start.month)
        if start.year == end.year:
            return f"de {MONTHS[start.month - 1]} a {format_month(end.year, end.month)}"
        return f"de {format_month(start.year, start.month)} a {format_month(end.year, end.month)}"
    if start == end:
        return format_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"del {start.day} al {format_date(end)}"
    if start.year == end.year:
        return f"del {start.day} de {MONTHS[start.month - 1]} al {format_date(end)}"
    return f"del {format_date(start)} al {format_date(end)}"


def format_days(days: Decimal | float) -> str:
    """Day counts with up to two decimals: ``8,13 días``, ``15 días``, ``1 día``."""
    value = Decimal(str(days)).quantize(_CENT, rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        number = format_number(value.to_integral_value())
    else:
        number = format_number(value.normalize())
    return f"{number} {'día' if abs(value) == 1 else 'días'}"


def _is_month_end(day: date) -> bool:
    """True when ``day`` is the last day of its month."""
    return (day + timedelta(days=1)).month != day.month
