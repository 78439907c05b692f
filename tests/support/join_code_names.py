"""Test support: writes each 科目 row's code and name into one cell (`2080505 机关事业单位基本养老保险缴费支出`)
as some units fill the forms, the name column left blank.

usage: join_code_names.py IN.xlsx OUT.xlsx SHEETS
  SHEETS  comma-separated sheet names whose code column (the first) takes the names
"""
import re
import sys

import openpyxl


def join(ws):
    for row in ws.iter_rows():
        if len(row) < 2:
            continue
        code, name = row[0], row[1]
        if re.fullmatch(r'\d{3,7}', str(code.value or '')) and isinstance(name.value, str):
            code.value = '%s %s' % (code.value, name.value.strip())
            name.value = None


def main():
    src, out, sheets = sys.argv[1:4]
    wb = openpyxl.load_workbook(src)
    for name in sheets.split(','):
        join(wb[name])
    wb.save(out)


if __name__ == '__main__':
    main()
