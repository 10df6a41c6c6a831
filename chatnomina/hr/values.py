"""Parsers for the values found in the HR exports, and the Spanish sentences that reject them.

Each parser is the authoritative definition of what a column accepts: it returns the typed
value or raises :class:`BadValue` carrying the reason (without the column name, which the
row parser adds). The fast row paths in :mod:`chatnomina.hr.parser` accept a strict subset
of these formats and fall back here for anything unusual, so both always agree.

Formats accepted:

* dates ``dd/mm/yyyy`` (day and month may have one digit) or ``yyyy-mm-dd``;
* money: plain (``3500000``, ``-120``), Colombian-formatted (``3.500.000``, ``3.500.000,00``),
  or a decimal point with one or two decimals (``3500000.50``); an optional leading ``$``;
* days: ``15``, ``10,63`` or ``10.63`` (days never carry thousands separators);
* payroll period codes: ``AAAAMM`` followed by the frequency: ``M`` (monthly), ``Q1``/``Q2``
  (first/second fortnight), ``S1``..``S5`` (weeks), or any other letter with an optional
  digit (``P`` for a prima payroll, ``V``...): ``202610M`` → (2026, 10, ``"M"``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple


class BadValue(ValueError):
    """A value that its column does not accept; ``reason`` completes "COLUMNA 'valor' ..."."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PayrollPeriod(NamedTuple):
    """A payroll (``CODNOMINA``): year, month and frequency code (``M``, ``Q1``, ``Q2``...).

    A named tuple: ``202610M`` is ``(2026, 10, "M")``, periods sort chronologically, and
    hashing one (in every row's natural key) costs no Python call.
    """

    year: int
    month: int
    frequency: str

    @property
    def code(self) -> str:
        """The export's spelling, e.g. ``202610M``."""
        return f"{self.year:04d}{self.month:02d}{self.frequency}"

    @property
    def first_day(self) -> date:
        """First calendar day of the payroll's month."""
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        """Last calendar day of the payroll's month."""
        return last_day_of_month(self.year, self.month)

    def __str__(self) -> str:
        return self.code


def last_day_of_month(year: int, month: int) -> date:
    """The last day of ``year``-``month``."""
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def fold(text: str) -> str:
    """Upper case without accents (``Consignación`` → ``CONSIGNACION``), for comparisons."""
    if text.isascii():
        return text.upper()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def header_key(name: str) -> str:
    """Canonical form of a header name: folded, keeping only letters, digits and ``%``."""
    return "".join(c for c in fold(name.strip()) if c.isalnum() or c == "%")


# -- dates -------------------------------------------------------------------------------------


def parse_date(text: str) -> date:
    """``dd/mm/yyyy`` or ``yyyy-mm-dd`` → date; anything else raises :class:`BadValue`."""
    parts: list[str]
    if "/" in text:
        parts = text.split("/")
        if len(parts) == 3 and len(parts[2]) == 4 and 1 <= len(parts[0]) <= 2 and 1 <= len(parts[1]) <= 2:
            day, month, year = parts
        else:
            raise BadValue("no es una fecha válida (dd/mm/aaaa)")
    elif "-" in text:
        parts = text.split("-")
        if len(parts) == 3 and len(parts[0]) == 4 and len(parts[1]) == 2 and len(parts[2]) == 2:
            year, month, day = parts
        else:
            raise BadValue("no es una fecha válida (dd/mm/aaaa)")
    else:
        raise BadValue("no es una fecha válida (dd/mm/aaaa)")
    if not (_digits(day) and _digits(month) and _digits(year)):
        raise BadValue("no es una fecha válida (dd/mm/aaaa)")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise BadValue("no es una fecha válida") from None


MONEY_MAX_DIGITS = 12  # numeric(14,2): up to 999.999.999.999,99 pesos
INT_MAX = 2_147_483_647  # PostgreSQL integer; contract ids are bigint but never this large


def _digits(text: str) -> bool:
    # isdecimal, not isdigit: exactly the characters int() and Decimal() read as digits
    # (superscripts such as "²" are digits but not decimals), so the parsers' fast paths,
    # which call int()/Decimal() on anything ``isdigit``, agree with these checks.
    return text.isdecimal()


# -- numbers -----------------------------------------------------------------------------------


def parse_money(text: str) -> Decimal:
    """Pesos, plain or Colombian-formatted, → Decimal; raises :class:`BadValue`."""
    body = text
    sign = ""
    if body.startswith("$"):
        body = body[1:].strip()
    if body.startswith("-"):
        sign, body = "-", body[1:].strip()
    if body.startswith("$"):
        body = body[1:].strip()
    if not body:
        raise BadValue("no es un valor numérico")
    if "," in body:
        integer, _, fraction = body.partition(",")
        if not (_digits(fraction) and 1 <= len(fraction) <= 2):
            raise BadValue("no es un valor numérico")
        integer = _grouped_integer(integer)
    elif "." in body:
        head, _, tail = body.rpartition(".")
        if _digits(head) and _digits(tail) and len(tail) <= 2:
            integer, fraction = head, tail  # a decimal point: 3500000.50
        else:
            integer, fraction = _grouped_integer(body), ""
    else:
        integer, fraction = body, ""
    if not _digits(integer):
        raise BadValue("no es un valor numérico")
    if len(integer.lstrip("0")) > MONEY_MAX_DIGITS:
        raise BadValue("excede el valor máximo admitido (999.999.999.999)")
    try:
        return Decimal(f"{sign}{integer}.{fraction}" if fraction else f"{sign}{integer}")
    except InvalidOperation:  # pragma: no cover - the checks above leave only digits
        raise BadValue("no es un valor numérico") from None


def _grouped_integer(text: str) -> str:
    """``3.500.000`` → ``3500000``; plain digits pass; anything else raises."""
    if "." not in text:
        return text
    groups = text.split(".")
    if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
        raise BadValue("no es un valor numérico")
    return "".join(groups)


def parse_days(text: str) -> Decimal:
    """Days with an optional decimal comma or point (``10,63``) → Decimal."""
    return _unsigned_decimal(text, "no es un número de días válido")


def parse_decimal(text: str) -> Decimal:
    """A non-negative number with an optional decimal comma or point (``19,5``) → Decimal."""
    return _unsigned_decimal(text, "no es un número válido")


def _unsigned_decimal(text: str, reason: str) -> Decimal:
    body = text.replace(",", ".", 1) if text.count(",") == 1 and "." not in text else text
    head, dot, tail = body.partition(".")
    if not _digits(head) or (dot and not _digits(tail)):
        raise BadValue(reason)
    return Decimal(body)


def parse_int(text: str) -> int:
    """A non-negative whole number written with digits only (small enough for an integer column)."""
    if not _digits(text):
        raise BadValue("no es un número entero válido")
    value = int(text)
    if value > INT_MAX:
        raise BadValue("excede el valor máximo admitido")
    return value


def parse_period(text: str) -> PayrollPeriod:
    """A payroll code ``AAAAMM`` + frequency (``202610M``, ``202610Q1``) → PayrollPeriod."""
    head, frequency = text[:6], text[6:].upper()
    valid_frequency = (
        len(frequency) in (1, 2)
        and frequency[0].isascii()
        and frequency[0].isalpha()
        and (len(frequency) == 1 or _digits(frequency[1]))
    )
    if not (_digits(head) and valid_frequency and 1 <= int(head[4:]) <= 12):
        raise BadValue("no es un código de nómina válido (AAAAMM y la frecuencia, p. ej. 202610M)")
    return PayrollPeriod(int(head[:4]), int(head[4:]), frequency)


def parse_service_year(text: str) -> tuple[int, int]:
    """A vacation service year ``2024-2025`` → (2024, 2025); the years must be consecutive."""
    first, dash, second = text.partition("-")
    valid = dash and _digits(first) and _digits(second) and len(first) == len(second) == 4
    if valid and int(second) == int(first) + 1:
        return int(first), int(second)
    raise BadValue("no es un periodo válido (AAAA-AAAA, años consecutivos)")


def parse_choice(text: str, choices: Mapping[str, object]) -> object:
    """Look ``text`` up in ``choices`` (keys folded: upper case, no accents)."""
    try:
        return choices[fold(text)]
    except KeyError:
        raise BadValue(f"no es un valor permitido ({', '.join(choices)})") from None
