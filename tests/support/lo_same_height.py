"""Test support: readies a workbook's forms for printing each on a page of its own, only its
table (the sheet's print area), every table standing as high as every other: each table's
rows share the height of the tallest table, so its top and bottom rules print at the same
heights on every page. The page is at 100%, every column as wide as the widest form's
columns sharing the page's width (a form of fewer columns is narrower), long texts wrapped,
thin rules round every cell of the table.

The table is the sheet's rows from the one under its unit line (单位：万元) down to the last
filled row above its notes (注：…).

usage: lo_same_height.py IN.xlsx OUT.xlsx PAPER ORIENTATION ROW FIRST
  PAPER        A3 | A4
  ORIENTATION  portrait | landscape
  ROW          the height (points) of a row of the table of most rows
  FIRST        only sheets FIRST and FIRST + 1 (from 0) are kept. Exit status 3, nothing
               written, when the two have as many columns (the second, as wide, would read
               as the first going on); 4 when there is no sheet FIRST + 1.
"""
import re
import sys

import openpyxl
from openpyxl.styles import Alignment, Border, Side

from lo_fit_width import PAPERS

# The page's printable width (points), portrait and landscape, margins taken off.
WIDTHS = {"A3": (700, 1040), "A4": (480, 700)}
# Points a character of a column's width takes, with room to spare.
POINTS_PER_CHAR = 7.5
UNIT_LINE = re.compile(r"单位[：:]")


def is_figure(value):
    return isinstance(value, (int, float))


def header_row(ws):
    """The row under the last unit line above the first figure."""
    top = None
    for row in ws.iter_rows():
        if any(is_figure(c.value) for c in row):
            break
        if any(isinstance(c.value, str) and UNIT_LINE.search(c.value) for c in row):
            top = row[0].row + 1
    if top is None:
        raise SystemExit(f"{ws.title}: no unit line above the figures")
    return top


def last_table_row(ws, top):
    """The last filled row above the notes (注：…) under `top`."""
    last = top
    for row in ws.iter_rows(min_row=top + 1):
        first = next((c.value for c in row if c.value not in (None, "")), None)
        if isinstance(first, str) and first.strip().startswith("注"):
            break
        if first is not None:
            last = row[0].row
    return last


def table_rows(ws):
    top = header_row(ws)
    return top, last_table_row(ws, top)


def restyle(ws, paper, orientation, height, columns):
    top, bottom = table_rows(ws)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    for row in ws.iter_rows(min_row=top, max_row=bottom, max_col=ws.max_column):
        for cell in row:
            cell.border = box
            cell.alignment = wrap
    for r in range(top, bottom + 1):
        ws.row_dimensions[r].height = height / (bottom - top + 1)
    width = WIDTHS[paper][orientation == "landscape"] / POINTS_PER_CHAR / columns
    for col in range(1, ws.max_column + 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = width
    ws.page_setup.paperSize = PAPERS[paper]
    ws.page_setup.orientation = orientation
    ws.page_setup.scale = 100
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    last = openpyxl.utils.get_column_letter(ws.max_column)
    ws.print_area = f"A{top}:{last}{bottom}"


def keep_pair(wb, first):
    """Only sheets `first` and `first + 1`; the exit status when they make no pair."""
    if first + 1 >= len(wb.worksheets):
        sys.exit(4)
    pair = wb.worksheets[first : first + 2]
    if pair[0].max_column == pair[1].max_column:
        sys.exit(3)
    for ws in list(wb.worksheets):
        if ws not in pair:
            wb.remove(ws)


def main():
    src, out, paper, orientation, row, first = sys.argv[1:7]
    wb = openpyxl.load_workbook(src)
    keep_pair(wb, int(first))
    most = max(bottom - top + 1 for top, bottom in map(table_rows, wb.worksheets))
    columns = max(ws.max_column for ws in wb.worksheets)
    for ws in wb.worksheets:
        restyle(ws, paper, orientation, float(row) * most, columns)
    wb.save(out)


if __name__ == "__main__":
    main()
