"""Parsing and validation of the HR system's exports: bytes in, typed rows and rejects out.

Pure (no I/O, clock or logging). The import job reads the files and calls
:func:`parse_directory` (or :func:`parse_export` per file), stores ``rows`` by their
``NATURAL_KEY`` and reports ``report_lines()``. :mod:`chatnomina.hr.facts` derives the
assistant's answers from the rows of one person; :mod:`chatnomina.hr.synthetic` writes
fictional exports of any size.
"""

from chatnomina.hr.parser import (
    ParsedExport,
    ParsedFile,
    Reject,
    assemble_export,
    contract_rejects,
    detect_encoding,
    kind_from_name,
    parse_directory,
    parse_export,
)
from chatnomina.hr.rows import (
    AbsenceRow,
    AbsenceType,
    ActiveEmployeeRow,
    BankAccountRow,
    ContractRow,
    DepositRow,
    FileKind,
    NoveltyRow,
    NoveltyStatus,
    NoveltyType,
    SalaryPeriodRow,
    VacationEntitlementRow,
    WithholdingRow,
)
from chatnomina.hr.values import PayrollPeriod, parse_period

__all__ = [
    "AbsenceRow",
    "AbsenceType",
    "ActiveEmployeeRow",
    "BankAccountRow",
    "ContractRow",
    "DepositRow",
    "FileKind",
    "NoveltyRow",
    "NoveltyStatus",
    "NoveltyType",
    "ParsedExport",
    "ParsedFile",
    "PayrollPeriod",
    "Reject",
    "SalaryPeriodRow",
    "VacationEntitlementRow",
    "WithholdingRow",
    "assemble_export",
    "contract_rejects",
    "detect_encoding",
    "kind_from_name",
    "parse_directory",
    "parse_export",
    "parse_period",
]
