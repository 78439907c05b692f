"""Test support: clears the code from 科目 cells holding code and name (`2080505 机关事业单位基本养老保险缴费支出`,
as join_code_names.py writes them), as a print whose wrapped label is taller than its row shows
it: the code line clipped away, the name maybe cut at one or both ends
(`关事业单位基本养老保险缴`). Seeded; prints each cut as `sheet cell original cut`.

usage: drop_code_lines.py IN.xlsx OUT.xlsx SEED SHEETS MODE [CODE]
  SHEETS  comma-separated names of the sheets whose 科目 cells (first column) may be cut
  MODE    some: rows cut in one of the sheets, the others keeping them whole;
          all: one 项 row (CODE, else one picked by the seed) cut alike in every sheet that has it;
          whole: as all, the name kept whole
"""
import random
import re
import sys

import openpyxl

SHORTEST = 6  # characters a cut name keeps at least
CODED = re.compile(r'(\d{3,7}) (.+)')


def cut_name(rng, name):
    """The name with up to two characters cut off each end, when it stays long enough."""
    head, tail = rng.randint(0, 2), rng.randint(0, 2)
    cut = name[head:len(name) - tail]
    return cut if len(cut) >= SHORTEST else name


def coded_cells(ws):
    """(code, name, cell) of the 科目 cells of the sheet's first column."""
    for (cell,) in ws.iter_rows(max_col=1):
        m = CODED.fullmatch(str(cell.value or ''))
        if m:
            yield m.group(1), m.group(2), cell


def cut(cell, name, sheet):
    print(sheet, cell.coordinate, cell.value, name)
    cell.value = name


def main():
    src, out, seed, sheets, mode = sys.argv[1:6]
    rng = random.Random(int(seed))
    wb = openpyxl.load_workbook(src)
    cells = {}
    for sheet in sheets.split(','):
        for code, name, cell in coded_cells(wb[sheet]):
            cells.setdefault(code, []).append((sheet, name, cell))
    if mode == 'some':
        for code, where in sorted(cells.items()):
            if len(where) > 1 and rng.random() < 0.4:
                sheet, name, cell = rng.choice(where)
                cut(cell, cut_name(rng, name), sheet)
    else:
        code = sys.argv[6] if len(sys.argv) > 6 else rng.choice(sorted(c for c in cells if len(c) == 7))
        name = cells[code][0][1]
        name = name if mode == 'whole' else cut_name(rng, name)
        for sheet, _, cell in cells[code]:
            cut(cell, name, sheet)
    wb.save(out)


if __name__ == '__main__':
    main()
