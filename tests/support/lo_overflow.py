"""Test support: readies a workbook's forms for printing as a clerk prints a wide form without
fit-to-width: thin rules round every cell from the form's header row down, every column
widened by a factor, the page at 100% and printed "down, then over", so the right-hand
columns go on later pages, and with tall rows the rows over several pages too.

usage: lo_overflow.py IN.xlsx OUT.xlsx HEADER PAPER ORIENTATION WIDEN [ROW_HEIGHT [TITLES]]
  HEADER       the text of the header's first cell (the table's rules start at its row)
  PAPER        A3 | A4 | A5
  ORIENTATION  portrait | landscape
  WIDEN        factor every column's width is multiplied by
  ROW_HEIGHT   every row this tall (points): the form runs over several pages
  TITLES       "titles": the rows above the first row of figures repeat on every page
"""
import sys

import openpyxl

# The ruling and the rows it looks for are the fit-to-width print's (same folder).
from lo_fit_width import PAPERS, first_figures_row, header_row, rule_from


def restyle(ws, header, paper, orientation, widen, height, titles):
    top = header_row(ws, header)
    rule_from(ws, top)
    for col in range(1, ws.max_column + 1):
        letter = openpyxl.utils.get_column_letter(col)
        dim = ws.column_dimensions[letter]
        dim.width = (dim.width or 8.43) * widen
    ws.page_setup.paperSize = PAPERS[paper]
    ws.page_setup.orientation = orientation
    ws.page_setup.scale = 100
    ws.page_setup.pageOrder = "downThenOver"
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    if height:
        for r in range(1, ws.max_row + 1):
            ws.row_dimensions[r].height = height
    if titles:
        ws.print_title_rows = f"1:{first_figures_row(ws, top) - 1}"


def main():
    src, out, header, paper, orientation, widen = sys.argv[1:7]
    height = float(sys.argv[7]) if len(sys.argv) > 7 and sys.argv[7] != "-" else None
    titles = len(sys.argv) > 8 and sys.argv[8] == "titles"
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        restyle(ws, header, paper, orientation, float(widen), height, titles)
    wb.save(out)


if __name__ == "__main__":
    main()
