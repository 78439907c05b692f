"""Test support: readies a workbook's forms for printing as a clerk prints a wide form: thin
rules round every cell from the form's header row down, every column as wide as a clerk
sets it (at most WIDEST characters, a longer text wrapped) widened by a factor, and the page set to fit the form's width, so LibreOffice shrinks the print (the text a few
points high) and the lines above the table stand close over its top rule. Rows keep the
heights LibreOffice gives their wrapped text.

usage: lo_fit_width.py IN.xlsx OUT.xlsx HEADER PAPER ORIENTATION WIDEN [ROW_HEIGHT]
  HEADER       the text of the header's first cell (the table's rules start at its row)
  PAPER        A3 | A4 | A5
  ORIENTATION  portrait | landscape
  WIDEN        factor every column's width is multiplied by
  ROW_HEIGHT   every row this tall (points), the rows above the first row of figures
               (title, 部门名称 line, header) print titles repeated on every page: the
               form runs over several pages
"""
import sys

import openpyxl
from openpyxl.styles import Border, Side

PAPERS = {"A3": 8, "A4": 9, "A5": 11}
# The widest column a clerk sets (characters) before widening: longer texts wrap.
WIDEST = 24


def header_row(ws, header):
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == header:
                return cell.row
    raise SystemExit(f"{ws.title}: no cell {header!r}")


def first_figures_row(ws, top):
    for row in ws.iter_rows(min_row=top + 1):
        if any(isinstance(c.value, (int, float)) for c in row):
            return row[0].row
    raise SystemExit(f"{ws.title}: no figures under the header")


def rule_from(ws, top):
    """Thin rules round every cell from row `top` down."""
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in ws.iter_rows(min_row=top, max_col=ws.max_column):
        for cell in row:
            cell.border = box


def restyle(ws, header, paper, orientation, widen, height):
    top = header_row(ws, header)
    rule_from(ws, top)
    for letter, dim in list(ws.column_dimensions.items()):
        dim.width = min(dim.width or 8.43, WIDEST) * widen
    ws.page_setup.paperSize = PAPERS[paper]
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if height:
        ws.print_title_rows = f"1:{first_figures_row(ws, top) - 1}"
        for r in range(1, ws.max_row + 1):
            ws.row_dimensions[r].height = height


def main():
    src, out, header, paper, orientation, widen = sys.argv[1:7]
    height = float(sys.argv[7]) if len(sys.argv) > 7 else None
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        restyle(ws, header, paper, orientation, float(widen), height)
    wb.save(out)


if __name__ == "__main__":
    main()
