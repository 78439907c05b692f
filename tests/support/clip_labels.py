"""Test support: cuts the labels of a workbook's fixed tables as a print with narrow wrapped
label columns shows them when a label's first line (and maybe its last) is cut off by rows
too low for it: 一、一般公共预算财政拨款收入 → 公共预算财政拨款. Seeded; prints each cut as
`sheet cell original cut`.

usage: clip_labels.py IN.xlsx OUT.xlsx SEED SHEETS
  SHEETS  comma-separated names of the sheets whose label columns are cut (the others are kept)
"""
import random
import sys

import openpyxl

SHORTEST = 6  # characters a cut label keeps at least


def label_cells(ws):
    """Texts of eight characters or more in columns of texts, below the 项目 row."""
    top = next(r for r in range(1, ws.max_row + 1) if any(c.value == '项目' for c in ws[r]))
    for row in ws.iter_rows(min_row=top + 1):
        for cell in row:
            v = cell.value
            if isinstance(v, str) and len(v.strip()) >= 8 and not v.startswith('注'):
                yield cell


def main():
    src, out, seed, sheets = sys.argv[1:5]
    rng = random.Random(int(seed))
    wb = openpyxl.load_workbook(src)
    for name in sheets.split(','):
        ws = wb[name]
        for cell in label_cells(ws):
            if rng.random() < 0.5:
                continue
            text = cell.value.strip()
            head = rng.randint(2, 5)
            tail = rng.randint(0, 2)
            cut = text[head:len(text) - tail]
            if len(cut) < SHORTEST:
                continue
            print(name, cell.coordinate, text, cut)
            cell.value = cut
    wb.save(out)


main()
