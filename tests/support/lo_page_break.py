"""Test support: prints a workbook's first sheet as a clerk with narrow label columns does, in
landscape fitted to the page's width, rows at their default height, the table ruled, labels
wrapped and centred on their rows, and a page break after a chosen row.

usage: lo_page_break.py IN.xlsx OUT.xlsx WIDTH ALIGN BREAK
  WIDTH  every table column's width in characters
  ALIGN  left | right | center, the labels' alignment
  BREAK  the row (1-based) the page breaks after
"""
import sys

import openpyxl
from openpyxl.styles import Alignment, Border, Side
from openpyxl.worksheet.pagebreak import Break

# The first row of the table (its header) in the sheets this is used on.
TABLE_TOP = 4


def main():
    src, out, width, align, after = sys.argv[1:6]
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets[1:]:
        wb.remove(ws)
    ws = wb.worksheets[0]
    side = Side(style='thin')
    ruled = Border(left=side, right=side, top=side, bottom=side)
    for col in range(1, ws.max_column + 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = float(width)
    for row in ws.iter_rows():
        for cell in row:
            ws.row_dimensions[cell.row].height = None
            if cell.row >= TABLE_TOP:
                cell.border = ruled
            if isinstance(cell.value, str):
                cell.alignment = Alignment(horizontal=align, vertical='center', wrap_text=True)
    ws.page_setup.orientation = 'landscape'
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.row_breaks.append(Break(id=int(after)))
    wb.save(out)


main()
