"""Test support: adds DELTA to the number in one cell of a workbook (an error planted where a
test wants one).

usage: add_to_cell.py IN.xlsx OUT.xlsx SHEET CELL DELTA
"""
import sys
from decimal import Decimal

import openpyxl


def main():
    src, out, sheet, cell, delta = sys.argv[1:6]
    wb = openpyxl.load_workbook(src)
    c = wb[sheet][cell]
    c.value = float(Decimal(str(c.value or 0)) + Decimal(delta))
    wb.save(out)


if __name__ == '__main__':
    main()
