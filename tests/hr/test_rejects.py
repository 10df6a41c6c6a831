"""Bad rows are rejected with an exact ``FILE:LINE: reason`` line; the good rows still come through."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chatnomina.hr.parser import contract_rejects, parse_directory, parse_export
from chatnomina.hr.rows import FileKind
from tests.hr.helpers import DEPOSIT_HEADER, deposit, export, header

DEPOSITS = "CONSIGNACIONES_HM.TXT"


def good_lines(parsed) -> list[int]:
    return [row.line for row in parsed.rows]


def test_an_impossible_date_names_the_column_and_the_value() -> None:
    parsed = parse_export(DEPOSITS, export(
        DEPOSIT_HEADER, deposit(), deposit(nomina="202502M", fecha="31/02/2026"), deposit(nomina="202503M"),
    ))
    assert parsed.report_lines() == [
        "CONSIGNACIONES_HM.TXT:3: FECHACONSIGNACION '31/02/2026' no es una fecha válida",
    ]
    assert good_lines(parsed) == [2, 4]


def test_a_malformed_date_says_which_format_is_expected() -> None:
    parsed = parse_export(DEPOSITS, export(DEPOSIT_HEADER, deposit(fecha="2026/01/31")))
    assert parsed.report_lines() == [
        "CONSIGNACIONES_HM.TXT:2: FECHACONSIGNACION '2026/01/31' no es una fecha válida (dd/mm/aaaa)",
    ]


def test_a_non_numeric_amount_is_rejected() -> None:
    parsed = parse_export(DEPOSITS, export(
        DEPOSIT_HEADER, deposit(ingresos="2.743.31x"), deposit(nomina="202502M"),
    ))
    assert parsed.report_lines() == [
        "CONSIGNACIONES_HM.TXT:2: Ingresos '2.743.31x' no es un valor numérico",
    ]
    assert good_lines(parsed) == [3]


def test_a_missing_document_is_rejected() -> None:
    parsed = parse_export(DEPOSITS, export(DEPOSIT_HEADER, deposit(doc=""), deposit(nomina="202502M")))
    assert parsed.report_lines() == ["CONSIGNACIONES_HM.TXT:2: CODEMPLEADO es obligatorio y está vacío"]
    assert good_lines(parsed) == [3]


def test_every_problem_of_a_row_is_reported_on_its_line() -> None:
    parsed = parse_export(DEPOSITS, export(DEPOSIT_HEADER, deposit(nv="", fecha="00/13/2025")))
    assert parsed.report_lines() == [
        ("CONSIGNACIONES_HM.TXT:2: NUMVINCULACION es obligatorio y está vacío; "
        "FECHACONSIGNACION '00/13/2025' no es una fecha válida"),
    ]


def test_too_few_and_too_many_fields_are_rejected() -> None:
    short = deposit().rsplit(";", 1)[0]
    long = deposit(nomina="202502M") + ";EXTRA"
    parsed = parse_export(DEPOSITS, export(DEPOSIT_HEADER, short, long, deposit(nomina="202503M")))
    assert parsed.report_lines() == [
        "CONSIGNACIONES_HM.TXT:2: la fila tiene 13 campos y el encabezado 14",
        "CONSIGNACIONES_HM.TXT:3: la fila tiene 15 campos y el encabezado 14",
    ]
    assert good_lines(parsed) == [4]


def test_one_trailing_empty_field_is_tolerated() -> None:
    parsed = parse_export(DEPOSITS, export(DEPOSIT_HEADER, deposit() + ";"))
    assert parsed.report_lines() == []
    assert len(parsed.rows) == 1


def test_a_duplicated_row_is_reported_on_the_later_line_naming_the_first() -> None:
    parsed = parse_export(DEPOSITS, export(
        DEPOSIT_HEADER, deposit(), deposit(nomina="202502M"), deposit(ingresos="2743314", valor="2539848"),
    ))
    assert parsed.report_lines() == [
        ("CONSIGNACIONES_HM.TXT:4: fila duplicada: repite la clave (NUMVINCULACION 1158, "
        "CODNOMINA 202501M, CODPROCEDENCIA NOM) de la línea 2"),
    ]
    assert good_lines(parsed) == [2, 3]
    assert parsed.rows[0].ingresos == Decimal(2743313)


def test_a_negative_deposit_is_rejected() -> None:
    parsed = parse_export(DEPOSITS, export(
        DEPOSIT_HEADER, deposit(ingresos="100000", descuentos="150000", valor="-50000"), deposit(nomina="202502M"),
    ))
    assert parsed.report_lines() == [
        "CONSIGNACIONES_HM.TXT:2: ValorConsignación '-50000' es negativo",
    ]
    assert good_lines(parsed) == [3]


def test_a_deposit_that_is_not_income_minus_deductions_is_rejected() -> None:
    parsed = parse_export(DEPOSITS, export(DEPOSIT_HEADER, deposit(valor="2539000")))
    assert parsed.report_lines() == [
        ("CONSIGNACIONES_HM.TXT:2: ValorConsignación '2539000' no es igual a Ingresos − Descuentos "
        "(2743313 − 203466 = 2539847)"),
    ]


def test_an_end_date_before_the_start_date_is_rejected() -> None:
    data = export(
        header(FileKind.SALARY_HISTORY),
        "1158;1130846901;BOLAÑOS LONDOÑO MAURICIO OCTAVIO;01/01/2020;31/12/2019;1552000",
        "1158;1130846901;BOLAÑOS LONDOÑO MAURICIO OCTAVIO;01/01/2021;;1607000",
    )
    parsed = parse_export("HISTORICO_SUELDO_HM.TXT", data)
    assert parsed.report_lines() == [
        "HISTORICO_SUELDO_HM.TXT:2: FechaFinSueldo '31/12/2019' es anterior a FechaInicioSueldo '01/01/2020'",
    ]
    assert parsed.rows[0].fecha_fin_sueldo is None


def test_unknown_enum_values_are_rejected() -> None:
    novelties = export(
        header(FileKind.NOVELTIES),
        "1158;1130846901;X;HED;15/10/2026;20/10/2026;20/10/2026;PENDIENTE;116524;116524;116524;8 HORAS;160100;DEVENGO",
        "1158;1130846901;X;HEN;09/10/2026;14/10/2026;14/10/2026;LIQUIDADA;203917;203917;203917;10 HORAS;160100;PAGO",
        "1158;1130846901;X;RN;20/10/2026;22/10/2026;22/10/2026;liquidada;32627;32627;32627;8 HORAS;160100;Devengo",
    )
    parsed = parse_export("NOVEDADES_HM.TXT", novelties)
    assert parsed.report_lines() == [
        "NOVEDADES_HM.TXT:2: Estado 'PENDIENTE' no es un valor permitido (ACTIVA, LIQUIDADA)",
        "NOVEDADES_HM.TXT:3: TipoNovedad 'PAGO' no es un valor permitido (DEVENGO, DEDUCCION)",
    ]
    assert [(r.cod_concepto, r.estado, r.tipo_novedad) for r in parsed.rows] == [("RN", "LIQUIDADA", "DEVENGO")]
    accounts = parse_export("CUENTAS_BANCARIAS_HM.TXT", export(
        header(FileKind.BANK_ACCOUNTS), "1158;1130846901;X;16/04/2016;SI;BANCO DE BOGOTA;AHORROS;579967701",
    ))
    assert accounts.report_lines() == [
        "CUENTAS_BANCARIAS_HM.TXT:2: CuentaNomina 'SI' no es un valor permitido (S, N)",
    ]
    absences = parse_export("AUSENTISMO_HM.TXT", export(
        header(FileKind.ABSENCES), "1158;1130846901;X;VACA;VCT;VACACIONES;23;TIEMPO;20/06/2017;12/07/2017;15",
    ))
    assert absences.report_lines() == [
        "AUSENTISMO_HM.TXT:2: CODAUSENCIATIPO 'VACA' no es un valor permitido (VAC, INC, LIC, PER)",
    ]


def test_an_invalid_payroll_code_and_service_year_are_rejected() -> None:
    parsed = parse_export(DEPOSITS, export(DEPOSIT_HEADER, deposit(nomina="202613M")))
    assert parsed.report_lines() == [
        ("CONSIGNACIONES_HM.TXT:2: CODNOMINA '202613M' no es un código de nómina válido "
        "(AAAAMM y la frecuencia, p. ej. 202610M)"),
    ]
    vacations = parse_export("VACACIONES_DERECHO_HM.TXT", export(
        header(FileKind.VACATION_ENTITLEMENTS), "1158;2024-2026;PENDIENTE;15;0", "1158;2025-2026;PENDIENTE;15;1x",
    ))
    assert vacations.report_lines() == [
        "VACACIONES_DERECHO_HM.TXT:2: Periodo '2024-2026' no es un periodo válido (AAAA-AAAA, años consecutivos)",
        "VACACIONES_DERECHO_HM.TXT:3: DiasDisfrute '1x' no es un número de días válido",
    ]


def test_empty_lines_are_skipped_and_keep_the_physical_numbering() -> None:
    parsed = parse_export(DEPOSITS, export(
        DEPOSIT_HEADER, "", deposit(), "   ", deposit(nomina="202502M", fecha="30/02/2025"),
    ))
    assert parsed.report_lines() == ["CONSIGNACIONES_HM.TXT:5: FECHACONSIGNACION '30/02/2025' no es una fecha válida"]
    assert good_lines(parsed) == [3]
    assert parsed.line_count == 5


def test_unusual_but_valid_formats_give_the_same_row() -> None:
    usual = parse_export(DEPOSITS, export(DEPOSIT_HEADER, deposit())).rows[0]
    unusual = parse_export(DEPOSITS, export(
        DEPOSIT_HEADER,
        " 1158 ; 1130846901 ;BOLAÑOS LONDOÑO MAURICIO OCTAVIO ; 2.743.313,00 ;203.466;$2539847;NOM ;202501m;"
        "AHORROS;579967701;001;BANCO DE BOGOTA;1001; 2025-01-31 ",
    )).rows[0]
    assert unusual == usual
    assert unusual.fecha_consignacion == date(2025, 1, 31)


def test_rows_of_unknown_contracts_are_rejected_across_files() -> None:
    contracts = export(header(FileKind.CONTRACTS), "1130846901;1158;16/04/2016;;X;;X;TERMINO INDEFINIDO;X;X")
    deposits = export(
        DEPOSIT_HEADER,
        deposit(),
        deposit(nv="9999", nomina="202502M"),
        deposit(nv="2000", doc="555", nomina="202502M"),
        deposit(doc="123", nomina="202503M"),
    )
    parsed = parse_directory(
        {"VINCULACION_HM.TXT": contracts, "CONSIGNACIONES_HM.TXT": deposits},
        known_contracts={2000: "555"},
    )
    assert parsed.report_lines() == [
        ("CONSIGNACIONES_HM.TXT:3: NUMVINCULACION '9999' no corresponde a ningún contrato conocido "
        "(ni en VINCULACION_HM/ACTIVOS_HM ni en la base de datos)"),
        "CONSIGNACIONES_HM.TXT:5: CODEMPLEADO '123' no coincide con el documento del contrato 1158 (1130846901)",
    ]
    assert [r.line for r in parsed.rows(FileKind.DEPOSITS)] == [2, 4]
    assert parsed.rejected_count == 2


def test_the_cross_file_check_can_run_on_its_own() -> None:
    deposits = parse_export(DEPOSITS, export(DEPOSIT_HEADER, deposit(), deposit(nv="1", nomina="202502M")))
    rejects = contract_rejects(deposits, {1158: "1130846901"})
    assert [str(r) for r in rejects] == [
        ("CONSIGNACIONES_HM.TXT:3: NUMVINCULACION '1' no corresponde a ningún contrato conocido "
        "(ni en VINCULACION_HM/ACTIVOS_HM ni en la base de datos)"),
    ]


def test_a_contract_file_cannot_move_a_known_contract_to_another_person() -> None:
    contracts = export(header(FileKind.CONTRACTS), "999;1158;16/04/2016;;X;;X;TERMINO INDEFINIDO;X;X")
    parsed = parse_directory({"VINCULACION_HM.TXT": contracts}, known_contracts={1158: "1130846901"})
    assert parsed.report_lines() == [
        "VINCULACION_HM.TXT:2: Documento '999' no coincide con el documento del contrato 1158 (1130846901)",
    ]


def test_known_contracts_may_be_a_plain_set_of_ids() -> None:
    deposits = parse_export(DEPOSITS, export(DEPOSIT_HEADER, deposit(), deposit(nv="1", nomina="202502M")))
    assert [r.line for r in contract_rejects(deposits, {1158})] == [3]
    parsed = parse_directory({DEPOSITS: export(DEPOSIT_HEADER, deposit())}, known_contracts={1158})
    assert parsed.report_lines() == []


def test_cross_file_messages_use_the_column_names_of_the_file() -> None:
    header = DEPOSIT_HEADER.replace("NUMVINCULACION", "NumVinculación")
    deposits = parse_export(DEPOSITS, export(header, deposit(nv="1")))
    assert [str(r) for r in contract_rejects(deposits, {})] == [
        ("CONSIGNACIONES_HM.TXT:2: NumVinculación '1' no corresponde a ningún contrato conocido "
        "(ni en VINCULACION_HM/ACTIVOS_HM ni en la base de datos)"),
    ]
