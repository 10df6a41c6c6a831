"""Preparing files for COPY gives exactly what parse_directory gives: same files, rows and rejects."""

from __future__ import annotations

import typing
import unicodedata
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest

from chatnomina.hr.parser import detect_file, parse_directory, parse_export, stream_export
from chatnomina.hr.pgcopy import NULL, CopyEncoder, copy_columns, escape
from chatnomina.hr.prepare import PreparedFile, plan_export, prepare_files, unusable_file
from chatnomina.hr.rows import ROW_CLASS, FileKind
from chatnomina.hr.synthetic import generate_exports
from chatnomina.hr.values import PayrollPeriod, parse_period
from tests.hr.conftest import sample_files


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _decoder(kind: FileKind) -> Any:
    """COPY text → tuples of typed values, as PostgreSQL would read them (for comparisons)."""
    hints = typing.get_type_hints(ROW_CLASS[kind])
    readers = []
    for column in copy_columns(kind):
        base = next(t for t in (typing.get_args(hints[column]) or (hints[column],)) if t is not type(None))
        if base is PayrollPeriod:
            readers.append(parse_period)
        elif base is bool:
            readers.append(lambda text: text == "t")
        elif base is date:
            readers.append(date.fromisoformat)
        elif isinstance(base, type) and issubclass(base, Enum):
            readers.append(base)
        elif base in (int, Decimal):
            readers.append(base)
        else:
            readers.append(_unescape)

    def decode(payload: bytes) -> list[tuple[Any, ...]]:
        rows = []
        for line in payload.decode("utf-8").split("\n")[:-1]:
            values = line.split("\t")
            rows.append(tuple(None if v == NULL else read(v) for read, v in zip(readers, values)))
        return rows

    return decode


def _prepare_like_the_import(files: dict[str, bytes], known: dict[int, str | None]) -> list[PreparedFile]:
    """The import's steps, in one process: plan, people first, then the rest, then the unusable."""
    plan = plan_export(files)
    people = [name for kind, name in plan.chosen if kind in (FileKind.ACTIVE_EMPLOYEES, FileKind.CONTRACTS)]
    prepared = prepare_files([(name, files[name]) for name in people], known, (7,))
    contracts = dict(known)
    for item in prepared:
        contracts.update(item.contracts)
    rest = [name for kind, name in plan.chosen if name not in people]
    prepared += [prepare_files([(name, files[name])], contracts, (7,))[0] for name in rest]
    prepared += [unusable_file(name, files[name], chosen) for name, chosen in plan.unusable]
    return prepared


def _assert_same(files: dict[str, bytes], known: dict[int, str | None] | None = None) -> list[PreparedFile]:
    reference = parse_directory(files, known or {})
    prepared = _prepare_like_the_import(files, known or {})
    assert [p.parsed.filename for p in prepared] == [p.filename for p in reference.files]
    for item, parsed in zip(prepared, reference.files):
        assert item.parsed.report_lines() == parsed.report_lines(), parsed.filename
        assert (item.kind, item.parsed.encoding, item.parsed.notes, item.parsed.error) == (
            parsed.kind, parsed.encoding, parsed.notes, parsed.error)
        assert item.rows == len(parsed.rows) == item.parsed.row_count
        if parsed.kind is None or parsed.error is not None:
            assert item.copy == ()
            continue
        payload = b"".join(item.copy)
        assert len(payload) == item.copy_bytes
        decoded = _decoder(parsed.kind)(payload)
        expected = [tuple(getattr(row, name) for name in copy_columns(parsed.kind)) for row in parsed.rows]
        assert decoded == expected, parsed.filename
        assert payload.count(b"\t7\n") == len(parsed.rows)  # the import id ends every line
    return prepared


def test_the_sample_prepares_as_it_parses() -> None:
    prepared = _assert_same(sample_files())
    assert sum(p.rows for p in prepared) == 1264 and not any(p.parsed.rejects for p in prepared)


def test_bad_rows_unknown_contracts_and_unusable_files_are_reported_the_same() -> None:
    files = dict(generate_exports(40, months=6, seed=3))
    deposits = files["CONSIGNACIONES_HM.TXT"].decode().splitlines()
    deposits[1] = deposits[1].replace(";NOM;", ";;")  # a required value missing
    deposits[2] = deposits[2].split(";", 1)[0] + ";99;X"  # too few fields
    deposits[3] = "999999;" + deposits[3].split(";", 1)[1]  # an unknown contract
    parts = deposits[4].split(";")
    parts[1] = "123456"  # a document that is not the contract's
    deposits[4] = ";".join(parts)
    deposits.append(deposits[5])  # a duplicated row
    deposits.append(deposits[6].replace(";NOM;", ";AJU;").replace(";AHORROS;", ";AHO\tRROS\\;"))  # tab, backslash
    parts = deposits[7].split(";")
    parts[6] = "A\tB"  # a key with a tab, then the same key again through the slow path
    deposits.append(";".join(parts))
    parts[3:6] = [f"{int(v):,}".replace(",", ".") for v in parts[3:6]]
    deposits.append(";".join(parts))
    files["CONSIGNACIONES_HM.TXT"] = ("\n".join(deposits) + "\n").encode()
    contracts = files["VINCULACION_HM.TXT"].decode().splitlines()
    parts = contracts[2].split(";")
    parts[0] = "7777"  # the contract's document differs from ACTIVOS_HM's
    contracts[2] = ";".join(parts)
    files["VINCULACION_HM.TXT"] = ("\n".join(contracts) + "\n").encode()
    files["ACTIVOS_HM.TXT"] = files["ACTIVOS_HM.TXT"].decode().encode("latin-1")  # another encoding
    files["CONSIGNACIONES_HM_copia.TXT"] = files["CONSIGNACIONES_HM.TXT"]  # a second file of a kind
    files["notas.txt"] = b"nada que ver\n"
    files["VALIDADOR_RETENCION.TXT"] = b""  # empty: known by name, no rows
    files["NOVEDADES_HM.TXT"] = files["NOVEDADES_HM.TXT"].split(b"\n", 1)[0] + b"\n"  # header only
    prepared = _assert_same(files, {1000: "10000000"})
    by_name = {p.parsed.filename: p for p in prepared}
    assert len(by_name["CONSIGNACIONES_HM.TXT"].parsed.rejects) == 6
    assert "fila duplicada" in by_name["CONSIGNACIONES_HM.TXT"].parsed.report_lines()[-1]
    assert by_name["VINCULACION_HM.TXT"].parsed.rejects
    assert by_name["CONSIGNACIONES_HM_copia.TXT"].parsed.error
    assert by_name["ACTIVOS_HM.TXT"].parsed.encoding == "latin-1"


def test_a_file_that_turns_latin1_late_is_read_once_and_alike() -> None:
    files = generate_exports(1600, months=24, seed=1, kinds=[FileKind.CONTRACTS, FileKind.DEPOSITS])
    text = files["CONSIGNACIONES_HM.TXT"].decode()
    # ASCII (so valid UTF-8) for the first blocks, ISO-8859-1 accents in the last lines.
    late = text.rfind("\n", 0, len(text) - 2000)
    early = unicodedata.normalize("NFKD", text[:late]).encode("ascii", "ignore")
    files = dict(files, **{"CONSIGNACIONES_HM.TXT": early + text[late:].encode("latin-1")})
    assert len(early) > (1 << 22) and not files["CONSIGNACIONES_HM.TXT"][late:].isascii()
    written: list[bytes] = []
    _assert_same(files)
    parsed = parse_export("CONSIGNACIONES_HM.TXT", files["CONSIGNACIONES_HM.TXT"])
    assert parsed.encoding == "latin-1"
    item = prepare_files([("VINCULACION_HM.TXT", files["VINCULACION_HM.TXT"])], {})[0]
    [streamed] = prepare_files([("CONSIGNACIONES_HM.TXT", files["CONSIGNACIONES_HM.TXT"])], item.contracts, (),
                               _collect(written))
    assert streamed.copy == () and streamed.rows == len(parsed.rows)
    assert b"".join(written) == b"".join(prepare_files(
        [("CONSIGNACIONES_HM.TXT", files["CONSIGNACIONES_HM.TXT"])], item.contracts)[0].copy)


def _collect(chunks: list[bytes]) -> Any:
    from contextlib import contextmanager

    @contextmanager
    def writer(name: str) -> Any:
        yield chunks.append

    return writer


@pytest.mark.parametrize("data", [
    b"", b"\n\n", b"NUMVINCULACION ;x\n", "ValorConsignación;Ingresos\n".encode("latin-1"),
    b"\xef\xbb\xbf" + sample_files()["CONSIGNACIONES_HM.TXT"],
    sample_files()["AUSENTISMO_HM.TXT"].decode().encode("latin-1"),
])
@pytest.mark.parametrize("name", ["CONSIGNACIONES_HM.TXT", "otro.csv"])
def test_detect_file_agrees_with_the_parse(name: str, data: bytes) -> None:
    parsed = parse_export(name, data)
    assert detect_file(name, data) == (parsed.kind if parsed.error is None else None)


def test_rows_and_the_parsers_tuples_encode_alike() -> None:
    for name, data in sample_files().items():
        parsed = parse_export(name, data)
        assert parsed.kind is not None
        blocks: list[list[Any]] = []
        stream_export(name, data, lambda kind, columns: blocks.append, tuples=True)
        tuples = [row for block in blocks for row in block]
        assert [row[-1] for row in tuples] == [row.line for row in parsed.rows]
        assert CopyEncoder(parsed.kind, (1,))(parsed.rows) == CopyEncoder(parsed.kind, (1,), tuples=True)(tuples)


def test_escape_covers_copy_text_specials() -> None:
    assert escape("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re"
    assert escape("plain text") == "plain text"
    assert _unescape(escape("\\N")) == "\\N" and escape("\\N") != NULL
