"""Write tables that coordinators open in Excel: CSV that Excel reads safely, and an .xlsx workbook.

Applicants write the free text (framdriftsplan, kontaktperson, even the municipality field), so a cell
may start with `=`, `+`, `-` or `@` and Excel would run it as a formula (`=HYPERLINK(...)`, DDE via
`+cmd|...`). OWASP's rule for CSV files: a text cell that starts with one of `= + - @`, tab or carriage
return gets a single quote in front, which Excel shows as text. Numeric columns are left alone, so a
negative number stays a number. In the .xlsx every text cell is stored as a string cell, which Excel never
evaluates, so the workbook shows exactly what was written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 cannot hold these control characters; openpyxl refuses a cell containing one.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """A text value that a spreadsheet would read as a formula, prefixed with `'`; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell neutralised; numeric columns are untouched."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):  # text columns, whatever pandas' string dtype
            out[column] = out[column].map(neutralise)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Comma-separated UTF-8 with a byte-order mark (so Excel reads æøå), formula-like text neutralised."""
    neutralised(frame).to_csv(path, index=False, encoding="utf-8-sig")


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """One sheet per frame; text cells are explicit strings (never formulas), numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r, values in enumerate(frame.itertuples(index=False), start=2):
            for c, value in enumerate(values, start=1):
                _set_cell(sheet.cell(row=r, column=c), value)
        sheet.freeze_panes = "A2"
        for c, column in enumerate(frame.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(width + 2, 60)
    book.save(path)


def _set_cell(cell, value: object) -> None:
    """Store a value; a string is stored as a string cell even when it starts with `=`."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return
    if isinstance(value, str):
        cell.value = _XML_ILLEGAL.sub("\ufffd", value)
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        return
    cell.value = value.item() if hasattr(value, "item") else value  # numpy/pandas scalars to Python
