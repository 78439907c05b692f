"""Test support: readies a workbook's forms for printing as a clerk prints a wide form: thin
rules round every cell from the form's header row down, every column as wide as a clerk
sets it (at most WIDEST characters, a longer text wrapped) widened by a factor, and the page set to fit the form's width, so LibreOffice shrinks the print (the text a few
points high) and the lines above the table stand close over its top rule. Rows keep the
heights LibreOffice gives their wrapped text.

usage: lo_fit_width.py IN.xlsx OUT.xlsx HEADER PAPER ORIENTATION WIDEN
  HEADER       the text of the header's first cell (the table's rules start at its row)
  PAPER        A3 | A4 | A5
  ORIENTATION  portrait | landscape
  WIDEN        factor every column's width is multiplied by
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


def restyle(ws, header, paper, orientation, widen):
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in ws.iter_rows(min_row=header_row(ws, header), max_col=ws.max_column):
        for cell in row:
            cell.border = box
    for letter, dim in list(ws.column_dimensions.items()):
        dim.width = min(dim.width or 8.43, WIDEST) * widen
    ws.page_setup.paperSize = PAPERS[paper]
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def main():
    src, out, header, paper, orientation, widen = sys.argv[1:7]
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        restyle(ws, header, paper, orientation, float(widen))
    wb.save(out)


if __name__ == "__main__":
    main()
