"""Small builders for export files written inside the tests."""

from __future__ import annotations

from chatnomina.hr.rows import FileKind
from chatnomina.hr.schema import SPECS

DEPOSIT_HEADER = (
    "NUMVINCULACION ;CODEMPLEADO ;NombreCompleto ;Ingresos ;Descuentos ;ValorConsignación ;"
    "CODPROCEDENCIA ;CODNOMINA ;TIPOCUENTA ;NUMCUENTA ;CODBANCO ;BANCO ;CODBANCOLOMBIA ;FECHACONSIGNACION"
)


def header(kind: FileKind) -> str:
    """The header line the HR system writes for ``kind``."""
    return " ;".join(c.header for c in SPECS[kind].columns)


def export(*lines: str, eol: str = "\n", encoding: str = "utf-8") -> bytes:
    """Join lines into the bytes of a file."""
    return (eol.join(lines) + eol).encode(encoding)


def deposit(
    nv: str = "1158",
    doc: str = "1130846901",
    ingresos: str = "2743313",
    descuentos: str = "203466",
    valor: str = "2539847",
    nomina: str = "202501M",
    fecha: str = "31/01/2025",
    procedencia: str = "NOM",
    name: str = "BOLAÑOS LONDOÑO MAURICIO OCTAVIO",
) -> str:
    """One CONSIGNACIONES_HM data line (the sample's first row by default)."""
    return (
        f"{nv};{doc};{name};{ingresos};{descuentos};{valor};{procedencia};{nomina};AHORROS;"
        f"579967701;001;BANCO DE BOGOTA;1001;{fecha}"
    )
