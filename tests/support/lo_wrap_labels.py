"""Test support: restyles a workbook's forms as a clerk prints them with narrow, wrapped label
columns whose rows keep their height, so LibreOffice prints each wrapped label over the rows
around it.

usage: lo_wrap_labels.py IN.xlsx OUT.xlsx SHEETS WIDTH ALIGN PAPER ROW_HEIGHT [FLOW]
  SHEETS      comma-separated sheet names to keep (the others are removed)
  WIDTH       label column width in characters
  ALIGN       left | right | center
  PAPER       A4 | A5 (portrait, fitted to the page's width)
  ROW_HEIGHT  every row's height in points
  FLOW        wrap (the default) | clip: labels on one line, a long one printed over the
              empty cells beside it and cut at the filled ones
"""
import sys

import openpyxl
from openpyxl.styles import Alignment, Border, Side


def is_number(v):
    if isinstance(v, (int, float)):
        return True
    try:
        float(str(v).replace(',', ''))
        return True
    except ValueError:
        return False


def label_columns(ws, top):
    """Columns holding three or more texts of four characters or more below the header."""
    counts = {}
    for row in ws.iter_rows(min_row=top + 1):
        for cell in row:
            v = cell.value
            if isinstance(v, str) and len(v.strip()) >= 4 and not is_number(v):
                counts[cell.column] = counts.get(cell.column, 0) + 1
    return [c for c, n in counts.items() if n >= 3]


def table_rows(ws):
    """The first (项目) and last (last with a number) rows of the table."""
    top = next(r for r in range(1, ws.max_row + 1)
               if any(c.value == '项目' for c in ws[r]))
    last = max(r for r in range(top, ws.max_row + 1)
               if any(is_number(c.value) and c.value is not None for c in ws[r]))
    return top, last


def restyle(ws, width, align, paper, height, wrap):
    top, last = table_rows(ws)
    labels = label_columns(ws, top)
    side = Side(style='thin')
    border = Border(left=side, right=side, top=side, bottom=side)
    for c in labels:
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = width
    for row in ws.iter_rows():
        for cell in row:
            if cell.column in labels and isinstance(cell.value, str) and cell.row >= top:
                cell.alignment = Alignment(horizontal=align, vertical='center', wrap_text=wrap)
            if top <= cell.row <= last:
                cell.border = border
    for r in range(1, ws.max_row + 1):
        ws.row_dimensions[r].height = height
    ws.page_setup.paperSize = ws.PAPERSIZE_A5 if paper == 'A5' else ws.PAPERSIZE_A4
    ws.page_setup.orientation = 'portrait'
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = False


def main():
    src, out, sheets, width, align, paper, height = sys.argv[1:8]
    wrap = (sys.argv[8] if len(sys.argv) > 8 else 'wrap') == 'wrap'
    wb = openpyxl.load_workbook(src)
    keep = sheets.split(',')
    for ws in list(wb.worksheets):
        if ws.title not in keep:
            wb.remove(ws)
    for ws in wb.worksheets:
        restyle(ws, float(width), align, paper, float(height), wrap)
    wb.save(out)


main()
