"""File-level behaviour: detection by name and header, encodings, line ends, headers, empty files."""

from __future__ import annotations

import pytest

from chatnomina.errors import InvalidRequest
from chatnomina.hr.parser import assemble_export, kind_from_name, parse_directory, parse_export
from chatnomina.hr.rows import FileKind
from tests.hr.conftest import sample_files
from tests.hr.helpers import DEPOSIT_HEADER, deposit, export


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ACTIVOS_HM.TXT", FileKind.ACTIVE_EMPLOYEES),
        ("activos_hm.txt", FileKind.ACTIVE_EMPLOYEES),
        ("Consignaciones_HM.csv", FileKind.DEPOSITS),
        ("exports/2026-10-31_VALIDADOR_RETENCION", FileKind.WITHHOLDING),
        ("vacaciones_derecho_hm.TXT.txt", FileKind.VACATION_ENTITLEMENTS),
        ("nomina.txt", None),
    ],
)
def test_files_are_recognised_by_name_in_any_case_and_extension(name: str, kind: FileKind | None) -> None:
    assert kind_from_name(name) is kind


@pytest.mark.parametrize("name", sorted(sample_files()))
def test_every_sample_file_parses_cleanly(name: str) -> None:
    data = sample_files()[name]
    parsed = parse_export(name, data)
    assert parsed.ok and parsed.rejects == () and parsed.notes == ()
    assert parsed.kind is kind_from_name(name)
    assert parsed.encoding == "utf-8"
    assert parsed.line_count == data.count(b"\n")
    assert len(parsed.rows) == parsed.line_count - 1


@pytest.mark.parametrize("name", sorted(sample_files()))
def test_a_latin1_crlf_file_gives_the_same_rows(name: str) -> None:
    data = sample_files()[name]
    latin = data.decode("utf-8").replace("\n", "\r\n").encode("latin-1")
    utf8, iso = parse_export(name, data), parse_export(name, latin)
    # A pure-ASCII file is the same in both encodings and is reported as UTF-8.
    assert iso.encoding == ("utf-8" if data.isascii() else "latin-1")
    assert iso.rows == utf8.rows
    assert [r.line for r in iso.rows] == [r.line for r in utf8.rows]
    assert iso.report_lines() == [] and iso.line_count == utf8.line_count


def test_a_utf8_bom_is_dropped() -> None:
    data = sample_files()["CONSIGNACIONES_HM.TXT"]
    parsed = parse_export("CONSIGNACIONES_HM.TXT", b"\xef\xbb\xbf" + data)
    assert parsed.encoding == "utf-8-sig"
    assert parsed.rows == parse_export("CONSIGNACIONES_HM.TXT", data).rows


def test_columns_in_another_order_and_unknown_columns_are_fine() -> None:
    data = sample_files()["CONSIGNACIONES_HM.TXT"].decode("utf-8").splitlines()
    table = [line.split(";") for line in data]
    order = list(reversed(range(len(table[0]))))
    shuffled = [";".join([row[i] for i in order] + ["extra"]) for row in table]
    shuffled[0] = " ;".join([table[0][i] for i in order] + ["COLUMNA_NUEVA"])
    parsed = parse_export("CONSIGNACIONES_HM.TXT", export(*shuffled))
    assert parsed.report_lines() == []
    assert parsed.rows == parse_export("CONSIGNACIONES_HM.TXT", sample_files()["CONSIGNACIONES_HM.TXT"]).rows


def test_header_names_match_ignoring_case_accents_and_separators() -> None:
    header = (
        "numvinculacion ; CodEmpleado ; nombre completo ; INGRESOS ; descuentos ; VALORCONSIGNACION ; "
        "cod_procedencia ; CodNómina ; tipocuenta ; numcuenta ; codbanco ; banco ; codbancolombia ; "
        "Fecha Consignación"
    )
    parsed = parse_export("CONSIGNACIONES_HM.TXT", export(header, deposit()))
    assert parsed.report_lines() == []
    assert parsed.rows == parse_export("CONSIGNACIONES_HM.TXT", export(DEPOSIT_HEADER, deposit())).rows


def test_a_missing_optional_column_leaves_its_field_empty() -> None:
    header = DEPOSIT_HEADER.replace(" ;CODBANCOLOMBIA", "")
    line = deposit().replace(";1001;", ";")
    parsed = parse_export("CONSIGNACIONES_HM.TXT", export(header, line))
    assert parsed.report_lines() == []
    assert parsed.rows[0].cod_bancolombia is None


def test_a_missing_required_column_is_a_file_error_naming_it() -> None:
    header = DEPOSIT_HEADER.replace(" ;FECHACONSIGNACION", "")
    line = deposit().rsplit(";", 1)[0]
    parsed = parse_export("CONSIGNACIONES_HM.TXT", export(header, line))
    assert not parsed.ok and parsed.rows == ()
    assert parsed.report_lines() == [
        "CONSIGNACIONES_HM.TXT: falta la columna obligatoria FECHACONSIGNACION",
    ]
    with pytest.raises(InvalidRequest) as raised:
        parsed.raise_for_error()
    assert raised.value.field == "CONSIGNACIONES_HM.TXT"


def test_several_missing_columns_are_all_named() -> None:
    header = DEPOSIT_HEADER.replace(" ;Ingresos ;Descuentos", "")
    parsed = parse_export("consignaciones_hm.txt", export(header))
    assert parsed.report_lines() == [
        "consignaciones_hm.txt: faltan las columnas obligatorias Ingresos, Descuentos",
    ]


def test_a_renamed_file_is_recognised_by_its_header() -> None:
    parsed = parse_export("datos_octubre.txt", export(DEPOSIT_HEADER, deposit()))
    assert parsed.kind is FileKind.DEPOSITS and parsed.notes == () and len(parsed.rows) == 1


def test_a_file_named_as_another_kind_is_read_by_its_header_with_a_note() -> None:
    parsed = parse_export("ACTIVOS_HM.TXT", export(DEPOSIT_HEADER, deposit()))
    assert parsed.kind is FileKind.DEPOSITS and len(parsed.rows) == 1
    assert parsed.notes == (
        ("El nombre sugiere ACTIVOS_HM.TXT, pero el encabezado corresponde a CONSIGNACIONES_HM.TXT; "
        "se importa como CONSIGNACIONES_HM.TXT."),
    )


def test_a_file_that_is_not_an_export_is_a_file_error() -> None:
    parsed = parse_export("gastos.csv", export("fecha,concepto,valor", "01/10/2026,almuerzo,25000"))
    assert parsed.kind is None and not parsed.ok
    assert parsed.report_lines() == [
        ("gastos.csv: no es una exportación reconocida del sistema de RR. HH.: ni el nombre ni el "
        "encabezado corresponden a ninguno de los nueve archivos"),
    ]


def test_a_file_with_most_columns_of_a_kind_is_told_what_it_lacks() -> None:
    header = DEPOSIT_HEADER.replace(" ;CODNOMINA", "")
    parsed = parse_export("pagos.txt", export(header))
    assert parsed.report_lines() == [
        "pagos.txt: parece ser CONSIGNACIONES_HM.TXT, pero falta la columna obligatoria CODNOMINA",
    ]


def test_an_empty_file_has_no_rows_and_a_note() -> None:
    parsed = parse_export("NOVEDADES_HM.TXT", b"")
    assert parsed.ok and parsed.kind is FileKind.NOVELTIES and parsed.rows == ()
    assert parsed.notes == ("El archivo está vacío: no tiene filas.",)
    unnamed = parse_export("archivo.txt", b"\n\n")
    assert not unnamed.ok


def test_a_header_only_file_has_no_rows_and_a_note() -> None:
    parsed = parse_export("CONSIGNACIONES_HM.TXT", export(DEPOSIT_HEADER, eol="\r\n"))
    assert parsed.ok and parsed.rows == () and parsed.rejects == () and parsed.line_count == 1
    assert parsed.notes == ("El archivo solo tiene el encabezado: no tiene filas.",)


def test_a_directory_is_parsed_in_dependency_order() -> None:
    parsed = parse_directory(sample_files())
    assert [p.kind for p in parsed.files] == list(FileKind)
    assert parsed.report_lines() == [] and parsed.errors == ()
    assert str(parsed.last_payroll()) == "202610M"


def test_a_second_file_of_the_same_kind_is_ignored_with_an_error() -> None:
    files = {"CONSIGNACIONES_HM.TXT": export(DEPOSIT_HEADER, deposit()),
             "consignaciones_copia.txt": export(DEPOSIT_HEADER, deposit())}
    parsed = parse_directory(files, known_contracts={1158: "1130846901"})
    assert parsed.report_lines() == [
        ("consignaciones_copia.txt: es otro archivo de tipo CONSIGNACIONES_HM.TXT (ya se importa "
        "CONSIGNACIONES_HM.TXT); se ignora"),
    ]
    assert len(parsed.rows(FileKind.DEPOSITS)) == 1


def test_parsing_the_same_files_twice_gives_the_same_rows_and_unique_keys() -> None:
    first, second = parse_directory(sample_files()), parse_directory(sample_files())
    for kind in FileKind:
        rows = first.rows(kind)
        assert rows == second.rows(kind)
        assert len({row.key for row in rows}) == len(rows)


def test_files_parsed_separately_assemble_like_a_directory() -> None:
    files = sample_files()
    separately = assemble_export(parse_export(name, data) for name, data in sorted(files.items(), reverse=True))
    together = parse_directory(files)
    assert [p.kind for p in separately.files] == [p.kind for p in together.files]
    assert all(a.rows == b.rows for a, b in zip(separately.files, together.files))
