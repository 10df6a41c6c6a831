"""Rows in PostgreSQL's ``COPY … FROM STDIN`` text format, ready to stream to the database.

Pure (no I/O). The import prepares each file's rows as COPY text where it parses them (in
worker processes, see :mod:`chatnomina.hr.prepare`), so millions of row objects never have
to cross a process boundary or go through asyncpg's per-value binary encoding (whose
``Decimal`` encoder was the largest single cost of the import). Columns are the row
class's fields in order (``line`` excluded), then any constant ``extra`` values (the
import id); PostgreSQL parses the text with the columns' own input functions.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from chatnomina.hr.rows import ROW_CLASS, FileKind
from chatnomina.hr.values import PayrollPeriod

NULL = "\\N"
_CACHE_LIMIT = 200_000  # distinct values remembered per column (bounded memory)


def copy_columns(kind: FileKind) -> tuple[str, ...]:
    """The columns the COPY text of ``kind`` fills, in order (the row fields but ``line``)."""
    return tuple(f.name for f in fields(ROW_CLASS[kind]) if f.name != "line")


def escape(text: str) -> str:
    """A text value in COPY text format (backslash, tab, newline and carriage return escaped)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _bool(value: bool) -> str:
    return "t" if value else "f"


def _converter(hint: Any) -> tuple[str, bool]:
    """(expression turning ``{v}`` into its text, whether None is allowed) for a field's type."""
    options = typing.get_args(hint) or (hint,)
    optional = type(None) in options
    base = next(o for o in options if o is not type(None))
    if base is str:
        return "escape({v})", optional
    if base is bool:
        return "boolean({v})", optional
    if base is PayrollPeriod:
        return "{v}.code", optional
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return "escape({v}.value)", optional
    if base in (int, Decimal, date):
        # str(Decimal) is plain for the parser's values and PostgreSQL reads exponents anyway;
        # str(date) is ISO 8601, which PostgreSQL reads whatever its DateStyle.
        return "str({v})", optional
    raise TypeError(f"no COPY text form for {hint!r}")  # pragma: no cover - a programming error


def _is_decimal(hint: Any) -> bool:
    return Decimal in (typing.get_args(hint) or (hint,))


def _compile(kind: FileKind, tuples: bool) -> Any:
    """Generate ``encode(rows, extra, caches) -> str`` for ``kind``: one cached lookup per value.

    Most values repeat (dates, codes, names, contract ids), so each column keeps a
    value → text dictionary, seeded with None → ``\\N``; amounts, which rarely repeat,
    are formatted directly. ``tuples``: rows are tuples of the fields, ``line`` last, texts
    already escaped (as :func:`chatnomina.hr.parser.stream_export` makes them).
    """
    cls = ROW_CLASS[kind]
    hints = typing.get_type_hints(cls)
    columns = copy_columns(kind)
    out = [
        "def encode(rows, extra, caches):",
        "    lines = []",
        "    append = lines.append",
        f"    ({', '.join(f'c{i}' for i in range(len(columns)))},) = caches",
        "    for row in rows:",
    ]
    if tuples:
        out.append(f"        ({', '.join(f'v{i}' for i in range(len(columns)))}, _) = row")
    for i, column in enumerate(columns):
        expression, optional = _converter(hints[column])
        value = f"v{i}"
        if not tuples:
            out.append(f"        v{i} = row.{column}")
        if tuples and expression == "escape({v})":
            # The parser's tuples carry texts already escaped (see stream_export).
            out.append(f"        o{i} = NULL if {value} is None else {value}" if optional
                       else f"        o{i} = {value}")
            continue
        if _is_decimal(hints[column]):
            # Amounts rarely repeat, except zero: formatting one is cheaper than caching it.
            if optional:
                out.append(f"        o{i} = NULL if {value} is None else str({value}) if {value} else '0'")
            else:
                out.append(f"        o{i} = str({value}) if {value} else '0'")
            continue
        out += [
            f"        o{i} = c{i}.get({value})",
            f"        if o{i} is None:",
            f"            o{i} = c{i}[{value}] = {expression.format(v=value)}",
        ]
    out.append("        append(f\"" + "\\t".join(f"{{o{i}}}" for i in range(len(columns))) + "{extra}\\n\")")
    out.append("    return ''.join(lines)")
    scope: dict[str, Any] = {"escape": escape, "boolean": _bool, "str": str, "NULL": NULL}
    exec(compile("\n".join(out), f"<COPY encoder {kind.value}>", "exec"), scope)  # noqa: S102
    return scope["encode"]


_ENCODERS = {(kind, tuples): _compile(kind, tuples) for kind in FileKind for tuples in (False, True)}


class CopyEncoder:
    """Encodes rows of one kind as COPY text (UTF-8 bytes), block after block, with caches.

    ``tuples``: the rows come as the parser's tuples (fields in order, ``line`` last, texts
    already escaped; see :func:`chatnomina.hr.parser.stream_export`) instead of row objects.
    """

    def __init__(self, kind: FileKind, extra: Sequence[object] = (), *, tuples: bool = False):
        self.kind = kind
        self.columns = copy_columns(kind)
        self.extra = "".join(f"\t{escape(str(value))}" for value in extra)
        self._encode = _ENCODERS[kind, tuples]
        self._caches: list[dict[Any, str]] = [{None: NULL} for _ in self.columns]

    def __call__(self, rows: Iterable[Any]) -> bytes:
        """The COPY text of ``rows``: one line per row, fields separated by tabs."""
        for cache in self._caches:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
                cache[None] = NULL
        return self._encode(rows, self.extra, self._caches).encode("utf-8")


def encode_rows(kind: FileKind, rows: Iterable[Any], extra: Sequence[object] = ()) -> bytes:
    """The COPY text of ``rows`` of ``kind`` (see :class:`CopyEncoder`)."""
    return CopyEncoder(kind, extra)(rows)
