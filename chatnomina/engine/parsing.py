"""Strict parsing of JSON values into engine types, raising InvalidRequest that names the field."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from chatnomina.engine.models import Period
from chatnomina.errors import InvalidRequest

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_period(value: Any) -> Period:
    """``"YYYY-MM"`` → Period (errors name the field ``period``)."""
    return Period.parse(value)


def parse_amount(value: Any, field: str, *, allow_negative: bool = False) -> Decimal:
    """A JSON number or decimal string of pesos → Decimal (never via binary float arithmetic)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise InvalidRequest("El valor debe ser un número o un texto decimal.", field=field)
    try:
        # str() first: a JSON float such as 1750905.0 keeps its decimal digits, not binary noise.
        amount = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise InvalidRequest(f"«{value}» no es un número válido.", field=field) from None
    if not amount.is_finite():
        raise InvalidRequest(f"«{value}» no es un número válido.", field=field)
    if amount < 0 and not allow_negative:
        raise InvalidRequest("El valor no puede ser negativo.", field=field)
    return amount


def parse_int(value: Any, field: str, low: int, high: int) -> int:
    """A whole number within ``[low, high]`` (integral floats and strings accepted)."""
    if isinstance(value, bool):
        raise InvalidRequest("Debe ser un número entero.", field=field)
    number: Any = value
    if isinstance(value, (str, float)):
        try:
            parsed = Decimal(value.strip() if isinstance(value, str) else str(value))
        except InvalidOperation:
            parsed = None
        if parsed is None or not parsed.is_finite() or parsed != parsed.to_integral_value():
            raise InvalidRequest(f"«{value}» no es un número entero.", field=field)
        number = int(parsed)
    if not isinstance(number, int):
        raise InvalidRequest("Debe ser un número entero.", field=field)
    if not low <= number <= high:
        raise InvalidRequest(f"Debe estar entre {low} y {high}.", field=field)
    return number


def parse_bool(value: Any, field: str) -> bool:
    """JSON true/false only: a typo must not silently become a flag."""
    if not isinstance(value, bool):
        raise InvalidRequest("Debe ser verdadero o falso (true/false).", field=field)
    return value


def parse_date(value: Any, field: str) -> date:
    """``"YYYY-MM-DD"`` → date."""
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidRequest(f"«{value}» no es una fecha válida AAAA-MM-DD.", field=field)


def parse_time(value: Any, field: str, *, allow_24: bool = False) -> time | None:
    """``"HH:MM"`` → time; ``"24:00"`` (end of the day) → None when allowed."""
    match = _TIME.match(value) if isinstance(value, str) else None
    if match:
        hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        if allow_24 and hours == 24 and minutes == 0 and seconds == 0:
            return None
        if hours < 24 and minutes < 60 and seconds == 0:
            return time(hours, minutes)
    raise InvalidRequest(f"«{value}» no es una hora válida HH:MM.", field=field)


def parse_choice(value: Any, field: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of strings."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidRequest(
            f"Valor no reconocido «{value}»; use uno de: {', '.join(choices)}.", field=field
        )
    return value
