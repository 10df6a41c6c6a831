"""Rounding conventions R1–R8 of the reference (docs/nomina-colombia.md §8), on Decimals."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
_FOUR_PLACES = Decimal("0.0001")


def to_peso(amount: Decimal) -> Decimal:
    """Half-up to the whole peso (R1, R3, R4, R6)."""
    return amount.quantize(ONE, rounding=ROUND_HALF_UP)


def up_to_peso(amount: Decimal) -> Decimal:
    """Up to the next whole peso, as the PILA rounds an IBC (R2, Decreto 1990 de 2016)."""
    return amount.quantize(ONE, rounding=ROUND_CEILING)


def up_to_multiple(amount: Decimal, step: Decimal) -> Decimal:
    """Up to the next multiple of ``step`` (R5: PILA totals to the next 100)."""
    return (amount / step).quantize(ONE, rounding=ROUND_CEILING) * step


def to_multiple(amount: Decimal, step: Decimal) -> Decimal:
    """Half-up to the nearest multiple of ``step`` (R7: retención to the nearest 1,000)."""
    return (amount / step).quantize(ONE, rounding=ROUND_HALF_UP) * step


def to_four_places(value: Decimal) -> Decimal:
    """Half-up to four decimals, for UVT figures and hourly values shown to people."""
    return value.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """``value`` limited to ``[low, high]``."""
    if value < low:
        return low
    if value > high:
        return high
    return value
