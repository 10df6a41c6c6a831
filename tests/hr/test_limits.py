"""Values PostgreSQL could not store are rejected row by row, never failing a whole file."""

from __future__ import annotations

from chatnomina.hr.parser import parse_export

HEADER = ("NUMVINCULACION ;CODEMPLEADO ;NombreCompleto ;Ingresos ;Descuentos ;ValorConsignación ;CODPROCEDENCIA ;"
          "CODNOMINA ;TIPOCUENTA ;NUMCUENTA ;CODBANCO ;BANCO ;CODBANCOLOMBIA ;FECHACONSIGNACION\n")
GOOD = "1158;1130846901;X;2743313;203466;2539847;NOM;202501M;AHORROS;579967701;001;BANCO;1001;31/01/2025\n"


def test_oversized_amount_nul_and_huge_id_are_rejected_with_their_line() -> None:
    huge = GOOD.replace("2743313;203466;2539847", "99999999999999;0;99999999999999").replace("202501M", "202502M")
    nul = GOOD.replace(";X;", ";X\x00Y;").replace("202501M", "202503M")
    big_id = GOOD.replace("1158;", "99999999999;", 1)
    parsed = parse_export("CONSIGNACIONES_HM.TXT", (HEADER + GOOD + huge + nul + big_id).encode())
    lines = {r.line: r.reason for r in parsed.rejects}
    assert len(parsed.rows) == 1
    assert "máximo" in lines[3] and "Ingresos" in lines[3]
    assert "carácter nulo" in lines[4]
    assert "máximo" in lines[5] and "NUMVINCULACION" in lines[5]
