"""The generated fast path agrees with the authoritative slow path on every row."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from chatnomina.hr.parser import _RowParser, parse_export
from chatnomina.hr.rows import ROW_CLASS, fast_constructor
from chatnomina.hr.schema import SPECS
from tests.hr.conftest import sample_files
from tests.hr.helpers import DEPOSIT_HEADER, export


def test_every_sample_row_takes_the_fast_path() -> None:
    for name, data in sample_files().items():
        parsed = parse_export(name, data)
        assert parsed.kind is not None
        text = data.decode("utf-8").splitlines()
        parser = _RowParser(name, SPECS[parsed.kind], [h.strip() for h in text[0].split(";")])
        rows, rejects = parser.parse([(2, text[1:])])
        assert rejects == [] and parser.fast_rows == len(rows) == len(text) - 1, name


def test_the_fast_constructor_builds_equal_frozen_rows() -> None:
    for name, data in sample_files().items():
        for row in parse_export(name, data).rows:
            cls = type(row)
            values = [getattr(row, f.name) for f in dataclasses.fields(cls)]
            rebuilt = fast_constructor(cls)(*values)
            assert type(rebuilt) is cls and rebuilt == cls(*values) and rebuilt.line == row.line
            try:
                rebuilt.line = 0  # type: ignore[misc]
            except dataclasses.FrozenInstanceError:
                pass
            else:  # pragma: no cover
                raise AssertionError("rows must stay frozen")
    assert set(ROW_CLASS.values()) == {type(r) for n, d in sample_files().items() for r in parse_export(n, d).rows}


# Values that are valid, valid but unusual (slow path), or invalid.
digits = st.text("0123456789", min_size=1, max_size=9)
money = st.one_of(
    digits,
    st.integers(0, 10**9).map(lambda n: f"{n:,}".replace(",", ".")),
    st.integers(0, 10**9).map(lambda n: f"{n:,},00".replace(",", "#").replace(".", ",").replace("#", ".")),
    st.sampled_from(["-5", "", "abc", " 12", "1e5", "NaN", "٣", "²", "3,5", "$100"]),
)
dates = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["31/02/2026", "", "1/1/2026", " 01/01/2026", "01/01/26", "aa/bb/cccc", "01/01/ 202",
                     "+1/01/2025", "01/-1/2025", "1_/01/2025", "٠١/٠١/٢٠٢٥"]),
)
texts = st.one_of(st.sampled_from(["NOM", "", " NOM ", "BANCO DE BOGOTA", "\tX"]), st.text(max_size=6).filter(lambda t: ";" not in t and "\n" not in t and "\r" not in t and "\x00" not in t))  # NUL: test_limits
periods = st.one_of(st.sampled_from(["202501M", "202513M", "202501q1", "", "2025M", " 202501M"]), digits)


@settings(max_examples=400, deadline=None)
@given(
    nv=st.one_of(digits, st.sampled_from(["", "x1", " 7"])),
    doc=st.one_of(digits, st.sampled_from(["", "AB12", "1.234", " 9"])),
    name=texts,
    income=money,
    deductions=money,
    net=money,
    origin=texts,
    period=periods,
    day=dates,
)
def test_fast_and_slow_paths_agree_on_deposit_rows(
    nv: str, doc: str, name: str, income: str, deductions: str, net: str, origin: str, period: str, day: str
) -> None:
    line = f"{nv};{doc};{name};{income};{deductions};{net};{origin};{period};AHORROS;1;001;B;1001;{day}"
    parsed = parse_export("CONSIGNACIONES_HM.TXT", export(DEPOSIT_HEADER, line))
    header = [h.strip() for h in DEPOSIT_HEADER.split(";")]
    row, problems = _RowParser("CONSIGNACIONES_HM.TXT", SPECS[parsed.kind], header)._slow(line.split(";"), 2)
    if row is None:
        assert parsed.rows == ()
        assert parsed.report_lines() == [f"CONSIGNACIONES_HM.TXT:2: {'; '.join(problems)}"]
    else:
        assert parsed.rejects == ()
        assert parsed.rows == (row,)


def _formats(amount: int) -> st.SearchStrategy[str]:
    return st.sampled_from([
        str(amount),
        f"{amount:,}".replace(",", "."),
        f"{amount:,}".replace(",", ".") + ",00",
        f"{amount}.00",
        f" {amount}",
    ])


@st.composite
def consistent_deposits(draw: st.DrawFn, blanks: bool = False) -> str:
    income = draw(st.integers(0, 10**9))
    deductions = draw(st.integers(0, income))
    net = income - deductions
    ids = st.one_of(digits, st.sampled_from(["", " ", "7"])) if blanks else digits
    return (
        f"{draw(ids)};{draw(ids)};{draw(texts)};{draw(_formats(income))};{draw(_formats(deductions))};"
        f"{draw(_formats(net))};{draw(st.sampled_from(['NOM', 'LIQ', ' NOM']))};{draw(periods)};"
        f"{draw(texts)};1;001;{draw(texts)};1001;{draw(dates)}"
    )


@settings(max_examples=300, deadline=None)
@given(line=consistent_deposits())
def test_fast_and_slow_paths_agree_on_mostly_valid_rows(line: str) -> None:
    parsed = parse_export("CONSIGNACIONES_HM.TXT", export(DEPOSIT_HEADER, line))
    header = [h.strip() for h in DEPOSIT_HEADER.split(";")]
    row, problems = _RowParser("CONSIGNACIONES_HM.TXT", SPECS[parsed.kind], header)._slow(line.split(";"), 2)
    assert parsed.rows == (() if row is None else (row,))
    assert parsed.report_lines() == ([] if row is not None else [f"CONSIGNACIONES_HM.TXT:2: {'; '.join(problems)}"])


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(consistent_deposits(blanks=True), min_size=2, max_size=25))
def test_caches_shared_between_rows_never_change_a_verdict(lines: list[str]) -> None:
    """Many rows in one file (the fast path's caches fill up) give what each row gives alone."""
    parsed = parse_export("CONSIGNACIONES_HM.TXT", export(DEPOSIT_HEADER, *lines))
    header = [h.strip() for h in DEPOSIT_HEADER.split(";")]
    slow = _RowParser("CONSIGNACIONES_HM.TXT", SPECS[parsed.kind], header)
    rows, rejects, first_line = [], [], {}
    for number, line in enumerate(lines, start=2):
        row, problems = slow._slow(line.split(";"), number)
        if row is None:
            rejects.append((number, "; ".join(problems)))
        elif first_line.setdefault(row.key, number) != number:
            rejects.append((number, "fila duplicada"))
        else:
            rows.append(row)
    assert list(parsed.rows) == rows
    assert [(r.line, r.reason[: len(reason)]) for r, (_, reason) in zip(parsed.rejects, rejects)] == rejects
    assert len(parsed.rejects) == len(rejects)
