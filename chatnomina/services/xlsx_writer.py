"""The XLSX file of a payroll export (openpyxl, write-only mode); see ``exports`` for the layout."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chatnomina.services.exports import CATEGORY_NAMES, HEADERS, XLSX_MAX_ROWS, XLSX_SHEET
from chatnomina.stores.exports import ExportRow


class XlsxWriter:
    """A write-only workbook: sheets «Nómina», «Nómina (2)»… with a styled header and autofilter.

    Synchronous (openpyxl); the service calls it from a thread, one batch at a time.
    """

    WIDTHS = (14, 40, 9, 9, 12, 28, 44, 18, 16)
    MONEY = "#,##0.00"

    def __init__(self, path: Path, *, max_rows: int = XLSX_MAX_ROWS, keep_together: int = 500):
        self.path = path
        self.capacity = max_rows - 1  # data rows per sheet, under the header
        self.keep_together = min(keep_together, self.capacity // 2)
        self.workbook = Workbook(write_only=True)
        self.sheets: list[tuple[Any, int]] = []
        self.rows = 0
        self._sheet: Any = None
        self._in_sheet = 0
        self._last: tuple[str, int] | None = None
        self._header: list[Any] | None = None

    def _new_sheet(self) -> None:
        if self._sheet is not None:
            self.sheets.append((self._sheet, self._in_sheet))
        number = len(self.sheets) + 1
        sheet = self.workbook.create_sheet(XLSX_SHEET if number == 1 else f"{XLSX_SHEET} ({number})")
        for index, width in enumerate(self.WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for title in HEADERS:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", start_color="1F4E78")
            cell.alignment = Alignment(horizontal="center", vertical="center")
            header.append(cell)
        sheet.append(header)
        self._sheet, self._in_sheet = sheet, 0

    def _text(self, value: str | None) -> Any:
        if value and value.startswith("="):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.data_type = "s"  # a name is never a formula
            return cell
        return value

    def write(self, batch: Iterable[ExportRow]) -> None:
        """Append rows; starts a new sheet between payslips when the current one is (nearly) full."""
        for row in batch:
            payslip = (row.documento, row.num_vinculacion)
            starts_payslip = payslip != self._last
            if (self._sheet is None or self._in_sheet >= self.capacity
                    or (starts_payslip and self._in_sheet > self.capacity - self.keep_together)):
                self._new_sheet()
            self._last = payslip
            amount = WriteOnlyCell(self._sheet, value=row.amount)
            amount.number_format = self.MONEY
            self._sheet.append([
                self._text(row.documento), self._text(row.nombre), row.period, row.run_id, row.num_vinculacion,
                self._text(row.code), self._text(row.label), CATEGORY_NAMES.get(row.category, row.category),
                amount,
            ])
            self._in_sheet += 1
            self.rows += 1

    def close(self) -> None:
        """Autofilters on every sheet, then zip the workbook into ``path``."""
        if self._sheet is None:
            self._new_sheet()
        self.sheets.append((self._sheet, self._in_sheet))
        last_column = get_column_letter(len(HEADERS))
        for sheet, rows in self.sheets:
            sheet.auto_filter.ref = f"A1:{last_column}{rows + 1}"
        self.workbook.save(self.path)

    def discard(self) -> None:
        """After a failure: remove the sheets' temporary XML files now, not at process exit."""
        for sheet in self.workbook.worksheets:
            writer = getattr(sheet, "_writer", None)
            if writer is None:
                continue
            try:
                writer.cleanup()
            except (OSError, ValueError):
                pass
