"""Dated legal parameters: every figure with its dates and source, looked up "as of" a date."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, cached_property
from importlib import resources
from itertools import pairwise
from typing import Any

from chatnomina.errors import ParameterNotFound

_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_RATIO = re.compile(r"^(\d+)/(\d+)$")


@dataclass(frozen=True, slots=True)
class Ratio:
    """An exact fraction such as 1/12, applied without an intermediate rounding."""

    numerator: Decimal
    denominator: Decimal

    def of(self, amount: Decimal) -> Decimal:
        """``amount × numerator / denominator`` with a single division."""
        return amount * self.numerator / self.denominator

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


@dataclass(frozen=True)
class ParamValue:
    """One parameter's value in force on a date, with the law that sets it."""

    name: str
    label: str
    value: Any
    effective_from: date
    effective_until: date | None
    source: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly view used by payslip traces (a fresh copy of a memoised dict)."""
        return dict(self._json)

    @cached_property
    def _json(self) -> dict[str, Any]:
        # Lookups are memoised, so one ParamValue serves many payslips: render it once.
        return {
            "name": self.name,
            "label": self.label,
            "value": _plain(self.value),
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class HolidayOverride:
    """A holiday added to (or removed from) the `holidays` package's calendar."""

    day: date
    name: str
    source: str


@dataclass(frozen=True, slots=True)
class _Entry:
    start: date
    until: date | None
    value: Any
    source: str


class Parameters:
    """The table of dated parameters; lookups are memoised per (name, date)."""

    def __init__(
        self,
        definitions: Mapping[str, tuple[str, tuple[_Entry, ...]]],
        holidays_added: tuple[HolidayOverride, ...] = (),
        holidays_removed: tuple[HolidayOverride, ...] = (),
        holidays_source: str = "",
    ):
        self._definitions = dict(definitions)
        self._starts = {
            name: [e.start for e in entries] for name, (_, entries) in definitions.items()
        }
        self._cache: dict[tuple[str, date], ParamValue] = {}
        # Snapshots derived from this table (period and day rules, the holiday calendar).
        self.derived: dict[Any, Any] = {}
        self.holidays_added = holidays_added
        self.holidays_removed = holidays_removed
        self.holidays_source = holidays_source

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Parameters:
        """Build from the data file's structure (``{"parameters": {...}, "holidays": {...}}``)."""
        definitions: dict[str, tuple[str, tuple[_Entry, ...]]] = {}
        for name, spec in data["parameters"].items():
            entries = tuple(
                sorted(
                    (
                        _Entry(
                            date.fromisoformat(raw["from"]),
                            date.fromisoformat(raw["until"]) if raw.get("until") else None,
                            _convert(raw["value"]),
                            raw["source"],
                        )
                        for raw in spec["values"]
                    ),
                    key=lambda e: e.start,
                )
            )
            for earlier, later in pairwise(entries):
                if earlier.until is not None and earlier.until >= later.start:
                    raise ValueError(f"overlapping entries for parameter {name!r}")
            definitions[name] = (spec["label"], entries)
        hol = data.get("holidays", {})
        added = tuple(
            HolidayOverride(date.fromisoformat(h["date"]), h.get("name", "Festivo"), h["source"])
            for h in hol.get("add", ())
        )
        removed = tuple(
            HolidayOverride(date.fromisoformat(h["date"]), h.get("name", ""), h["source"])
            for h in hol.get("remove", ())
        )
        return cls(definitions, added, removed, hol.get("source", ""))

    def names(self) -> tuple[str, ...]:
        """Every parameter name in the table."""
        return tuple(self._definitions)

    def get(self, name: str, on: date) -> ParamValue:
        """The value of ``name`` in force on ``on``; ParameterNotFound if there is none."""
        key = (name, on)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._lookup(name, on)
        return found

    def _lookup(self, name: str, on: date) -> ParamValue:
        try:
            label, entries = self._definitions[name]
        except KeyError:
            raise ParameterNotFound(
                f"El parámetro legal «{name}» no existe en la tabla de parámetros.",
                details={"parameter": name, "date": on.isoformat()},
            ) from None
        index = bisect.bisect_right(self._starts[name], on) - 1
        until = entries[index].until if index >= 0 else None
        if index < 0 or (until is not None and on > until):
            raise ParameterNotFound(
                f"No hay un valor vigente de «{label}» ({name}) para la fecha "
                f"{on.isoformat()}: falta cargar el parámetro con su norma para ese período.",
                details={"parameter": name, "date": on.isoformat()},
            )
        entry = entries[index]
        until = entry.until
        if until is None and index + 1 < len(entries):
            until = date.fromordinal(entries[index + 1].start.toordinal() - 1)
        return ParamValue(name, label, entry.value, entry.start, until, entry.source)


@cache
def default_parameters() -> Parameters:
    """The parameters shipped in ``engine/data/parameters.json`` (read once per process)."""
    text = resources.files("chatnomina.engine").joinpath("data/parameters.json").read_text("utf-8")
    return Parameters.from_mapping(json.loads(text))


def _convert(raw: Any) -> Any:
    """Numeric strings to Decimal, 'a/b' to Ratio, recursively; other values unchanged."""
    if isinstance(raw, str):
        if _DECIMAL.match(raw):
            return Decimal(raw)
        ratio = _RATIO.match(raw)
        if ratio:
            return Ratio(Decimal(ratio.group(1)), Decimal(ratio.group(2)))
        return raw
    if isinstance(raw, list):
        return tuple(_convert(item) for item in raw)
    if isinstance(raw, dict):
        return {key: _convert(item) for key, item in raw.items()}
    return raw


def _plain(value: Any) -> Any:
    """Decimals and ratios back to strings for JSON."""
    if isinstance(value, (Decimal, Ratio)):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
