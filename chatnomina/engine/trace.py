"""How a payslip line was computed: inputs, parameters, a Spanish formula rendered on demand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from chatnomina.engine.parameters import ParamValue, Ratio

# Formats of trace inputs: money, percentage, plain number, free text.
MONEY = "$"
PERCENT = "%"
NUMBER = "n"
FACTOR = "x"  # a multiplier, written with at least two decimals as payroll tables do ("1,80")
TEXT = "t"
_CENT = Decimal("0.01")


class Trace:
    """Structured explanation of one line; ``text()`` renders the Spanish formula lazily."""

    __slots__ = ("formula", "inputs", "params")

    def __init__(
        self,
        formula: str,
        inputs: tuple[tuple[str, Any, str], ...] = (),
        params: tuple[ParamValue, ...] = (),
    ):
        self.formula = formula
        self.inputs = inputs
        self.params = params

    def text(self) -> str:
        """The formula in words with the inputs written the Colombian way (1.750.905, 4 %)."""
        return self.formula.format(
            **{name: _render(value, fmt) for name, value, fmt in self.inputs}
        )

    def as_dict(self, rendered: bool = True) -> dict[str, Any]:
        """JSON view: formula, raw inputs and the parameters with date and source.

        ``rendered=False`` keeps the template and the parameters' names and dates instead, which
        is cheaper to store for a whole payroll run and renders later with the same inputs.
        """
        inputs = {name: _plain(value) for name, value, _ in self.inputs}
        if not rendered:
            return {
                "template": self.formula,
                "inputs": inputs,
                "formats": {name: fmt for name, _, fmt in self.inputs},
                "parameters": [
                    {"name": p.name, "effective_from": p.effective_from.isoformat()}
                    for p in self.params
                ],
            }
        return {
            "formula": self.text(),
            "inputs": inputs,
            "parameters": [p.as_dict() for p in self.params],
        }

    def compact(self) -> tuple[str, list[Any], list[list[str]]]:
        """The smallest stored form: (template key, input values, [[parameter, effective_from]]).

        The template itself (formula, input names and formats) is stored once, under its key
        (see :func:`template_of`), so a payroll run of 100,000 payslips does not repeat it
        two million times.
        """
        key = _template_key(self.formula, self.inputs)
        return (
            key,
            [_plain(value) for _, value, _ in self.inputs],
            [[p.name, p.effective_from.isoformat()] for p in self.params],
        )

    def template(self) -> tuple[str, str, list[list[str]]]:
        """(key, formula, [[input name, format]]) — what :meth:`compact` leaves out."""
        return _template_key(self.formula, self.inputs), self.formula, [[n, f] for n, _, f in self.inputs]

    def __repr__(self) -> str:
        return f"Trace({self.formula!r})"


def format_number(value: Decimal | int, places: int | None = None) -> str:
    """``1234567.5`` → ``1.234.567,5`` (dot thousands, comma decimals); trailing zeros dropped."""
    if isinstance(value, int) or value == value.to_integral_value():
        # Whole pesos are the common case: skip the decimal-part handling.
        return f"{int(value):,}".replace(",", ".")
    number = Decimal(value)
    if places is not None:
        number = round(number, places)
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_money(value: Decimal | int) -> str:
    """Pesos as people read them: ``$1.750.905``."""
    return "$" + format_number(value, 2)


def format_percent(rate: Decimal) -> str:
    """``0.085`` → ``8,5 %``."""
    return format_number(rate * 100, 4) + " %"


def _render(value: Any, fmt: str) -> str:
    if isinstance(value, Ratio):
        return str(value)
    if fmt == MONEY:
        return format_money(value)
    if fmt == PERCENT:
        return format_percent(value)
    if fmt == FACTOR:
        exponent = value.normalize().as_tuple().exponent
        text = str(value.quantize(_CENT)) if exponent > -2 else str(value.normalize())
        return text.replace(".", ",")
    if fmt == NUMBER and isinstance(value, (Decimal, int)):
        return format_number(value, 4)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_KEYS: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}


def _template_key(formula: str, inputs: tuple[tuple[str, Any, str], ...]) -> str:
    """A short, stable key for a formula and its input names/formats (memoised)."""
    spec = tuple((name, fmt) for name, _, fmt in inputs)
    found = _KEYS.get((formula, spec))
    if found is None:
        import hashlib

        digest = hashlib.sha1(repr((formula, spec)).encode()).hexdigest()[:16]
        found = _KEYS[(formula, spec)] = digest
    return found


def expand_compact(compact: list[Any], template: tuple[str, list[list[str]]]) -> dict[str, Any]:
    """A compact trace and its template → the ``as_dict(rendered=False)`` form."""
    _, values, params = compact
    formula, spec = template
    return {
        "template": formula,
        "inputs": {name: value for (name, _), value in zip(spec, values)},
        "formats": {name: fmt for name, fmt in spec},
        "parameters": [{"name": name, "effective_from": since} for name, since in params],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, (Decimal, Ratio)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def render_stored(stored: dict[str, Any], params: Any = None) -> dict[str, Any]:
    """Render a trace stored with ``as_dict(rendered=False)``: the same text and parameters
    (value, dates, source) as ``as_dict()`` gave when the line was computed."""
    if "template" not in stored:
        return stored
    formats = stored.get("formats", {})
    values: dict[str, str] = {}
    for name, raw in stored.get("inputs", {}).items():
        fmt = formats.get(name, TEXT)
        value: Any = raw
        if fmt in (MONEY, PERCENT, FACTOR, NUMBER) and isinstance(raw, (str, int)):
            try:
                value = Decimal(str(raw))
            except ArithmeticError:
                value = raw
        values[name] = _render(value, fmt) if not isinstance(value, str) else value
    if params is None:
        from chatnomina.engine.parameters import default_parameters

        params = default_parameters()
    parameters = []
    for item in stored.get("parameters", []):
        try:
            parameters.append(_stored_parameter(params, item["name"], date.fromisoformat(item["effective_from"])))
        except Exception:  # a parameter renamed since: keep what was stored
            parameters.append(item)
    try:
        text = stored["template"].format(**values)
    except (KeyError, IndexError, ValueError):
        text = stored["template"]
    return {"formula": text, "inputs": stored.get("inputs", {}), "parameters": parameters}


def _stored_parameter(params: Any, name: str, on: date) -> dict[str, Any]:
    """A parameter by its trace name; ``table.key`` names one entry of a table (e.g. ARL class)."""
    from dataclasses import replace

    base, _, key = name.partition(".")
    if not key:
        return params.get(name, on).as_dict()
    table = params.get(base, on)
    return replace(table, name=name, label=f"{table.label}: clase {key}", value=table.value[key]).as_dict()
