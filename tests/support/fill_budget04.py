"""Test support: fills a blank 部门公开表04 (fiscalform template budget-04) with seeded
amounts, every formula replaced by its value, as a finance clerk's finished workbook.

usage: fill_budget04.py IN.xlsx OUT.xlsx SEED
"""
import random
import sys

import openpyxl

FIRST_CLASS, LAST_CLASS = 7, 28


def main():
    src, out, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith('='):
                cell.value = None
    rows = rng.sample(range(FIRST_CLASS, LAST_CLASS + 1), rng.randint(2, 6))
    total = 0
    for r in rows:
        cents = rng.randint(100, 9_999_999)
        amount = cents / 100
        ws.cell(r, 5).value = amount
        ws.cell(r, 4).value = amount
        total += cents
    total /= 100
    for r in (6, 30):
        for c in (2, 4, 5):
            ws.cell(r, c).value = total
    ws.cell(7, 2).value = total
    wb.save(out)


main()
