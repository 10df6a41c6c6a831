"""Parse and validate the HR exports: bytes in, typed rows and a reject report out.

Pure: no I/O, no clock, no logging. The caller reads the files and passes their bytes.

How a file is read:

1. **Decoding.** UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else ISO-8859-1.
   LF or CRLF. The file is decoded in blocks cut at line ends, so memory stays bounded.
2. **Detection.** The header decides the kind (a renamed file is still recognised); the
   file name (``ACTIVOS_HM.TXT``, ``activos_hm.txt``, ``2026-10-31_ACTIVOS_HM.csv``...) only
   breaks ties and is checked against the header. Header names are compared folded (case,
   accents, spaces and underscores ignored); columns may come in any order; unknown columns
   are ignored; a missing required column is a file-level error naming it.
3. **Rows.** Each data line is split on ``;`` and every value trimmed. A generated fast path
   handles the common formats (digits, ``dd/mm/yyyy``, exact enum spellings) with cached
   dates and money; any row it does not accept goes through the authoritative slow path,
   which either builds the same row from an unusual but valid format or explains, in
   Spanish, every problem of the row (``FILE:LINE: COLUMNA 'valor' razón``). A row whose
   natural key repeats an earlier row of the same file is rejected, naming that line.

Row-level cross-file checks (unknown contract, document not matching the contract) need
the contracts of the import and of the database: see :func:`contract_rejects` and
:func:`parse_directory`.
"""

from __future__ import annotations

import codecs
import gc
import os
import re
import typing
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any

from chatnomina.errors import InvalidRequest
from chatnomina.hr import schema
from chatnomina.hr.pgcopy import escape
from chatnomina.hr.rows import ROW_CLASS, FileKind, fast_constructor
from chatnomina.hr.schema import SPECS, KindSpec
from chatnomina.hr.values import (
    BadValue,
    PayrollPeriod,
    fold,
    header_key,
    parse_date,
    parse_int,
    parse_money,
    parse_period,
)

BLOCK_SIZE = 1 << 22  # bytes decoded at a time; cut at a line end
_MONEY_CACHE_LIMIT = 200_000  # distinct amounts remembered per file (bounded memory)


@dataclass(frozen=True, slots=True)
class Reject:
    """A rejected row: ``FILE:LINE: reason`` (line 1 is the header)."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class ParsedFile:
    """One export file after parsing: its kind, good rows, rejected rows and notes.

    ``error`` is set when the whole file is unusable (not an export, a required column
    missing, a second file of the same kind); it then has no rows.
    """

    filename: str
    kind: FileKind | None
    rows: tuple[Any, ...]
    rejects: tuple[Reject, ...]
    encoding: str | None
    line_count: int
    error: str | None = None
    notes: tuple[str, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)  # row field → header as written
    row_count: int = -1  # good rows; -1 means len(rows) (set when the rows were streamed away)

    def __post_init__(self) -> None:
        if self.row_count < 0:
            object.__setattr__(self, "row_count", len(self.rows))

    @property
    def ok(self) -> bool:
        """True when the file could be read (rows may still have been rejected)."""
        return self.error is None

    def report_lines(self) -> list[str]:
        """The file-level error (``FILE: message``) or the rejects, one ``FILE:LINE: reason`` each."""
        if self.error is not None:
            return [f"{self.filename}: {self.error}"]
        return [str(r) for r in self.rejects]

    def raise_for_error(self) -> None:
        """Raise :class:`~chatnomina.errors.InvalidRequest` if the file is unusable."""
        if self.error is not None:
            raise InvalidRequest(
                f"{self.filename}: {self.error}", field=self.filename, details={"file": self.filename}
            )


@dataclass(frozen=True)
class ParsedExport:
    """A set of export files parsed together, in dependency order, after cross-file checks."""

    files: tuple[ParsedFile, ...]

    def get(self, kind: FileKind) -> ParsedFile | None:
        """The parsed file of ``kind``, if the import had one."""
        for parsed in self.files:
            if parsed.kind is kind and parsed.error is None:
                return parsed
        return None

    def rows(self, kind: FileKind) -> tuple[Any, ...]:
        """The good rows of ``kind`` (empty if the file was absent)."""
        parsed = self.get(kind)
        return parsed.rows if parsed is not None else ()

    @property
    def rejected_count(self) -> int:
        """How many rows were rejected, over all files."""
        return sum(len(p.rejects) for p in self.files)

    @property
    def errors(self) -> tuple[ParsedFile, ...]:
        """Files that could not be imported at all."""
        return tuple(p for p in self.files if p.error is not None)

    def report_lines(self) -> list[str]:
        """Every file-level error and row reject, file by file in import order."""
        return [line for parsed in self.files for line in parsed.report_lines()]

    def last_payroll(self) -> PayrollPeriod | None:
        """The latest payroll among the deposits (the import's cut-off payroll)."""
        return max((row.cod_nomina for row in self.rows(FileKind.DEPOSITS)), default=None)


# -- decoding ----------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """``"utf-8-sig"`` (BOM), ``"utf-8"`` or ``"latin-1"`` (anything that is not valid UTF-8)."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        return "utf-8-sig" if _valid_utf8(body) else "latin-1"
    return "utf-8" if _valid_utf8(data) else "latin-1"


def _valid_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        for _ in _text_blocks(data, "utf-8"):
            pass
    except UnicodeDecodeError:
        return False
    return True


def _text_blocks(data: bytes, encoding: str, size: int = BLOCK_SIZE) -> Iterator[str]:
    """Decode ``data`` in blocks that end at a line feed (never inside a character)."""
    start, n = 0, len(data)
    while start < n:
        end = data.find(b"\n", min(start + size, n) - 1)
        end = n if end < 0 else end + 1
        yield data[start:end].decode(encoding)
        start = end


def _line_blocks(data: bytes, encoding: str) -> Iterator[list[str]]:
    """The physical lines, without terminators (LF or CRLF), a block of lines at a time."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    pending = ""
    for block in _text_blocks(data, encoding):
        if "\r" in block:
            block = block.replace("\r\n", "\n")
        lines = block.split("\n")
        lines[0] = pending + lines[0]
        pending = lines.pop()
        yield lines
    if pending:
        yield [pending.rstrip("\r")]


# -- detection ---------------------------------------------------------------------------------


def kind_from_name(filename: str) -> FileKind | None:
    """The kind a file name announces (``activos_hm.txt`` → ACTIVE_EMPLOYEES), else None."""
    stem = fold(os.path.basename(filename)).split(".")[0]
    matches = [k for k in FileKind if k.value in stem]
    return max(matches, key=lambda k: len(k.value), default=None)


@dataclass(frozen=True)
class Detection:
    """Which kind a header is, or why it is none."""

    kind: FileKind | None
    error: str | None = None
    note: str | None = None


def detect_kind(filename: str, header: list[str]) -> Detection:
    """Decide the file kind from its header, using the name only to break ties and to warn."""
    keys = {header_key(h) for h in header}
    named = kind_from_name(filename)
    complete = [k for k in FileKind if SPECS[k].required_keys <= keys]
    if complete:
        if named in complete:
            return Detection(named)
        best = max(complete, key=lambda k: len(SPECS[k].all_keys & keys))
        note = None
        if named is not None:
            note = (
                f"El nombre sugiere {named.file_name}, pero el encabezado corresponde a "
                f"{best.file_name}; se importa como {best.file_name}."
            )
        return Detection(best, note=note)
    if named is not None:
        return Detection(named, error=_missing_columns(named, header, keys))
    coverage = {k: len(SPECS[k].required_keys & keys) / len(SPECS[k].required_keys) for k in FileKind}
    best = max(coverage, key=lambda k: coverage[k])
    if coverage[best] >= 0.6:
        return Detection(best, error=_missing_columns(best, header, keys, guessed=True))
    return Detection(
        None,
        error=(
            "no es una exportación reconocida del sistema de RR. HH.: ni el nombre ni el "
            "encabezado corresponden a ninguno de los nueve archivos"
        ),
    )


def _missing_columns(kind: FileKind, header: list[str], keys: set[str], guessed: bool = False) -> str:
    missing = [c.header for c in SPECS[kind].columns if c.required_column and c.key not in keys]
    plural = len(missing) > 1
    what = f"parece ser {kind.file_name}, pero " if guessed else ""
    return (
        f"{what}{'faltan las columnas obligatorias' if plural else 'falta la columna obligatoria'} "
        f"{', '.join(missing)}"
    )


# -- the row parsers ---------------------------------------------------------------------------


class _Caches:
    """Per-file caches: most dates, payroll codes and many amounts and names repeat."""

    def __init__(self) -> None:
        self.dates: dict[str, date] = {}
        self.money: dict[str, Decimal] = {}
        self.periods: dict[str, PayrollPeriod] = {}
        self.strings: dict[str, str] = {}  # one shared object per distinct text
        self.texts: dict[str, str | None] = {}  # raw field → trimmed shared text (None if blank)
        self.documents: dict[str, str] = {}  # raw field → valid document
        self.ints: dict[str, int] = {}
        self.converted: dict[int, dict[str, Any]] = {}  # column → raw field → choice, days...
        self.seen: dict[tuple[Any, ...], int] = {}  # natural key → first line

    def clear(self) -> None:
        """Forget everything (the generated parser and its scope form a reference cycle that
        would keep millions of entries alive until the garbage collector's next full pass)."""
        caches: list[dict[Any, Any]] = [self.dates, self.money, self.periods, self.strings, self.texts,
                                         self.documents, self.ints, self.seen, *self.converted.values()]
        for cache in caches:
            cache.clear()


_MISS = object()  # "not cached yet" (None is a cached value: a blank text)


def _fast_date(text: str) -> date:
    """``dd/mm/yyyy`` quickly; anything else through :func:`parse_date` (which may raise)."""
    day, month, year = text[:2], text[3:5], text[6:]
    # isdecimal: int() would also take signs and blanks ("+1", " 202"), which dates may not.
    if len(text) == 10 and text[2] == "/" and text[5] == "/" and (day + month + year).isdecimal():
        return date(int(year), int(month), int(day))
    return parse_date(text)


_FAST_CONVERTERS: dict[Callable[[str], Any], str] = {
    schema.parse_int: "int",
    schema._document: "document",
    schema._text: "text",
    schema.parse_money: "money",
    schema.parse_date: "date",
    schema._period_code: "period",
}


def _compile_block_parser(spec: KindSpec, index: tuple[int, ...], width: int, pad: bool, tuples: bool = False) -> Any:
    """Generate the loop that parses a block of lines of one file layout.

    ``parse_block(lines, number, append, slow) -> (last_number, fast_rows)``: for each line,
    straight-line code handles the common formats (digits, ``dd/mm/yyyy``, exact enum
    spellings, cached dates, amounts and texts) and appends the row; anything unusual,
    any exception, a duplicate or a wrong number of fields is handed to ``slow(fields,
    number, text)``, the authoritative path that either builds the same row or rejects it.
    Generated, as ``dataclasses`` does, so each layout gets code with no per-field
    dispatch and no per-row call: this is the hot loop of a 2.4-million-row import.
    """
    out = [
        "def parse_block(lines, number, append, slow):",
        "    fast_rows = 0",
        "    for text in lines:",
        "        number += 1",
        "        if not text: continue",
        "        if '\\x00' in text:",
        "            slow(text.split(';'), number, text)",
        "            continue",
        "        f = text.split(';')",
        f"        if len(f) != {width}:",
        "            slow(f, number, text)",
        "            continue",
    ]
    if pad:
        out.append("        f.append('')")
    out.append("        try:")
    emit = out.append
    indent = "            "
    fallback = "slow(f, number, text); continue"
    env: dict[str, Any] = {
        "Decimal": Decimal,
        "parse_money": parse_money,
        "parse_int": parse_int,
        "fast_date": _fast_date,
        "parse_period": parse_period,
        "build": fast_constructor(spec.row_class),
        "escape": escape,
    }
    used = set(index)
    converted: list[int] = []  # columns whose other converter's results are cached
    checked = {name for check in spec.checks for name in re.findall(r"\ba_(\w+)", _fast_condition(check) or "")}
    # Unpacking the whole row at once is cheaper than one subscript per field.
    names = ", ".join(f"f{i}" if i in used else "_" for i in range(width + pad))
    emit(f"{indent}{names}, = f")

    def cached(pad: str, var: str, cache: str, key: str, *on_miss: str) -> None:
        # Most values repeat (dates, codes, names, contracts); a miss is no exception.
        emit(f"{pad}{var} = {cache}_get({key}, MISS)")
        emit(f"{pad}if {var} is MISS:")
        for line in on_miss:
            emit(f"{pad}    {line}")

    for n, (column, i) in enumerate(zip(spec.columns, index)):
        var, s = f"a_{column.attr}", f"f{i}"
        kind = _FAST_CONVERTERS.get(column.convert)
        if kind == "text":
            # Raw text → trimmed, shared string (None when blank); for tuples, already in
            # COPY form (escaping is one-to-one, so keys compare the same).
            trimmed = "escape(t)" if tuples else "t"
            cached(indent, var, "texts", s, "t = " + s + ".strip()",
                   f"{var} = texts[{s}] = strings.setdefault({trimmed}, {trimmed}) if t else None")
            if column.required_value:
                emit(f"{indent}if {var} is None: {fallback}")
            continue
        pad_ = indent
        if not column.required_value:
            emit(f"{indent}if not {s}: {var} = None")
            emit(f"{indent}else:")
            pad_ = indent + "    "
        if kind == "int":
            cached(pad_, var, "ints", s,
                   f"{var} = ints[{s}] = int({s}) if {s}.isdigit() and len({s}) <= 9 else parse_int({s})")
        elif kind == "document":
            # Anything but letters and digits (blanks included) is for the slow path.
            cached(pad_, var, "documents", s, f"if not {s}.isalnum(): {fallback}",
                   f"{var} = documents[{s}] = strings.setdefault({s}, {s})")
        elif kind == "money":
            if tuples:
                # Tuples feed COPY text: a plain amount needs no Decimal, only its digits
                # (as text, or as an int where a fast check does arithmetic with it).
                emit(f"{pad_}if {s}.isascii() and {s}.isdigit() and len({s}) <= 12:")
                emit(f"{pad_}    {var} = int({s})" if column.attr in checked else f"{pad_}    {var} = {s}")
                emit(f"{pad_}else:")
                pad_ += "    "
            # Amounts vary too much for a dict hit to be the rule: look up without raising.
            # Negative amounts go to the slow path, so the fast one needs no sign checks.
            emit(f"{pad_}{var} = money.get({s})")
            emit(f"{pad_}if {var} is None:")
            emit(f"{pad_}    if {s}.isdigit() and len({s}) <= 12: {var} = money[{s}] = Decimal({s})")
            emit(f"{pad_}    else:")
            emit(f"{pad_}        {var} = parse_money({s})")
            emit(f"{pad_}        if {var}.is_signed(): {fallback}")
            emit(f"{pad_}        money[{s}] = {var}")
        elif kind == "date":
            cached(pad_, var, "dates", s, f"{var} = dates[{s}] = fast_date({s})")
        elif kind == "period":
            cached(pad_, var, "periods", s, f"{var} = periods[{s}] = parse_period({s})")
        else:  # choices, days, service years: the slow converter itself, remembered
            convert = column.convert
            if tuples and _is_text(spec.row_class, column.attr):
                convert = _escaped(convert)
            env[f"convert{n}"] = convert
            converted.append(n)
            cached(pad_, var, f"converted{n}", s, f"{var} = converted{n}[{s}] = convert{n}({s})")
    for check in spec.checks:
        condition = _fast_condition(check)
        if condition is not None:
            emit(f"{indent}if {condition}: {fallback}")
    out.append(f"        except Exception:\n            {fallback}")
    key = ", ".join(f"a_{attr}" for attr in spec.row_class.NATURAL_KEY)
    args = ", ".join(f"a_{c.attr}" for c in spec.columns)
    out += [
        # A repeated key: the slow path writes the reject naming the first line.
        f"        if first_line_of(({key},), number) != number: {fallback}",
        # A plain tuple (the row's fields, then its line) is far cheaper to make than the row.
        f"        append(({args}, number))" if tuples else f"        append(build({args}, number))",
        "        fast_rows += 1",
        "    return number, fast_rows",
    ]
    code = compile("\n".join(out), f"<hr block parser {spec.kind.value}>", "exec")

    def bind(caches: _Caches) -> Any:
        scope = dict(env, strings=caches.strings, texts=caches.texts, documents=caches.documents,
                     ints=caches.ints, money=caches.money, dates=caches.dates, periods=caches.periods,
                     first_line_of=caches.seen.setdefault, MISS=_MISS)
        for cache in ("texts", "documents", "ints", "dates", "periods"):
            scope[f"{cache}_get"] = getattr(caches, cache).get
        for n in converted:
            results = caches.converted.setdefault(n, {})
            scope[f"converted{n}"], scope[f"converted{n}_get"] = results, results.get
        exec(code, scope)  # noqa: S102 - our own generated source
        return scope["parse_block"]

    return bind


def _fast_condition(check: schema.Check) -> str | None:
    """The check as a boolean expression over the generated locals (True = bad row)."""
    fast = getattr(check, "fast", None)
    return fast if isinstance(fast, str) else None


def _is_text(cls: Any, attr: str) -> bool:
    """Whether the row field holds text (``str`` or ``str | None``)."""
    hint = typing.get_type_hints(cls)[attr]
    return str in (typing.get_args(hint) or (hint,))


def _escaped(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: escape(convert(text))


def _copy_tuple(cls: Any) -> Callable[[Any], tuple[Any, ...]]:
    """Row → the tuple the fast path makes for it: fields in order, texts in COPY form, line last."""
    names = [f.name for f in fields(cls)]
    texts = {i for i, name in enumerate(names) if name != "line" and _is_text(cls, name)}
    getter = attrgetter(*names)
    return lambda row: tuple(escape(v) if i in texts and v is not None else v for i, v in enumerate(getter(row)))


class _RowParser:
    """Parses the data lines of one file once its header is known."""

    def __init__(self, filename: str, spec: KindSpec, header: list[str], tuples: bool = False):
        self.filename = filename
        self.spec = spec
        self.tuples = tuples
        self.as_tuple = _copy_tuple(spec.row_class)
        self.width = len(header)
        position: dict[str, int] = {}
        for i, name in enumerate(header):
            position.setdefault(header_key(name), i)
        self.names: dict[str, str] = {}
        index = []
        for column in spec.columns:
            i = position.get(column.key, -1)
            if i < 0:  # an optional column the file lacks: read an appended empty field
                i = self.width
                self.names[column.attr] = column.header
            else:
                self.names[column.attr] = header[i].strip()
            index.append(i)
        self.index = tuple(index)
        self.pad = self.width in self.index
        self.caches = _Caches()
        self.parse_block = _compile_block_parser(spec, self.index, self.width, self.pad, tuples)(self.caches)
        key = spec.row_class.NATURAL_KEY
        if tuples:  # the slow path's rows are compared as the tuples the fast path makes
            positions = [f.name for f in fields(spec.row_class)]
            getter: Callable[[Any], Any] = itemgetter(*(positions.index(name) for name in key))
        else:
            getter = attrgetter(*key)
        self.key_of: Callable[[Any], tuple[Any, ...]] = (lambda row: (getter(row),)) if len(key) == 1 else getter
        self.key_positions = tuple(
            (self.names[c.attr], self.index[spec.columns.index(c)]) for c in spec.key_columns
        )
        self.fast_rows = 0
        self.row_count = 0
        self.last_line = 0

    def parse(
        self, blocks: Iterable[tuple[int, list[str]]], on_rows: Callable[[list[Any]], None] | None = None
    ) -> tuple[list[Any], list[Reject]]:
        """Parse blocks of data lines (each with the number of its first line).

        With ``on_rows``, the good rows of each block are handed to it (in line order) as
        soon as the block is parsed and not kept: the returned row list is then empty.
        """
        self.rows: list[Any] = []
        self.rejects: list[Reject] = []
        money = self.caches.money
        number = 0
        # Millions of new rows would make the cyclic garbage collector rescan an ever larger
        # heap (a third of the parse time); rows hold no cycles, so it pauses meanwhile.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for first, lines in blocks:
                if on_rows is not None:
                    self.rows = []  # the slow path appends to self.rows too
                number, fast_rows = self.parse_block(lines, first - 1, self.rows.append, self._slow_line)
                self.fast_rows += fast_rows
                self.row_count += len(self.rows) if on_rows is not None else 0
                if on_rows is not None and self.rows:
                    on_rows(self.rows)
                if len(money) > _MONEY_CACHE_LIMIT:
                    money.clear()
        finally:
            self.caches.clear()
            if collecting:
                gc.enable()
        self.last_line = number
        if on_rows is None:
            self.row_count = len(self.rows)
        else:
            self.rows = []
        return self.rows, self.rejects

    def _slow_line(self, f: list[str], number: int, text: str) -> None:
        """A line the fast path declined: blank, odd width, unusual format, bad or duplicate."""
        f = text.split(";")  # afresh: the fast path may have padded its copy
        if len(f) != self.width:
            if not text.strip():
                return
            fixed = self._fix_width(f)
            if fixed is None:
                reason = f"la fila tiene {len(f)} campos y el encabezado {self.width}"
                self.rejects.append(Reject(self.filename, number, reason))
                return
            f = fixed
        if "\x00" in text:
            # PostgreSQL text cannot hold NUL; the HR system never means one
            self.rejects.append(Reject(self.filename, number, "la fila contiene un carácter nulo (\\0)"))
            return
        if self.pad:
            f.append("")
        row, problems = self._slow(f, number)
        if row is None:
            self.rejects.append(Reject(self.filename, number, "; ".join(problems)))
            return
        if self.tuples:
            row = self.as_tuple(row)
        earlier = self.caches.seen.setdefault(self.key_of(row), number)
        if earlier != number:
            self.rejects.append(Reject(self.filename, number, self._duplicate(f, earlier)))
            return
        self.rows.append(row)

    def _fix_width(self, f: list[str]) -> list[str] | None:
        """Tolerate one trailing empty field (a row ending in ``;``); else the row is bad."""
        if len(f) == self.width + 1 and not f[-1].strip():
            return f[:-1]
        return None

    def _slow(self, f: list[str], number: int) -> tuple[Any, list[str]]:
        """The authoritative parse: the row, or every problem found in it."""
        values: dict[str, Any] = {}
        raw: dict[str, str] = {}
        problems: list[str] = []
        for column, i in zip(self.spec.columns, self.index):
            text = f[i].strip()
            raw[column.attr] = text
            values[column.attr] = None
            if not text:
                if column.required_value:
                    problems.append(f"{self.names[column.attr]} es obligatorio y está vacío")
                continue
            try:
                values[column.attr] = column.convert(text)
            except BadValue as bad:
                problems.append(f"{self.names[column.attr]} '{text}' {bad.reason}")
        if not problems:
            for check in self.spec.checks:
                message = check(values, raw, self.names)
                if message is not None:
                    problems.append(message)
        if problems:
            return None, problems
        return self.spec.row_class(*values.values(), number), []

    def _duplicate(self, f: list[str], first: int) -> str:
        key = ", ".join(f"{name} {f[i].strip()}" for name, i in self.key_positions)
        return f"fila duplicada: repite la clave ({key}) de la línea {first}"


# -- public API --------------------------------------------------------------------------------


RowSink = Callable[[FileKind, Mapping[str, str]], Callable[[list[Any]], None]]
"""A streaming consumer of a file's good rows.

Called with the file's kind and column names (row field → header as written) each time a
reading of the file starts, it returns the function that then receives the good rows, a
block at a time and in line order. A file that turns out not to be UTF-8 is read again as
ISO-8859-1: a second call means "start over", forgetting the rows of the first reading."""


def parse_export(filename: str, data: bytes) -> ParsedFile:
    """Parse one export file (its name and bytes) into typed rows and rejects."""
    return stream_export(filename, data, None)


def stream_export(
    filename: str, data: bytes, sink: RowSink | None, encoding: str | None = None, *, tuples: bool = False
) -> ParsedFile:
    """:func:`parse_export` handing the good rows to ``sink`` block by block instead of keeping them.

    The result is :func:`parse_export`'s except that ``rows`` is empty (``row_count`` says
    how many rows the sink received); memory stays bounded whatever the file's size.
    ``encoding``, from :func:`detect_encoding`, has the file read once, never started over.
    With ``tuples``, the sink gets each row as a plain tuple (its fields in order, ``line``
    last), which costs a fraction of the row object, for consumers that only write the
    values out (:mod:`chatnomina.hr.pgcopy`): texts come already escaped for COPY, and a
    plain amount may be its digits (a ``str``) or an ``int`` rather than a ``Decimal``,
    with the same value.
    """
    name = os.path.basename(filename) or filename
    if encoding is not None:
        return _parse(name, data, encoding, sink, tuples)
    bom = data.startswith(codecs.BOM_UTF8)
    # Read as UTF-8 while it decodes (one pass instead of validating first); the first
    # block that does not decode means ISO-8859-1, and the file is read again as such.
    try:
        return _parse(name, data, "utf-8-sig" if bom else "utf-8", sink, tuples)
    except UnicodeDecodeError:
        return _parse(name, data, "latin-1", sink, tuples)


def detect_file(filename: str, data: bytes) -> FileKind | None:
    """The kind :func:`parse_export` will give the file, None when it will be a file-level error.

    Reads only the header (after checking the encoding exactly as the full parse does), to
    plan work before the files are parsed.
    """
    name = os.path.basename(filename) or filename
    encoding = detect_encoding(data)
    blocks = _line_blocks(data, encoding)
    header = None
    for lines in blocks:
        header = next(([h.strip() for h in text.split(";")] for text in lines if text.strip()), None)
        if header is not None:
            break
    if header is None:
        return kind_from_name(name)
    detection = detect_kind(name, header)
    return detection.kind if detection.error is None else None


def _parse(name: str, data: bytes, encoding: str, sink: RowSink | None = None, tuples: bool = False) -> ParsedFile:
    blocks = _line_blocks(data, encoding)
    number = 0
    header_number, header, rest = 0, None, []
    for lines in blocks:
        for j, text in enumerate(lines):
            if text.strip():
                header_number, header = number + j + 1, [h.strip() for h in text.split(";")]
                rest = lines[j + 1 :]
                break
        number += len(lines)
        if header is not None:
            break
    if header is None:
        kind = kind_from_name(name)
        if kind is None:
            return ParsedFile(name, None, (), (), encoding, number,
                              error="está vacío y su nombre no corresponde a ninguna exportación")
        return ParsedFile(name, kind, (), (), encoding, number,
                          notes=("El archivo está vacío: no tiene filas.",))
    detection = detect_kind(name, header)
    if detection.error is not None:
        line_count = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        return ParsedFile(name, detection.kind, (), (), encoding, line_count, error=detection.error)
    assert detection.kind is not None
    parser = _RowParser(name, SPECS[detection.kind], header, tuples and sink is not None)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        first = header_number + 1
        yield first, rest
        first += len(rest)
        for lines in blocks:
            yield first, lines
            first += len(lines)

    on_rows = sink(detection.kind, dict(parser.names)) if sink is not None else None
    rows, rejects = parser.parse(numbered(), on_rows)
    notes = [detection.note] if detection.note else []
    if not parser.row_count and not rejects:
        notes.append("El archivo solo tiene el encabezado: no tiene filas.")
    return ParsedFile(
        name, detection.kind, tuple(rows), tuple(rejects), encoding,
        max(parser.last_line, header_number), notes=tuple(notes), columns=dict(parser.names),
        row_count=parser.row_count,
    )


def parse_directory(
    files: Mapping[str, bytes], known_contracts: Mapping[int, str | None] | Collection[int] | None = None
) -> ParsedExport:
    """Parse a set of export files, in dependency order, then apply the cross-file checks.

    ``known_contracts`` maps the contract ids already stored (``NumVinculacion``) to their
    person's document; the contracts of this import's ``VINCULACION_HM`` and ``ACTIVOS_HM``
    files are added to them. Rows referring to any other contract are rejected.
    """
    return assemble_export([parse_export(name, data) for name, data in sorted(files.items())],
                           known_contracts)


def assemble_export(
    parsed: Iterable[ParsedFile],
    known_contracts: Mapping[int, str | None] | Collection[int] | None = None,
) -> ParsedExport:
    """Order files parsed separately (e.g. in several processes) and apply the cross-file checks.

    The first file of each kind (in the order given) is imported; another file of the same
    kind becomes a file-level error. See :func:`parse_directory` for ``known_contracts``.
    """
    chosen: dict[FileKind, ParsedFile] = {}
    unusable: list[ParsedFile] = []
    for p in parsed:
        if p.error is not None or p.kind is None:
            unusable.append(p)
        elif p.kind in chosen:
            unusable.append(replace(p, rows=(), rejects=(), row_count=0, error=(
                f"es otro archivo de tipo {p.kind.file_name} (ya se importa "
                f"{chosen[p.kind].filename}); se ignora")))
        else:
            chosen[p.kind] = p
    known: dict[int, str | None] = (
        dict(known_contracts) if isinstance(known_contracts, Mapping) else dict.fromkeys(known_contracts or ())
    )
    ordered: list[ParsedFile] = []
    for kind in FileKind:
        found = chosen.get(kind)
        if found is None:
            continue
        extra = contract_rejects(found, known)
        if kind in (FileKind.CONTRACTS, FileKind.ACTIVE_EMPLOYEES):
            bad = {r.line for r in extra}
            for row in found.rows:
                if row.line not in bad and known.get(row.num_vinculacion) is None:
                    known[row.num_vinculacion] = row.documento
        ordered.append(_without(found, extra))
    return ParsedExport(tuple(ordered + unusable))


def contract_rejects(
    parsed: ParsedFile, known_contracts: Mapping[int, str | None] | Collection[int]
) -> tuple[Reject, ...]:
    """Cross-file check of one parsed file against the known contracts.

    ``known_contracts`` maps each known ``NumVinculacion`` to its person's document (None
    when unknown), or is just a collection of ids. A row whose contract is not known is
    rejected, and so is a row whose document differs from the contract's. Contract and
    active-employee files introduce contracts: their rows are only checked against a
    document already known for the same id.
    """
    if parsed.kind is None or parsed.error is not None:
        return ()
    owners: Mapping[int, str | None] = (
        known_contracts if isinstance(known_contracts, Mapping) else dict.fromkeys(known_contracts)
    )
    return tuple(ContractCheck(parsed.kind, parsed.filename, parsed.columns, owners)(parsed.rows))


class ContractCheck:
    """The cross-file check of :func:`contract_rejects` for rows given a block at a time.

    With ``tuples``, the rows are tuples of their fields with ``line`` last (see
    :func:`stream_export`).
    """

    def __init__(self, kind: FileKind, filename: str, columns: Mapping[str, str],
                 owners: Mapping[int, str | None], tuples: bool = False):
        self.filename = filename
        self.owners = owners
        self.introduces = kind in (FileKind.CONTRACTS, FileKind.ACTIVE_EMPLOYEES)
        self.names = {c.attr: columns.get(c.attr, c.header) for c in SPECS[kind].columns}
        names = [f.name for f in fields(ROW_CLASS[kind])]
        has_document = "documento" in names
        self.contract_of: Callable[[Any], Any]
        self.document_of: Callable[[Any], Any]
        self.line_of: Callable[[Any], int]
        if tuples:
            self.contract_of = itemgetter(names.index("num_vinculacion"))
            self.document_of = itemgetter(names.index("documento")) if has_document else (lambda row: None)
            self.line_of = itemgetter(-1)
        else:
            self.contract_of = attrgetter("num_vinculacion")
            self.document_of = attrgetter("documento") if has_document else (lambda row: None)
            self.line_of = attrgetter("line")

    def __call__(self, rows: Iterable[Any]) -> list[Reject]:
        """The rejects of ``rows`` (in their order)."""
        owners, names, introduces = self.owners, self.names, self.introduces
        contract_of, document_of, line_of = self.contract_of, self.document_of, self.line_of
        missing = object()
        rejects = []
        passed: tuple[Any, Any] = (missing, missing)  # a person's rows come together: checked once
        for row in rows:
            contract = contract_of(row)
            document = document_of(row)
            if (contract, document) == passed:
                continue
            owner = owners.get(contract, missing)
            if owner is missing:
                if not introduces:
                    rejects.append(Reject(self.filename, line_of(row), (
                        f"{names['num_vinculacion']} '{contract}' no corresponde a ningún contrato "
                        "conocido (ni en VINCULACION_HM/ACTIVOS_HM ni en la base de datos)")))
                continue
            if owner is not None and document is not None and document != owner:
                rejects.append(Reject(self.filename, line_of(row), (
                    f"{names['documento']} '{document}' no coincide con el documento del contrato "
                    f"{contract} ({owner})")))
                continue
            passed = (contract, document)
        return rejects


def _without(parsed: ParsedFile, extra: Iterable[Reject]) -> ParsedFile:
    """``parsed`` with the rows of ``extra`` moved to its rejects (kept in line order)."""
    extra = tuple(extra)
    if not extra:
        return parsed
    bad = {r.line for r in extra}
    rows = tuple(r for r in parsed.rows if r.line not in bad)
    rejects = tuple(sorted(parsed.rejects + extra, key=lambda r: r.line))
    return replace(parsed, rows=rows, rejects=rejects, row_count=len(rows))
